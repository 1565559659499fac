/**
 * The engine's queue: requests ordered by priority (loads first, then what the user sees or edits, then the rest),
 * answered through `post`. Classify requests are not run one after another: their texts are tokenized into windows,
 * and each run takes one batch of windows of similar length from the requests of the most urgent priority waiting, so
 * a document's paragraphs share batches across requests, and a request that arrives with a higher priority runs in the
 * very next batch. Requests can be cancelled at any time, also half-done. A failed load keeps the model it had. Every
 * failure goes back to the caller as a message, never a hang.
 *
 * Runs go to lanes: the model's own session in this thread, and, for bulk work, a second session in a helper thread
 * (node/helperLane.ts; its life: lanes.ts) when the host allows one. Each free lane takes the next batch, so an edit waits for at most the runs
 * in progress. A lane gives the same result for a text as any other (same graph, same kernels, one text per run).
 * The queue itself needs no Node API: a host shell (worker.ts) gives it its messages and its helpers.
 */
import { messageOf } from "../../core/errors";
import type { EngineStats, ModelSpec, Request, Response, SchedulerCounters } from "../engineProtocol";
import { batchAround } from "./batching";
import { HELPER_IDLE_MS, HelperLanes, type HelperPlan, type LaneState } from "./lanes";
import type { Prepared, SentimentModel, Window } from "./model";

export type { HelperPlan, Lane } from "./lanes";

/** Windows considered for one batch: the requests of one priority, in order, until this many windows are waiting. */
const HORIZON = 512;
/** Windows waiting before a helper session is worth its start (~0.5-1 s of one core and a second copy of the graph). */
export const BULK_WINDOWS = 96;
/**
 * Longest window a helper runs; longer ones wait for the own session. A run keeps its activations' memory in the
 * process's allocator afterwards (measured: ~80 MB after one 512-token run, ~10-15 MB after runs of up to 128), so a
 * helper that runs only shorter windows costs the graph's copy and little more. Feedback paragraphs are mostly far
 * shorter (mean ~29 tokens in the benchmark's documents).
 */
export const HELPER_MAX_TOKENS = 128;
/**
 * Bounds of the queue (docs/RELIABILITY.md "Bounds"): requests waiting, and characters of text in them. A client has at
 * most 4 chunks of 64 texts in flight per call, so an editor with dozens of documents and a folder run stays far below;
 * a request past either bound is refused with a message (never buffered).
 */
export const MAX_QUEUED_REQUESTS = 1_024;
export const MAX_QUEUED_CHARS = 64 * 1024 * 1024;
/** What the host shell provides. */
export interface SchedulerHost {
  post(response: Response): void;
  /**
   * Loads a model as `spec` says, and says why it runs on the runtime it does; `helper` is how a second session for
   * bulk work starts, when this host and model have one.
   */
  load(spec: ModelSpec): Promise<{ model: SentimentModel; backendReason: string; helper?: HelperPlan }>;
}

type Queued = Exclude<Request, { type: "cancel" | "close" | "stats" }>;
type ClassifyRequest = Extract<Request, { type: "classify" }>;

/** A classify request being worked on: its windows, and the probabilities of those already run. */
interface Job {
  request: ClassifyRequest;
  prepared: Prepared;
  probabilities: (number[] | undefined)[];
  /** Windows handed to a lane and not back yet. */
  taken: Uint8Array;
  left: number;
  /** Windows not yet run, in window order. */
  next: number;
}

type Batch = { job: Job; index: number; window: Window }[];

export class Scheduler {
  private model: SentimentModel | undefined;
  private readonly queue: Queued[] = [];
  private readonly jobs = new Map<number, Job>();
  /** The model's own session, in this thread; helpers beside it. */
  private own: LaneState | undefined;
  private readonly helpers: HelperLanes;
  private readonly inflight = new Set<Promise<void>>();
  private pumping: Promise<void> | undefined;
  private refused = 0;
  constructor(
    private readonly host: SchedulerHost,
    /** How long a helper may idle before it stops (tests shorten it). */
    helperIdleMs = HELPER_IDLE_MS,
  ) {
    this.helpers = new HelperLanes(helperIdleMs, () => void this.pump());
  }

  /** Every lane: the own session first, then the helpers. */
  private get lanes(): LaneState[] {
    return this.own ? [this.own, ...this.helpers.lanes] : [];
  }

  /** A message from the host side. */
  receive(request: Exclude<Request, { type: "close" }>): void {
    if (request.type === "cancel") {
      const ids = new Set(request.ids);
      for (const queued of this.queue.filter((q) => ids.has(q.id))) this.finish(queued, { id: queued.id, ok: false, error: "cancelled", cancelled: true });
      return;
    }
    if (request.type === "stats") {
      this.host.post({ id: request.id, ok: true, result: this.stats() });
      return;
    }
    if (request.type === "classify") {
      const refusal = this.overQueueBound(request);
      if (refusal) {
        this.refused++;
        this.host.post({ id: request.id, ok: false, error: refusal });
        return;
      }
    }
    // Stable insert: after every queued request of the same or a more urgent priority.
    const at = this.queue.findIndex((queued) => queued.priority > request.priority);
    this.queue.splice(at < 0 ? this.queue.length : at, 0, request);
    void this.pump();
  }

  stats(): EngineStats {
    return {
      sessions: this.lanes.map((state) => ({ name: state.lane.name, runs: state.runs })),
      helperStarts: this.helpers.starts,
      helperBroken: this.helpers.broken,
      counters: this.counters(),
    };
  }

  /** The queue's sizes now (cheap: one pass over the queue and the jobs). */
  counters(): SchedulerCounters {
    let queuedTexts = 0;
    for (const request of this.queue) if (request.type === "classify") queuedTexts += request.texts.length;
    let windowsWaiting = 0;
    for (const job of this.jobs.values()) windowsWaiting += job.left;
    return {
      queued: this.queue.length,
      queuedTexts,
      jobs: this.jobs.size,
      windowsWaiting,
      running: this.lanes.reduce((sum, state) => sum + state.running, 0),
      helperStarts: this.helpers.starts,
      helperStops: this.helpers.stops,
      helperRunning: this.helpers.lanes.length > 0,
      refused: this.refused,
    };
  }

  /**
   * Why a classify request cannot be queued (undefined: it can): the queue holds at most MAX_QUEUED_REQUESTS requests
   * and MAX_QUEUED_CHARS characters of text. A client sends a few chunks per call (engineClient.ts), so only a burst of many
   * callers at once reaches it; the refused caller is told, nothing is buffered past it.
   */
  private overQueueBound(request: ClassifyRequest): string | undefined {
    if (this.queue.length >= MAX_QUEUED_REQUESTS) return `the engine is busy: ${this.queue.length.toLocaleString("en")} requests are waiting (at most ${MAX_QUEUED_REQUESTS.toLocaleString("en")}); try again when they are done`;
    let chars = 0;
    for (const text of request.texts) chars += text.length;
    for (const queued of this.queue) if (queued.type === "classify") for (const text of queued.texts) chars += text.length;
    if (chars > MAX_QUEUED_CHARS) return `the engine is busy: the texts waiting would hold ${chars.toLocaleString("en")} characters (at most ${MAX_QUEUED_CHARS.toLocaleString("en")}); try again when they are done`;
    return undefined;
  }

  /** Drops everything queued, waits for the runs in progress, releases the sessions. */
  async close(): Promise<void> {
    this.queue.length = 0;
    this.jobs.clear();
    await this.pumping;
    await Promise.all(this.inflight);
    await this.helpers.stop();
    await this.model?.dispose();
  }

  private async handle(request: Exclude<Queued, ClassifyRequest>): Promise<Response> {
    try {
      if (request.type === "load") {
        const { model: next, backendReason, helper: plan } = await this.host.load(request.spec);
        const previous = this.model;
        await this.helpers.stop();
        this.model = next;
        this.own = { lane: { name: "own session", run: (rows) => next.runRows(rows), close: () => next.dispose() }, running: 0, capacity: 1, runs: 0 };
        this.helpers.reset(plan);
        this.jobs.clear(); // windows were cut for the previous model's tokenizer
        await previous?.dispose();
        const sessions = plan?.describe ?? "one session";
        return { id: request.id, ok: true, result: { ...next.info, backendReason, sessions } };
      }
      if (!this.model) throw new Error("no model is loaded");
      if (request.type === "explain") return { id: request.id, ok: true, result: await this.model.explain(request.text) };
      throw new Error(`unknown request type ${(request as { type: string }).type}`);
    } catch (error) {
      return { id: request.id, ok: false, error: messageOf(error) };
    }
  }

  private finish(request: Queued, response: Response): void {
    const at = this.queue.indexOf(request);
    if (at >= 0) this.queue.splice(at, 1);
    this.jobs.delete(request.id);
    this.host.post(response);
  }

  private jobOf(request: ClassifyRequest, model: SentimentModel): Job {
    let job = this.jobs.get(request.id);
    if (!job) {
      const prepared = model.prepare(request.texts);
      const count = prepared.windows.length;
      job = { request, prepared, probabilities: new Array(count), taken: new Uint8Array(count), left: count, next: 0 };
      this.jobs.set(request.id, job);
    }
    return job;
  }

  /**
   * The next batch for the classify requests at the head of the queue, or "answered" when a request was answered
   * instead (no text, or its texts could not be tokenized), or undefined when every waiting window is already running.
   * Also counts the windows waiting (for the helper's start).
   */
  private nextBatch(model: SentimentModel, helper: boolean): Batch | "answered" | undefined {
    const head = this.queue[0] as ClassifyRequest;
    const candidates: Batch = [];
    for (const request of this.queue) {
      if (request.type !== "classify" || request.priority !== head.priority || candidates.length >= HORIZON) break;
      let job: Job;
      try {
        job = this.jobOf(request, model);
      } catch (error) {
        this.finish(request, { id: request.id, ok: false, error: messageOf(error) });
        return "answered";
      }
      if (job.left === 0) {
        // A request with no text at all.
        this.finish(request, { id: request.id, ok: true, result: model.finish(job.prepared, []) });
        return "answered";
      }
      for (let index = job.next; index < job.prepared.windows.length && candidates.length < HORIZON; index++) {
        const window = job.prepared.windows[index];
        if (!job.probabilities[index] && !job.taken[index] && (!helper || window.ids.length <= HELPER_MAX_TOKENS)) candidates.push({ job, index, window });
      }
    }
    if (candidates.length === 0) return undefined;
    if (candidates.length >= BULK_WINDOWS) this.helpers.start();
    candidates.sort((a, b) => a.window.ids.length - b.window.ids.length);
    // The batch holds the head request's shortest waiting window, so the oldest request always moves on.
    const at = Math.max(0, candidates.findIndex((c) => c.job.request === head));
    const [begin, end] = batchAround(
      candidates.map((c) => c.window),
      at,
      model.info.rowsPerRun,
    );
    const batch = candidates.slice(begin, end);
    for (const { job, index } of batch) job.taken[index] = 1;
    return batch;
  }

  /** Runs a batch on a lane; answers the requests it completes. */
  private async runOn(state: LaneState, batch: Batch, model: SentimentModel): Promise<void> {
    state.running++;
    let probabilities: number[][];
    try {
      probabilities = await state.lane.run(batch.map((c) => c.window.ids));
      state.runs++;
    } catch (error) {
      for (const { job, index } of batch) job.taken[index] = 0;
      if (state !== this.own) {
        // A helper failed (or its thread died): its windows go back to the queue and the own session carries on.
        this.helpers.failed(state, error);
        return;
      }
      for (const job of new Set(batch.map((c) => c.job))) this.finish(job.request, { id: job.request.id, ok: false, error: messageOf(error) });
      return;
    } finally {
      state.running--;
      if (state !== this.own) this.helpers.used();
    }
    if (this.model !== model) return; // a load replaced the model meanwhile: these windows belong to the old one
    batch.forEach(({ job, index }, row) => {
      job.probabilities[index] = probabilities[row];
      job.taken[index] = 0;
      job.left--;
      while (job.next < job.probabilities.length && job.probabilities[job.next]) job.next++;
    });
    for (const job of new Set(batch.map((c) => c.job))) {
      // Cancelled while its batch ran: already answered.
      if (job.left > 0 || this.jobs.get(job.request.id) !== job) continue;
      this.finish(job.request, { id: job.request.id, ok: true, result: model.finish(job.prepared, job.probabilities as number[][]) });
    }
  }

  private start(state: LaneState, batch: Batch, model: SentimentModel): void {
    const run = this.runOn(state, batch, model).finally(() => this.inflight.delete(run));
    this.inflight.add(run);
  }

  private pump(): Promise<void> {
    // With nothing queued the loop below would end before `pumping` is assigned, leaving it set for good.
    if (!this.pumping && !this.queue.length) return Promise.resolve();
    this.pumping ??= (async () => {
      try {
        while (this.queue.length) {
          const head = this.queue[0];
          if (head.type !== "classify") {
            // Loads and explanations use the own session (a load replaces it): the runs in progress finish first.
            await Promise.all(this.inflight);
            if (this.queue[0] !== head) continue;
            this.queue.shift();
            this.host.post(await this.handle(head));
            continue;
          }
          const model = this.model;
          if (!model) {
            this.finish(head, { id: head.id, ok: false, error: "no model is loaded" });
            continue;
          }
          // Helpers first: the own session's run blocks this thread until it is done, so it is free whenever this
          // loop looks, and a helper asked after it would never get work.
          let outcome: "started" | "answered" | undefined;
          for (const state of [...this.helpers.lanes, this.own!]) {
            if (state.running >= state.capacity) continue;
            const batch = this.nextBatch(model, state !== this.own);
            if (batch === undefined) continue; // nothing this lane may run
            if (batch === "answered") outcome = "answered";
            else {
              this.start(state, batch, model);
              outcome = "started";
            }
            break;
          }
          if (outcome === "answered") continue;
          if (!outcome) {
            if (!this.inflight.size) {
              // Cannot happen (a waiting window is either free or running); never spin.
              this.finish(head, { id: head.id, ok: false, error: "the engine found nothing to run for this request" });
              continue;
            }
            await Promise.race(this.inflight);
          }
          // Let requests and cancellations that arrived meanwhile in before the next batch is chosen.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }
}
