/**
 * A worker thread of the benchmarks: one raw onnxruntime-node session that runs its share of the token rows after
 * the parent says "go", then reports p_positive per row (in the order given) and how long the runs took.
 * workerData: { file, options (ort session options), rows (token id arrays), batch (rows per run), spread (most
 * padding tokens a row may get; Infinity for plain sorted batches) }. batch 1 = one row per session.run.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import { runRows } from "./ortRows.mjs";

const { file, options, rows, batch = 1, spread = Infinity } = workerData;
const session = await ort.InferenceSession.create(file, options);

await runRows(session, rows.slice(0, Math.min(rows.length, 2 * batch)), batch, spread); // warm-up
parentPort.postMessage({ type: "ready" });
parentPort.once("message", async () => {
  const start = performance.now();
  const p = await runRows(session, rows, batch, spread);
  parentPort.postMessage({ type: "done", p, ms: performance.now() - start });
});
