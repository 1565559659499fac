/**
 * A worker thread of the interleaved benchmarks: one raw onnxruntime-node session, kept loaded, that scores the token
 * rows it is sent (sorted batches of `batch` rows, at most `spread` padding tokens a row) and answers p_positive per
 * row (in the order sent) and how long the runs took. workerData: { file, options (ort session options) }.
 * Messages in: { rows, batch, spread }; out: { type: "ready" } once, then { type: "done", p, ms } per message.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import { runRows } from "./ortRows.mjs";

const { file, options } = workerData;
const session = await ort.InferenceSession.create(file, options);

parentPort.postMessage({ type: "ready" });
parentPort.on("message", async ({ rows, batch = 1, spread = Infinity }) => {
  const start = performance.now();
  const p = await runRows(session, rows, batch, spread ?? Infinity);
  parentPort.postMessage({ type: "done", p, ms: performance.now() - start });
});
