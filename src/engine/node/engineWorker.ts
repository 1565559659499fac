/**
 * The engine worker (worker_threads): the Node shell around the queue (scheduler.ts). It picks the runtime (backend.ts)
 * a load asks for, lowers its thread's priority before any runtime starts, and starts helper sessions for bulk work
 * (helperLane.ts) in threads of its own. The same bundle runs as such a helper when started with a HelperData.
 */
import { parentPort, workerData } from "node:worker_threads";
import { messageOf } from "../../core/errors";
import type { ModelSpec, Request, Response } from "../engineProtocol";
import type { InferenceBackend } from "../worker/backend";
import { serveHelper, sessionSplitOf, startHelperLane, type HelperData } from "./helperLane";
import { useModelFiles } from "../worker/files";
import { GraphRunner, SentimentModel } from "../worker/model";
import { lowerOwnPriority } from "./priority";
import { Scheduler } from "../worker/scheduler";
import { writeStatsEvery } from "./statsFile";
import { createWasmBackend } from "../worker/wasmBackend";
import { cores, nodeModelFiles, wasmPathsOf } from "./modelFiles";
import { engineThreads } from "../../core/settings";

const port = parentPort;
if (!port) throw new Error("worker.js runs only as a worker thread");
// Model folders are read from the file system here (files.ts has no runtime of its own).
useModelFiles(nodeModelFiles);
// Before any runtime starts: the threads this thread creates (onnxruntime's pools, helpers) inherit its lower priority.
lowerOwnPriority();

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
async function backendFor(spec: ModelSpec): Promise<{ backend: InferenceBackend; runtime: "native" | "wasm"; reason: string }> {
  const choice = spec.backend ?? "auto";
  const wasm = () => createWasmBackend({ wasmPaths: () => wasmPathsOf(spec.wasmDir), cores, threads: engineThreads(spec.intraOpThreads) });
  if (choice === "wasm") return { backend: wasm(), runtime: "wasm", reason: "backend set to wasm" };
  const loaded = await loadNative();
  if (choice === "native") {
    if (loaded instanceof Error) throw new Error(`backend set to native, but ${loaded.message}`);
    return { backend: loaded, runtime: "native", reason: "backend set to native" };
  }
  if (loaded instanceof Error) return { backend: wasm(), runtime: "wasm", reason: `auto: ${loaded.message}; WebAssembly runs instead` };
  return { backend: loaded, runtime: "native", reason: "auto: onnxruntime-node loads on this platform" };
}

const helper = workerData as HelperData | undefined;
if (helper?.role === "helper") {
  // A helper runs only where the own session is native (sessionSplitOf).
  void serveHelper(port as never, async () => {
    const backend = await loadNative();
    if (backend instanceof Error) throw backend;
    return GraphRunner.load(helper.graph, backend);
  });
} else {
  const scheduler = new Scheduler({
    post: (response: Response) => port.postMessage(response),
    async load(spec) {
      const { backend, runtime, reason } = await backendFor(spec);
      const split = sessionSplitOf(spec, runtime);
      const model = await SentimentModel.load(split?.spec ?? spec, backend);
      const helper = split && { describe: split.describe, start: () => startHelperLane(__filename, model.graph) };
      return { model, backendReason: reason, helper };
    },
  });
  // The soak's watchdog reads the queue's counters (only when INLINE_SENTIMENT_STATS_DIR is set).
  writeStatsEvery("engine-worker.json", () => scheduler.counters());
  port.on("message", (request: Request) => {
    if (request.type === "close") {
      void scheduler.close().then(() => process.exit(0));
      return;
    }
    scheduler.receive(request);
  });
}
