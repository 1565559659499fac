/**
 * The host side of the engine: one worker thread, typed requests with ids. The worker starts lazily and loads the
 * current model first. Large requests are sent in chunks with a priority, so what the user sees or edits can pass the
 * rest of a document; a request whose caller no longer wants it is cancelled before it runs. When the worker dies, it
 * is restarted and every pending request is sent again, once; a second failure rejects them. Every pending request
 * is also rejected on dispose, so no caller waits forever.
 */
import type { Classification } from "../core/types";
import { Channel, type WorkerThread } from "./channel";
import { PRIORITY, type EngineMethods, type EngineStats, type Explanation, type ModelInfo, type ModelSpec, type Request, type Response } from "./engineProtocol";
import { MemoryWatch, type MemoryBudget } from "./memoryWatch";
import { classificationAt, ScoreRef, type ScoreColumns } from "./scores";

export type { WorkerThread } from "./channel";
export type { MemoryBudget } from "./memoryWatch";

/** The engine's thread (src/web/engineThread.ts on the web). */
export interface EngineThread extends WorkerThread<Request, Response> {
  once(event: "exit", listener: (code: number) => void): unknown;
}

/** Texts per classify request: small enough for a high-priority request to pass between chunks of a long document. */
const CHUNK = 64;
/** Chunks of one classify call in the worker's queue at a time. */
const IN_FLIGHT = 4;
/** How long a disposed worker may take to finish its current run and exit before it is terminated. */
const CLOSE_TIMEOUT_MS = 30_000;
/** Sends of one request: the first, and one retry on a restarted worker. */
const MAX_ATTEMPTS = 2;
/**
 * Requests a client holds unanswered at once (docs/RELIABILITY.md "Bounds"). Each classify call has at most IN_FLIGHT
 * chunks out, so only hundreds of callers at once reach it; a request past it is refused with a message.
 */
export const MAX_PENDING = 2_048;
export type Priority = keyof typeof PRIORITY;

export class CancelledError extends Error {
  constructor() {
    super("cancelled");
    this.name = "CancelledError";
  }
}

/**
 * What waited when the engine stopped past its memory budget: cancelled (callers treat it as a CancelledError), with
 * the reason as its message; the user is told once, through onMemoryBudget.
 */
export class EngineStoppedError extends CancelledError {
  constructor(message: string) {
    super();
    this.message = message;
    this.name = "EngineStoppedError";
  }
}

const SHUT_DOWN = "the sentiment engine was shut down";

export class EngineClient {
  /** Requests and answers, typed per method (engineProtocol.ts EngineMethods); the worker starts on the first request. */
  private readonly channel: Channel<EngineMethods, Request, Response>;
  /** The memory budget's watch over the running worker. */
  private readonly memoryWatch: MemoryWatch;
  private model: Promise<ModelInfo> | undefined;
  /** Resolves once a disposed client's worker has exited. */
  private closed = Promise.resolve();
  /** Texts sent to the model since the client was made (cancelled ones included). */
  textsSent = 0;
  /** Times the worker died and was restarted. */
  restarts = 0;
  /** Called when the worker died; `retried` says whether its pending requests were sent again. */
  onCrash: ((message: string, retried: boolean) => void) | undefined;
  /** Called when the engine stopped because it went past its memory budget (the message says so and what happens). */
  onMemoryBudget: ((message: string) => void) | undefined;
  /** Times the engine stopped for its memory budget. */
  budgetStops = 0;

  /** `startWorker` starts the engine's thread: engine/node/threads.ts engineThread(script) on the desktop and in the CLI. */
  constructor(
    startWorker: () => EngineThread,
    private spec: ModelSpec,
    memory?: MemoryBudget,
  ) {
    this.memoryWatch = new MemoryWatch(memory, (used, budget) => this.overBudget(used, budget));
    this.channel = new Channel<EngineMethods, Request, Response>({
      name: "the sentiment engine",
      start: () => {
        const worker = startWorker();
        this.memoryWatch.start(() => this.worker === worker);
        return worker;
      },
      encode: (id, type, params, { priority = PRIORITY.low }) => ({ ...params, id, priority, type }) as Request,
      decode: (response) =>
        response.ok
          ? { kind: "result", id: response.id, value: response.result }
          : { kind: "error", id: response.id, error: response.cancelled ? new CancelledError() : new Error(response.error) },
      maxPending: MAX_PENDING,
      unbounded: ["load"],
      busy: (pending) =>
        new Error(`the sentiment engine is busy: ${pending.toLocaleString("en")} requests are waiting (at most ${MAX_PENDING.toLocaleString("en")}); try again when they are done`),
      onDeath: (message) => this.crashed(message),
    });
  }

  /** Requests refused because MAX_PENDING were unanswered. */
  get refused(): number {
    return this.channel.refused;
  }

  /** The engine's thread, while one runs. */
  private get worker(): EngineThread | undefined {
    return this.channel.current as EngineThread | undefined;
  }

  /** A new memory budget (a setting changed); undefined turns the watch off. Applies from the next look. */
  setMemoryBudget(memory: MemoryBudget | undefined): void {
    this.memoryWatch.setBudget(memory);
    const worker = this.worker;
    if (worker && memory && !this.memoryWatch.watching) this.memoryWatch.start(() => this.worker === worker);
  }

  /**
   * Wait after a failed load before a request loads the model again: doubled with each failure in a row, at most 60 s
   * (a broken model folder is not reloaded on every keystroke; setModel, a new choice, always loads at once).
   */
  loadRetryMs = 1_000;
  /** The clock of those waits (a test moves its own instead of sleeping). */
  now: () => number = Date.now;
  private loadFailures = 0;
  private failedLoad: { error: unknown; until: number } | undefined;

  /** The loaded model, loading it (and starting the worker) on first use. */
  modelInfo(): Promise<ModelInfo> {
    if (!this.model) {
      // Within the wait after a failed load, the failure is the answer.
      if (this.failedLoad && this.now() < this.failedLoad.until) return Promise.reject(this.failedLoad.error);
      const loading = this.channel.request("load", { spec: this.spec }, { priority: PRIORITY.load });
      // A failed load is not remembered for good: a request after the wait tries again (the folder may have been fixed).
      loading.then(
        () => {
          this.loadFailures = 0;
          this.failedLoad = undefined;
        },
        (error: unknown) => {
          if (this.model === loading) this.model = undefined;
          if (error instanceof EngineStoppedError) return;
          this.loadFailures++;
          this.failedLoad = { error, until: this.now() + Math.min(60_000, this.loadRetryMs * 2 ** (this.loadFailures - 1)) };
        },
      );
      this.model = loading;
    }
    return this.model;
  }

  /** Switches to another model. If it fails to load, the error is thrown and the previous model stays in use. */
  async setModel(spec: ModelSpec): Promise<ModelInfo> {
    const info = await this.channel.request("load", { spec }, { priority: PRIORITY.load });
    this.loadFailures = 0;
    this.failedLoad = undefined;
    this.spec = spec;
    this.model = Promise.resolve(info);
    return info;
  }

  /**
   * Classifies texts in the worker; results are in input order. An aborted signal cancels the chunks that have not
   * started and rejects with CancelledError.
   */
  async classify(texts: readonly string[], options: { priority?: Priority; signal?: AbortSignal } = {}): Promise<Classification[]> {
    return this.answers(texts, options, classificationAt);
  }

  /**
   * The same as `classify`, each result read from the worker's answer when asked (ScoreRef): what a host that keeps
   * thousands of results (the editor's) holds.
   */
  async scores(texts: readonly string[], options: { priority?: Priority; signal?: AbortSignal } = {}): Promise<ScoreRef[]> {
    return this.answers(texts, options, (columns, i) => new ScoreRef(columns, i));
  }

  /**
   * The worker's answer to each of `texts`, in order, each read by `read` as its chunk comes back: 10,000 results
   * made in one go at the end held the host's loop for 2-10 ms (Classifications) in the turn that also stored them.
   */
  private async answers<T>(texts: readonly string[], options: { priority?: Priority; signal?: AbortSignal }, read: (columns: ScoreColumns, i: number) => T): Promise<T[]> {
    if (texts.length === 0) return [];
    if (options.signal?.aborted) throw new CancelledError();
    const ids: number[] = [];
    const abort = () => this.cancel(ids);
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      const priority = PRIORITY[options.priority ?? "low"];
      const results = new Array<T>(texts.length);
      const chunks = Math.ceil(texts.length / CHUNK);
      let next = 0;
      // A few chunks in flight, the next one sent as one comes back: a large document is not copied to the worker in
      // one go (10,000 paragraphs at once held the host's event loop for ~30 ms), and the worker still has enough
      // texts to form batches from.
      const lane = async () => {
        for (let chunk = next++; chunk < chunks; chunk = next++) {
          if (options.signal?.aborted) throw new CancelledError();
          const slice = texts.slice(chunk * CHUNK, (chunk + 1) * CHUNK);
          this.textsSent += slice.length;
          const answer = await this.channel.request("classify", { texts: slice }, { priority, ids });
          for (let i = 0; i < slice.length; i++) results[chunk * CHUNK + i] = read(answer, i);
        }
      };
      await this.afterLoad(() => Promise.all(Array.from({ length: Math.min(IN_FLIGHT, chunks) }, lane)));
      return results;
    } finally {
      options.signal?.removeEventListener("abort", abort);
    }
  }

  /** The words that move a text's score most (leave-one-word-out in the worker). */
  explain(text: string): Promise<Explanation> {
    return this.afterLoad(() => this.channel.request("explain", { text }, { priority: PRIORITY.high }));
  }

  /** What the engine's sessions have done since the model loaded (answered at once, whatever is queued). */
  stats(): Promise<EngineStats> {
    return this.channel.request("stats", {}, { priority: PRIORITY.load });
  }

  /** What the client holds now (for the soak's watchdog and the tests of its bounds). */
  counters(): { pending: number; textsSent: number; restarts: number; workerRunning: boolean; budgetStops: number; refused: number } {
    return { pending: this.channel.size, textsSent: this.textsSent, restarts: this.restarts, workerRunning: this.worker !== undefined, budgetStops: this.budgetStops, refused: this.refused };
  }

  /** Stops the worker as a crash would: pending requests are sent again to a new worker. */
  async restart(): Promise<void> {
    await this.channel.terminate();
  }

  /**
   * Rejects every pending request and closes the worker. Resolves once the worker has exited, and keeps the process
   * alive until then: a process that ends while its worker is still releasing onnxruntime's sessions aborts as a
   * terminated run does ("terminate called after throwing an instance of 'Napi::Error'": about one CLI run in a hundred
   * before the CLI awaited this).
   */
  dispose(): Promise<void> {
    if (this.channel.closed) return this.closed;
    this.memoryWatch.stop();
    const worker = this.channel.close(new Error(SHUT_DOWN)) as EngineThread | undefined;
    if (!worker) return this.closed;
    worker.ref();
    this.closed = closeWorker(worker);
    return this.closed;
  }

  /**
   * Sends a request right after the model's load: the worker runs loads first, so the request runs on the loaded
   * model, even after a restart. When the load fails, its error is the one the caller sees.
   */
  private async afterLoad<T>(send: () => Promise<T>): Promise<T> {
    const loaded = this.modelInfo();
    const result = send();
    result.catch(() => undefined); // a failed load is reported instead
    await loaded;
    return result;
  }

  private cancel(ids: readonly number[]): void {
    const waiting = ids.filter((id) => this.channel.has(id));
    if (waiting.length) this.channel.post({ id: 0, priority: PRIORITY.load, type: "cancel", ids: waiting });
  }

  /** Stops the engine past its memory budget: its sessions are released; the next request starts it again. */
  private overBudget(used: number, budget: number): void {
    const worker = this.worker;
    if (!worker) return;
    this.channel.detach();
    this.model = undefined;
    this.budgetStops++;
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20).toLocaleString("en");
    const message =
      `the sentiment engine stopped: it grew by ${mb(used)} MB, over its memory budget of ${mb(budget)} MB ` +
      "(inlineSentiment.engine.memoryBudgetMb); it released its model and starts again with the next analysis";
    this.channel.rejectAll(new EngineStoppedError(message));
    this.onMemoryBudget?.(message);
    void closeWorker(worker);
  }

  /** The worker died: send its pending requests again to a new one, or reject them if they already had their retry. */
  private crashed(message: string): void {
    this.restarts++;
    const waiting = this.channel.waiting();
    const retry = waiting.length > 0 && waiting.every((p) => p.attempts < MAX_ATTEMPTS);
    this.onCrash?.(message, retry);
    if (!retry) {
      this.model = undefined;
      this.channel.rejectAll(new Error(message));
      return;
    }
    // The new worker has no model: load it first (unless a load is among the retried requests), then the requests
    // again in their first order.
    const again = waiting.map((p) => p.id);
    if (!waiting.some((p) => p.method === "load")) {
      this.model = undefined;
      void this.modelInfo().catch(() => undefined);
    }
    this.channel.resend(again);
  }
}

/**
 * Asks `worker` to close and resolves once it has exited. The worker finishes the session.run in progress, releases the
 * model and exits: terminating it during a run aborts the whole process (onnxruntime-node's completion callback throws
 * into a stopped thread). A worker that does not exit in time (a hung run) is terminated all the same.
 */
function closeWorker(worker: EngineThread): Promise<void> {
  worker.postMessage({ id: 0, priority: PRIORITY.load, type: "close" } satisfies Request);
  const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
  (timer as { unref?: () => void }).unref?.();
  return new Promise((resolve) =>
    worker.once("exit", () => {
      clearTimeout(timer);
      resolve();
    }),
  );
}
