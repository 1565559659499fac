/**
 * The desktop's threads: the engine's and the table reader's workers as worker_threads Workers started from their
 * bundled scripts (dist/worker.js, dist/tableWorker.js). The clients (engine/engineClient.ts, engine/tables/tableClient.ts)
 * take a function that starts a thread and know no runtime; VS Code for the Web passes Web Workers instead
 * (src/web/engineThread.ts, src/web/workerThread.ts).
 */
import { Worker } from "node:worker_threads";
import type { EngineThread } from "../engineClient";
import { ENGINE_THREAD_LIMITS } from "../engineProtocol";
import type { TableThread } from "../tables/tableClient";

/** Starts the engine worker of `script` (its young generation bounded as the helper lane's is). */
export function engineThread(script: string): () => EngineThread {
  return () => new Worker(script, { resourceLimits: ENGINE_THREAD_LIMITS });
}

/** Starts the table worker of `script`. */
export function tableThread(script: string): () => TableThread {
  return () => new Worker(script);
}
