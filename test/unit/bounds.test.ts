/**
 * The engine's bounds (docs/RELIABILITY.md "Bounds"): the client's memory budget and its pending map, the worker's
 * queue. Each is driven past its bound with stand-ins (a fake engine thread, a fake model, a fake resident memory),
 * and must refuse or stop with a message, never buffer on.
 */
import { strict as assert } from "node:assert";
import { EventEmitter } from "node:events";
import { LruCache } from "../../src/core/cache";
import { EngineClient, EngineStoppedError, MAX_PENDING, type EngineThread } from "../../src/engine/engineClient";
import type { Request, Response } from "../../src/engine/engineProtocol";
import { windowsOf } from "../../src/engine/worker/batching";
import type { SentimentModel } from "../../src/engine/worker/model";
import { MAX_QUEUED_CHARS, MAX_QUEUED_REQUESTS, Scheduler } from "../../src/engine/worker/scheduler";

/** An engine thread that answers loads at once and holds every other request (as a worker busy with a long run). */
class FakeThread extends EventEmitter {
  readonly received: Request[] = [];
  terminated = false;
  constructor(private readonly onRequest: (thread: FakeThread, request: Request) => void = () => undefined) {
    super();
  }
  postMessage(request: Request): void {
    this.received.push(request);
    if (request.type === "load") setImmediate(() => this.emit("message", { id: request.id, ok: true, result: { sha256: "x" } } as Response));
    else if (request.type === "close") setImmediate(() => this.emit("exit", 0));
    this.onRequest(this, request);
  }
  async terminate(): Promise<number> {
    this.terminated = true;
    this.emit("exit", 1);
    return 1;
  }
  ref(): void {}
  unref(): void {}
}

const SPEC = { dir: "m", kind: "custom", dtype: "q8" } as const;

describe("the engine's bounds", () => {
  it("past its memory budget the engine stops, releases its sessions, rejects what waits with the reason, tells once, and starts again on demand", async () => {
    const threads: FakeThread[] = [];
    let rss = 500 * 2 ** 20;
    const engine = new EngineClient(
      () => {
        const thread = new FakeThread();
        threads.push(thread);
        return thread as unknown as EngineThread;
      },
      { ...SPEC },
      { budgetBytes: 100 * 2 ** 20, rss: () => rss, everyMs: 5 },
    );
    const told: string[] = [];
    engine.onMemoryBudget = (message) => told.push(message);
    const waiting = engine.classify(["a", "b"]);
    await new Promise((resolve) => setImmediate(resolve));
    rss += 150 * 2 ** 20; // the engine grew by 150 MB: over its 100 MB budget
    await assert.rejects(waiting, (error: Error) => {
      assert.ok(error instanceof EngineStoppedError, "a cancellation, so callers do not report it again");
      assert.match(error.message, /stopped: it grew by 150 MB, over its memory budget of 100 MB \(inlineSentiment\.engine\.memoryBudgetMb\); it released its model and starts again/);
      return true;
    });
    assert.equal(told.length, 1);
    assert.equal(engine.budgetStops, 1);
    assert.ok(threads[0].received.some((r) => r.type === "close"), "the worker was told to release its sessions and exit");
    assert.equal(engine.counters().workerRunning, false);
    // On demand: the next request starts a new worker, which loads the model again.
    rss = 500 * 2 ** 20;
    void engine.classify(["c"]).catch(() => undefined);
    assert.equal(threads.length, 2);
    assert.deepEqual(threads[1].received.map((r) => r.type).slice(0, 1), ["load"]);
    await engine.dispose();
  });

  it("under its budget the engine is left alone (the budget is growth since the worker started, not the process's size)", async () => {
    const engine = new EngineClient(
      () =>
        new FakeThread((thread, request) => {
          if (request.type === "classify") setTimeout(() => thread.emit("message", { id: request.id, ok: true, result: { labels: ["a"], probabilities: new Float64Array(request.texts.length), windows: new Uint32Array(request.texts.length), tokens: new Uint32Array(request.texts.length) } }), 30);
        }) as unknown as EngineThread,
      { ...SPEC },
      { budgetBytes: 100 * 2 ** 20, rss: () => 3 * 2 ** 30, everyMs: 5 },
    );
    const results = await engine.classify(["a", "b", "c"]);
    assert.equal(results.length, 3);
    assert.equal(engine.budgetStops, 0);
    await engine.dispose();
  });

  it("a model that fails to load is not loaded again on every request: the next try waits 1 s, then 2 s, ... (at most 60 s)", async () => {
    const threads: FakeThread[] = [];
    const engine = new EngineClient(
      () => {
        const thread = new FakeThread();
        // Every load fails, as a broken model folder does.
        thread.postMessage = (request: Request) => {
          thread.received.push(request);
          if (request.type === "load") setImmediate(() => thread.emit("message", { id: request.id, ok: false, error: "config.json: file not found" } as Response));
          if (request.type === "close") setImmediate(() => thread.emit("exit", 0));
        };
        threads.push(thread);
        return thread as unknown as EngineThread;
      },
      { ...SPEC },
    );
    engine.loadRetryMs = 200;
    // The client's own clock, moved by the test: no sleeping, so a loaded machine cannot stretch a wait.
    let clock = 1_000_000;
    engine.now = () => clock;
    const loads = () => threads.flatMap((t) => t.received).filter((r) => r.type === "load").length;
    await assert.rejects(engine.modelInfo(), /config\.json: file not found/);
    // Live analysis asks again at once (a keystroke): the failure is the answer, no second load.
    for (let i = 0; i < 20; i++) await assert.rejects(engine.classify(["x"]), /config\.json: file not found/);
    assert.equal(loads(), 1);
    clock += 199;
    await assert.rejects(engine.modelInfo(), /file not found/);
    assert.equal(loads(), 1, "within the first wait (200 ms), no load");
    clock += 51;
    await assert.rejects(engine.modelInfo(), /file not found/);
    assert.equal(loads(), 2, "after the wait, one more load");
    // The second failure in a row doubles the wait (400 ms): 250 ms later the failure is still the answer.
    clock += 250;
    await assert.rejects(engine.modelInfo(), /file not found/);
    assert.equal(loads(), 2);
    clock += 150;
    await assert.rejects(engine.modelInfo(), /file not found/);
    assert.equal(loads(), 3, "after the doubled wait, one more load");
    await engine.dispose();
  });

  it(`the client holds at most ${MAX_PENDING.toLocaleString("en")} unanswered requests; past that it refuses with a message`, async () => {
    const engine = new EngineClient(() => new FakeThread() as unknown as EngineThread, { ...SPEC });
    await engine.modelInfo();
    const held: Promise<unknown>[] = [];
    while (engine.counters().pending < MAX_PENDING) held.push(engine.explain(`text ${held.length}`).catch((error: Error) => error));
    await assert.rejects(engine.explain("one too many"), /the sentiment engine is busy: 2,048 requests are waiting \(at most 2,048\)/);
    assert.equal(engine.counters().refused, 1);
    await engine.dispose();
    assert.ok((await Promise.all(held)).every((e) => e instanceof Error && /shut down/.test(e.message)));
  });

  it("the score cache keeps at most its entries and its characters of text, least recently used out first", () => {
    const cache = new LruCache<string, number>(3, (text) => text.length, 10);
    for (const text of ["aa", "bb", "cc", "dd"]) cache.set(text, text.length);
    assert.equal(cache.size, 3, "entry bound");
    assert.equal(cache.get("aa"), undefined, "the oldest went first");
    cache.get("bb"); // now the most recent
    cache.set("eeeeee", 6); // 2 + 2 + 2 + 6 = 12 characters > 10: the least recently used (cc) goes until it fits
    assert.deepEqual(["bb", "cc", "dd", "eeeeee"].map((k) => cache.get(k) !== undefined), [true, false, true, true]);
    assert.equal(cache.weight, 10);
    cache.set("x".repeat(11), 11); // heavier than the whole bound on its own: not kept, nothing else pushed out
    assert.equal(cache.size, 3);
    assert.equal(cache.weight, 10);
    cache.delete("bb");
    assert.equal(cache.weight, 8);
  });

  it("a window limit that leaves no room for text is refused instead of cutting windows without end", () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => i);
    assert.throws(() => [...windowsOf(ids, 2, [101], [102])], /windows of 2 tokens leave no room for text/);
    assert.throws(() => [...windowsOf(ids, 1, [101], [102])], /leave no room/);
    // The smallest limit that works: one token of text per window, each window one token further.
    const windows = [...windowsOf(ids.slice(0, 5), 3, [101], [102])];
    assert.deepEqual(windows.map((w) => w.ids), [0, 1, 2, 3, 4].map((id) => [101, id, 102]));
  });

  describe("the worker's queue (scheduler.ts, fake model whose runs never end)", () => {
    function stuck() {
      const posted: Response[] = [];
      const model = {
        info: { rowsPerRun: 1 },
        prepare: (texts: string[]) => ({ windows: texts.map((_, i) => ({ text: i, ids: [1], weight: 1 })), tokens: texts.map(() => 1) }),
        finish: () => [],
        runRows: () => new Promise<number[][]>(() => undefined),
        dispose: async () => undefined,
      } as unknown as SentimentModel;
      const scheduler = new Scheduler({ post: (response) => posted.push(response), load: async () => ({ model, backendReason: "test" }) });
      return { scheduler, posted };
    }

    it(`holds at most ${MAX_QUEUED_REQUESTS.toLocaleString("en")} requests; the next is refused with a message and counted`, async () => {
      const { scheduler, posted } = stuck();
      scheduler.receive({ id: 1, priority: -1, type: "load", spec: { ...SPEC } });
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (let id = 2; id < 2 + MAX_QUEUED_REQUESTS + 1; id++) scheduler.receive({ id, priority: 1, type: "classify", texts: ["x"] });
      const counters = scheduler.counters();
      assert.equal(counters.queued, MAX_QUEUED_REQUESTS);
      assert.equal(counters.refused, 1);
      const refusal = posted.find((r) => !r.ok);
      assert.ok(refusal && !refusal.ok);
      assert.match(refusal.error, /the engine is busy: 1,024 requests are waiting \(at most 1,024\)/);
    });

    it(`holds at most ${(MAX_QUEUED_CHARS / 2 ** 20).toFixed(0)} M characters of text; a request that would pass it is refused`, async () => {
      const { scheduler, posted } = stuck();
      scheduler.receive({ id: 1, priority: -1, type: "load", spec: { ...SPEC } });
      await new Promise((resolve) => setTimeout(resolve, 10));
      const big = "x".repeat(MAX_QUEUED_CHARS / 4);
      for (let id = 2; id <= 6; id++) scheduler.receive({ id, priority: 1, type: "classify", texts: [big] });
      assert.equal(scheduler.counters().refused, 1);
      const refusal = posted.find((r) => r.id === 6);
      assert.ok(refusal && !refusal.ok);
      assert.match(refusal.error, /the texts waiting would hold 83,886,080 characters \(at most 67,108,864\)/);
    });
  });
});
