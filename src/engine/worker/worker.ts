/**
 * The engine worker (worker_threads). Holds one SentimentModel and a queue of requests ordered by priority (loads
 * first, then what the user sees or edits, then the rest). Classify requests are not run one after another: their
 * texts are tokenized into windows, and each session.run takes one batch of windows of similar length from the
 * requests of the most urgent priority waiting, so a document's paragraphs share batches across requests, and a
 * request that arrives with a higher priority runs in the very next batch. Requests can be cancelled at any time,
 * also half-done. A failed load keeps the model it had. Every failure goes back to the caller as a message, never a hang.
 */
import { parentPort } from "node:worker_threads";
import { messageOf } from "../../core/errors";
import type { ModelSpec, Request, Response } from "../protocol";
import type { InferenceBackend } from "./backend";
import { batchAround } from "./batching";
import { SentimentModel, type Prepared, type Window } from "./model";
import { lowerOwnPriority } from "./priority";
import { createWasmBackend } from "./wasmBackend";

const port = parentPort;
if (!port) throw new Error("worker.js runs only as a worker thread");
// Before any runtime starts: the threads this thread creates (onnxruntime's pools) inherit its lower priority.
lowerOwnPriority();

/** Windows considered for one batch: the requests of one priority, in order, until this many windows are waiting. */
const HORIZON = 512;

/** What waits in the queue (cancel and close act at once). */
type Queued = Exclude<Request, { type: "cancel" | "close" }>;
type ClassifyRequest = Extract<Request, { type: "classify" }>;

/** A classify request being worked on: its windows, and the probabilities of those already run. */
interface Job {
  request: ClassifyRequest;
  prepared: Prepared;
  probabilities: (number[] | undefined)[];
  left: number;
  /** Windows not yet run, in window order. */
  next: number;
}

/** onnxruntime-node, or why it cannot load here (no binary for this platform, a libc it was not built for). */
let native: Promise<InferenceBackend | Error> | undefined;

function loadNative(): Promise<InferenceBackend | Error> {
  // Imported when first asked for, inside a try: a platform without the native binary must not stop the worker.
  native ??= import("./nativeBackend").then(
    (module) => module.nativeBackend,
    (error: unknown) => new Error(`onnxruntime-node cannot load on ${process.platform}-${process.arch}: ${messageOf(error)}`),
  );
  return native;
}

/** The backend a load asks for, and why it is that one. */
async function backendFor(spec: ModelSpec): Promise<{ backend: InferenceBackend; reason: string }> {
  const choice = spec.backend ?? "auto";
  const wasm = () => createWasmBackend({ wasmDir: spec.wasmDir, threads: spec.intraOpThreads ?? 0 });
  if (choice === "wasm") return { backend: wasm(), reason: "backend set to wasm" };
  const loaded = await loadNative();
  if (choice === "native") {
    if (loaded instanceof Error) throw new Error(`backend set to native, but ${loaded.message}`);
    return { backend: loaded, reason: "backend set to native" };
  }
  if (loaded instanceof Error) return { backend: wasm(), reason: `auto: ${loaded.message}; WebAssembly runs instead` };
  return { backend: loaded, reason: "auto: onnxruntime-node loads on this platform" };
}

let model: SentimentModel | undefined;
const queue: Queued[] = [];
const jobs = new Map<number, Job>();
let pumping: Promise<void> | undefined;

async function handle(request: Exclude<Queued, ClassifyRequest>): Promise<Response> {
  try {
    if (request.type === "load") {
      const { backend, reason } = await backendFor(request.spec);
      const next = await SentimentModel.load(request.spec, backend);
      const previous = model;
      model = next;
      jobs.clear(); // windows were cut for the previous model's tokenizer
      await previous?.dispose();
      return { id: request.id, ok: true, result: { ...next.info, backendReason: reason } };
    }
    if (!model) throw new Error("no model is loaded");
    if (request.type === "explain") return { id: request.id, ok: true, result: await model.explain(request.text) };
    throw new Error(`unknown request type ${(request as { type: string }).type}`);
  } catch (error) {
    return { id: request.id, ok: false, error: messageOf(error) };
  }
}

function finish(request: Queued, response: Response): void {
  const at = queue.indexOf(request);
  if (at >= 0) queue.splice(at, 1);
  jobs.delete(request.id);
  port!.postMessage(response);
}

function jobOf(request: ClassifyRequest, current: SentimentModel): Job {
  let job = jobs.get(request.id);
  if (!job) {
    const prepared = current.prepare(request.texts);
    job = { request, prepared, probabilities: new Array(prepared.windows.length), left: prepared.windows.length, next: 0 };
    jobs.set(request.id, job);
  }
  return job;
}

/** Runs one batch for the classify requests at the head of the queue; answers those it completes. */
async function runBatch(current: SentimentModel): Promise<void> {
  const head = queue[0] as ClassifyRequest;
  const candidates: { job: Job; index: number; window: Window }[] = [];
  for (const request of queue) {
    if (request.type !== "classify" || request.priority !== head.priority || candidates.length >= HORIZON) break;
    let job: Job;
    try {
      job = jobOf(request, current);
    } catch (error) {
      finish(request, { id: request.id, ok: false, error: messageOf(error) });
      return;
    }
    if (job.left === 0) {
      // A request with no text at all.
      finish(request, { id: request.id, ok: true, result: current.finish(job.prepared, []) });
      return;
    }
    for (let index = job.next; index < job.prepared.windows.length && candidates.length < HORIZON; index++) {
      if (!job.probabilities[index]) candidates.push({ job, index, window: job.prepared.windows[index] });
    }
  }
  candidates.sort((a, b) => a.window.ids.length - b.window.ids.length);
  // The batch holds the head request's shortest waiting window, so the oldest request always moves on.
  const at = candidates.findIndex((c) => c.job.request === head);
  const [begin, end] = batchAround(candidates.map((c) => c.window), at, current.info.rowsPerRun);
  const batch = candidates.slice(begin, end);
  let probabilities: number[][];
  try {
    probabilities = await current.runRows(batch.map((c) => c.window.ids));
  } catch (error) {
    for (const job of new Set(batch.map((c) => c.job))) finish(job.request, { id: job.request.id, ok: false, error: messageOf(error) });
    return;
  }
  batch.forEach(({ job, index }, row) => {
    job.probabilities[index] = probabilities[row];
    job.left--;
    while (job.next < job.probabilities.length && job.probabilities[job.next]) job.next++;
  });
  for (const job of new Set(batch.map((c) => c.job))) {
    // Cancelled while its batch ran: already answered.
    if (job.left > 0 || jobs.get(job.request.id) !== job) continue;
    finish(job.request, { id: job.request.id, ok: true, result: current.finish(job.prepared, job.probabilities as number[][]) });
  }
}

function pump(): Promise<void> {
  pumping ??= (async () => {
    try {
      while (queue.length) {
        const head = queue[0];
        if (head.type !== "classify") {
          queue.shift();
          port!.postMessage(await handle(head));
        } else if (!model) {
          finish(head, { id: head.id, ok: false, error: "no model is loaded" });
        } else {
          await runBatch(model);
          // Let requests and cancellations that arrived during the run in before the next batch is chosen.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      pumping = undefined;
    }
  })();
  return pumping;
}

async function close(): Promise<void> {
  queue.length = 0;
  jobs.clear();
  await pumping;
  await model?.dispose();
  process.exit(0);
}

port.on("message", (request: Request) => {
  if (request.type === "close") {
    void close();
    return;
  }
  if (request.type === "cancel") {
    const ids = new Set(request.ids);
    for (const queued of queue.filter((q) => ids.has(q.id))) finish(queued, { id: queued.id, ok: false, error: "cancelled", cancelled: true });
    return;
  }
  // Stable insert: after every queued request of the same or a more urgent priority.
  const at = queue.findIndex((queued) => queued.priority > request.priority);
  queue.splice(at < 0 ? queue.length : at, 0, request);
  void pump();
});
