import { strict as assert } from "node:assert";
import type { EngineStats, Response } from "../../src/engine/engineProtocol";
import type { SentimentModel } from "../../src/engine/worker/model";
import { BULK_WINDOWS, HELPER_MAX_TOKENS, Scheduler, type Lane } from "../../src/engine/worker/scheduler";

/**
 * A model stand-in: one window per text (its length in tokens = its word count), "probabilities" that encode the text,
 * and runs that finish on the next turn of the event loop, as onnxruntime-node's do.
 */
function fakeModel(runs: string[]): SentimentModel {
  const model = {
    info: { rowsPerRun: 1 },
    prepare: (texts: string[]) => ({ windows: texts.map((text, i) => ({ text: i, ids: text.split(" ").map((w) => w.length), weight: 1 })), tokens: texts.map(() => 1) }),
    finish: (prepared: { tokens: number[] }, probabilities: number[][]) => prepared.tokens.map((_, i) => probabilities[i][0]),
    runRows: (rows: number[][]) => new Promise<number[][]>((resolve) => setImmediate(() => (runs.push("own"), resolve(rows.map((row) => [row.length]))))),
    explain: async () => ({}),
    dispose: async () => undefined,
  };
  return model as unknown as SentimentModel;
}

/** A helper lane that answers like the model, or fails at its `failAt`-th run. */
function fakeHelper(runs: string[], failAt = Infinity): Lane & { closed: boolean; longest: number } {
  let count = 0;
  const lane = {
    name: "helper",
    closed: false,
    /** Tokens of the longest window it was given. */
    longest: 0,
    run(rows: number[][]) {
      lane.longest = Math.max(lane.longest, ...rows.map((row) => row.length));
      return new Promise<number[][]>((resolve, reject) =>
        setTimeout(() => {
          if (++count >= failAt) return reject(new Error("helper thread died"));
          runs.push("helper");
          resolve(rows.map((row) => [row.length]));
        }, 1),
      );
    },
    close: async () => void (lane.closed = true),
  };
  return lane;
}

/** A scheduler over the fake model, its responses by id, and a way to wait for one. */
function harness(startHelper?: () => Promise<Lane>, helperIdleMs?: number) {
  const runs: string[] = [];
  const responses = new Map<number, Response>();
  const waiters = new Map<number, (response: Response) => void>();
  const scheduler = new Scheduler({
    post: (response) => {
      responses.set(response.id, response);
      waiters.get(response.id)?.(response);
    },
    load: async () => ({ model: fakeModel(runs), backendReason: "test", helper: startHelper && { describe: "2 sessions", start: startHelper } }),
  }, helperIdleMs);
  const answer = (id: number) => new Promise<Response>((resolve) => (responses.has(id) ? resolve(responses.get(id)!) : waiters.set(id, resolve)));
  return { scheduler, runs, answer };
}

/** Texts of 1-9 words: text i has i % 9 + 1 words, so its result is that number. */
const texts = (count: number) => Array.from({ length: count }, (_, i) => Array.from({ length: (i % 9) + 1 }, () => "w").join(" "));
const expected = (count: number) => Array.from({ length: count }, (_, i) => (i % 9) + 1);

describe("the engine's queue with a helper session (scheduler.ts, fake runtime)", () => {
  it("shares bulk work between the own session and a helper, each text answered with its own result; long windows stay on the own session", async () => {
    const helper = fakeHelper([]);
    const { scheduler, runs, answer } = harness(async () => helper);
    scheduler.receive({ id: 1, priority: -1, type: "load", spec: { dir: "m", kind: "custom", dtype: "q8" } });
    assert.equal((await answer(1)).ok, true);
    const long = Array.from({ length: HELPER_MAX_TOKENS + 1 }, () => "w").join(" ");
    const all = texts(BULK_WINDOWS * 3).map((text, i) => (i % 10 === 5 ? long : text));
    scheduler.receive({ id: 2, priority: 1, type: "classify", texts: all });
    const response = await answer(2);
    assert.ok(response.ok);
    assert.deepEqual(response.result, expected(BULK_WINDOWS * 3).map((n, i) => (i % 10 === 5 ? HELPER_MAX_TOKENS + 1 : n)));
    assert.ok(helper.longest > 0 && helper.longest <= HELPER_MAX_TOKENS, `the helper ran a window of ${helper.longest} tokens`);
    const stats = scheduler.stats();
    assert.equal(stats.helperStarts, 1);
    assert.ok(stats.sessions[1].runs > 0 && stats.sessions[0].runs > 0, JSON.stringify(stats));
    assert.equal(stats.sessions[0].runs + stats.sessions[1].runs, BULK_WINDOWS * 3, "every window ran once");
    assert.equal(runs.length, stats.sessions[0].runs);
    await scheduler.close();
    assert.equal(helper.closed, true, "close stops the helper");
  });

  it("starts no helper for a few paragraphs", async () => {
    let started = 0;
    const { scheduler, answer } = harness(async () => (started++, fakeHelper([])));
    scheduler.receive({ id: 1, priority: -1, type: "load", spec: { dir: "m", kind: "custom", dtype: "q8" } });
    scheduler.receive({ id: 2, priority: 1, type: "classify", texts: texts(BULK_WINDOWS - 1) });
    assert.deepEqual(((await answer(2)) as { result: unknown }).result, expected(BULK_WINDOWS - 1));
    assert.equal(started, 0);
    await scheduler.close();
  });

  it("gives a failed helper's windows back to the own session: every text is still answered, and no helper starts again", async () => {
    const { scheduler, runs, answer } = harness(async () => fakeHelper(runs, 3));
    scheduler.receive({ id: 1, priority: -1, type: "load", spec: { dir: "m", kind: "custom", dtype: "q8" } });
    scheduler.receive({ id: 2, priority: 1, type: "classify", texts: texts(BULK_WINDOWS * 2) });
    assert.deepEqual(((await answer(2)) as { result: unknown }).result, expected(BULK_WINDOWS * 2));
    const stats: EngineStats = scheduler.stats();
    assert.match(stats.helperBroken ?? "", /helper thread died/);
    assert.equal(stats.sessions.length, 1);
    assert.equal(runs.filter((run) => run === "helper").length, 2, "the two runs before the failure counted once");
    scheduler.receive({ id: 3, priority: 1, type: "classify", texts: texts(BULK_WINDOWS * 2) });
    assert.deepEqual(((await answer(3)) as { result: unknown }).result, expected(BULK_WINDOWS * 2));
    assert.equal(scheduler.stats().helperStarts, 1);
    await scheduler.close();
  });

  it("answers requests that come after the helper became ready with nothing queued", async () => {
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    let release!: (lane: Lane) => void;
    const { scheduler, answer } = harness(() => (ready(), new Promise<Lane>((resolve) => (release = resolve))));
    scheduler.receive({ id: 1, priority: -1, type: "load", spec: { dir: "m", kind: "custom", dtype: "q8" } });
    scheduler.receive({ id: 2, priority: 1, type: "classify", texts: texts(BULK_WINDOWS) });
    await started;
    assert.ok((await answer(2)).ok, "the own session did the work while the helper started");
    // The queue's loop has ended by the time the helper is ready.
    await new Promise((resolve) => setTimeout(resolve, 5));
    release(fakeHelper([]));
    await new Promise((resolve) => setImmediate(resolve));
    scheduler.receive({ id: 3, priority: 0, type: "classify", texts: ["a b"] });
    assert.deepEqual(((await answer(3)) as { result: unknown }).result, [2]);
    await scheduler.close();
  });

  it("keeps working on the own session when a helper cannot start", async () => {
    const { scheduler, answer } = harness(async () => Promise.reject(new Error("out of memory")));
    scheduler.receive({ id: 1, priority: -1, type: "load", spec: { dir: "m", kind: "custom", dtype: "q8" } });
    scheduler.receive({ id: 2, priority: 1, type: "classify", texts: texts(BULK_WINDOWS * 2) });
    assert.deepEqual(((await answer(2)) as { result: unknown }).result, expected(BULK_WINDOWS * 2));
    assert.match(scheduler.stats().helperBroken ?? "", /could not start: out of memory/);
    await scheduler.close();
  });

  it("answers an urgent request while both sessions are busy with bulk work, before the bulk work ends", async () => {
    const { scheduler, answer } = harness(async () => fakeHelper([]));
    scheduler.receive({ id: 1, priority: -1, type: "load", spec: { dir: "m", kind: "custom", dtype: "q8" } });
    scheduler.receive({ id: 2, priority: 1, type: "classify", texts: texts(BULK_WINDOWS * 4) });
    let bulkDone = false;
    void answer(2).then(() => (bulkDone = true));
    // Bulk work under way on both sessions.
    while ((scheduler.stats().sessions[1]?.runs ?? 0) < 2) await new Promise((resolve) => setImmediate(resolve));
    scheduler.receive({ id: 3, priority: 0, type: "classify", texts: ["a b c"] });
    assert.deepEqual(((await answer(3)) as { result: unknown }).result, [3]);
    assert.equal(bulkDone, false);
    assert.ok((await answer(2)).ok);
    await scheduler.close();
  });

  it("cancels a request whose windows are running on the helper; the others are still answered", async () => {
    const { scheduler, answer } = harness(async () => fakeHelper([]));
    scheduler.receive({ id: 1, priority: -1, type: "load", spec: { dir: "m", kind: "custom", dtype: "q8" } });
    scheduler.receive({ id: 2, priority: 1, type: "classify", texts: texts(BULK_WINDOWS * 10) });
    scheduler.receive({ id: 3, priority: 1, type: "classify", texts: texts(10) });
    // Cancelled once the helper has run some of its windows (with more in its hands).
    while ((scheduler.stats().sessions[1]?.runs ?? 0) < 2) await new Promise((resolve) => setImmediate(resolve));
    scheduler.receive({ id: 0, priority: -1, type: "cancel", ids: [2] });
    const cancelled = await answer(2);
    assert.equal(!cancelled.ok && cancelled.cancelled, true);
    assert.deepEqual(((await answer(3)) as { result: unknown }).result, expected(10));
    await scheduler.close();
  });

  it("starts no new helper while the last one is still closing: starts never outpace ends", async () => {
    let closing: (() => void) | undefined;
    const helpers: (Lane & { closed: boolean })[] = [];
    const start = async () => {
      const helper = fakeHelper([]);
      // The first one's thread takes its time to end (a run in progress, a loaded machine).
      if (helpers.length === 0) helper.close = () => new Promise<void>((resolve) => (closing = () => ((helper.closed = true), resolve())));
      helpers.push(helper);
      return helper;
    };
    const { scheduler, answer } = harness(start, 20);
    scheduler.receive({ id: 1, priority: -1, type: "load", spec: { dir: "m", kind: "custom", dtype: "q8" } });
    await answer(1);
    scheduler.receive({ id: 2, priority: 1, type: "classify", texts: texts(BULK_WINDOWS * 2) });
    assert.ok((await answer(2)).ok);
    assert.equal(scheduler.counters().helperStarts, 1);
    // Idle: the helper is told to stop, and its thread has not ended yet.
    while (!closing) await new Promise((resolve) => setTimeout(resolve, 5));
    scheduler.receive({ id: 3, priority: 1, type: "classify", texts: texts(BULK_WINDOWS * 2) });
    assert.ok((await answer(3)).ok, "bulk work while a helper closes runs on the own session");
    assert.equal(scheduler.counters().helperStarts, 1, "no second helper while the first is closing");
    closing();
    await new Promise((resolve) => setImmediate(resolve));
    scheduler.receive({ id: 4, priority: 1, type: "classify", texts: texts(BULK_WINDOWS * 2) });
    assert.ok((await answer(4)).ok);
    assert.equal(scheduler.counters().helperStarts, 2, "once it has ended, bulk work starts one again");
    assert.equal(scheduler.counters().helperStops, 1);
    await scheduler.close();
  });
});
