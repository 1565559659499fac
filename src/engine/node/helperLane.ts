/**
 * A second session for bulk work, in a helper thread started by the engine worker (Node's worker_threads). onnxruntime-
 * node runs a session synchronously on the thread that calls it, so two sessions only run side by side from two
 * threads; on 2 cores, two sessions of one thread each score ~1.4-1.7x as many paragraphs a second as one session of
 * two threads (docs/BENCHMARK.md). The helper gets token ids and answers label probabilities: tokenizing, windows and
 * the queue stay in the engine worker (scheduler.ts). It costs a second copy of the graph (~75 MB for the full int8
 * model), so it starts only for bulk work and stops when idle.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { messageOf } from "../../core/errors";
import { Channel } from "../channel";
import { ENGINE_THREAD_LIMITS, type ModelSpec } from "../engineProtocol";
import type { GraphRunner, GraphSpec } from "../worker/model";
import type { Lane } from "../worker/lanes";

/** What a helper thread is started with (workerData): the graph the own session loaded, checked, with its kernels. */
export interface HelperData {
  role: "helper";
  graph: GraphSpec;
}

/** How the cores are split when bulk work gets a helper: both sessions load `spec`. */
export interface SessionSplit {
  spec: ModelSpec;
  describe: string;
}

type HelperRequest = { type: "run"; id: number; rows: number[][] } | { type: "close" };
type HelperResponse = { type: "ready" } | { type: "failed"; error: string } | { type: "done"; id: number; probabilities?: number[][]; error?: string };
/** The helper's one method: token ids of a run's rows in, each row's label probabilities out. */
type HelperMethods = { run: { params: { rows: number[][] }; result: number[][] } };

/**
 * Whether bulk work gets a helper with this model, and the threads of each session. Only where the user left threads
 * to the engine (0), on the native runtime, with int8 graphs (run one text per call), on 2+ cores: the cores are split
 * between two sessions. The own session then has half the cores too (an edit runs on it): on 2 cores one thread,
 * which costs a 128-token paragraph ~40 % more model time than two threads (still within the live-edit target).
 */
export function sessionSplitOf(spec: ModelSpec, runtime: "native" | "wasm", cores = availableParallelism()): SessionSplit | undefined {
  if ((spec.intraOpThreads ?? 0) !== 0 || runtime !== "native" || spec.dtype !== "q8" || cores < 2) return undefined;
  const threads = Math.floor(cores / 2);
  return {
    /** Both sessions' spec: the own session is loaded with it too. */
    spec: { ...spec, intraOpThreads: threads },
    describe: `bulk work on 2 sessions x ${threads} thread${threads === 1 ? "" : "s"} (the second starts when a document has many paragraphs waiting and stops when idle)`,
  };
}

/**
 * Starts a helper thread running `workerFile` (the engine worker's own bundle) with another session of `graph`;
 * resolves when it is warm. The helper loads the graph only: no tokenizer (it gets token ids), no checksum and no
 * kernel probe (the own session's load did both), so it starts sooner and holds ~20 MB less than a full model.
 */
export function startHelperLane(workerFile: string, graph: GraphSpec): Promise<Lane> {
  const worker = new Worker(workerFile, { workerData: { role: "helper", graph } satisfies HelperData, resourceLimits: ENGINE_THREAD_LIMITS });
  return new Promise<Lane>((resolve, reject) => {
    const channel: Channel<HelperMethods, HelperRequest, HelperResponse> = new Channel<HelperMethods, HelperRequest, HelperResponse>({
      name: "the helper session",
      // One thread for the lane's life: once it stopped, every run is refused with the reason (the lane is replaced).
      start: () => worker,
      encode: (id, type, { rows }) => ({ type, id, rows }),
      decode: (message) =>
        message.type !== "done"
          ? { kind: "event", message }
          : message.probabilities
            ? { kind: "result", id: message.id, value: message.probabilities }
            : { kind: "error", id: message.id, error: new Error(message.error ?? "the helper session failed") },
      onEvent: (message) => {
        if (message.type === "ready") {
          resolve({
            name: `helper session (${graph.intraOpThreads} thread${graph.intraOpThreads === 1 ? "" : "s"})`,
            run: (rows) => channel.request("run", { rows }),
            close: async () => {
              channel.close(new Error("the helper session was closed"));
              // The helper finishes its run in progress and exits; terminating during a run would abort the process.
              const exited = new Promise((done) => worker.once("exit", done));
              worker.postMessage({ type: "close" } satisfies HelperRequest);
              await exited;
            },
          });
        } else if (message.type === "failed") {
          reject(new Error(message.error));
          void worker.terminate();
        }
      },
      onDeath: (message) => {
        const error = new Error(message);
        channel.close(error);
        reject(error);
      },
      unrefWhenIdle: false,
    });
    channel.open();
  });
}

/** The helper thread's side: loads the graph, then runs what it is sent until told to close. */
export async function serveHelper(
  port: { postMessage(message: HelperResponse): void; on(event: "message", listener: (message: HelperRequest) => void): void },
  load: () => Promise<GraphRunner>,
): Promise<void> {
  let model: GraphRunner;
  try {
    model = await load();
  } catch (error) {
    port.postMessage({ type: "failed", error: messageOf(error) });
    return;
  }
  // One message at a time: runs are synchronous in this thread, so they queue up in order anyway.
  let chain = Promise.resolve();
  port.on("message", (message) => {
    chain = chain.then(async () => {
      if (message.type === "close") {
        await model.release();
        process.exit(0);
      }
      try {
        port.postMessage({ type: "done", id: message.id, probabilities: await model.runRows(message.rows) });
      } catch (error) {
        port.postMessage({ type: "done", id: message.id, error: messageOf(error) });
      }
    });
  });
  port.postMessage({ type: "ready" });
}
