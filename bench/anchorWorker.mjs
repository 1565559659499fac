/**
 * A worker thread of the interleaved benchmarks: the anchor, @huggingface/transformers pipeline('text-classification',
 * { dtype: 'q8' }) on a local model folder, kept loaded, called once per text. workerData: { dir }.
 * Messages in: { texts }; out: { type: "ready" } once, then { type: "done", p (p_positive per text), ms } per message.
 */
import { basename, dirname } from "node:path";
import { parentPort, workerData } from "node:worker_threads";

const { env, pipeline } = await import("@huggingface/transformers");
env.allowRemoteModels = false;
env.localModelPath = dirname(workerData.dir);
const classify = await pipeline("text-classification", basename(workerData.dir), { dtype: "q8" });
for (const text of ["warm up", "another warm-up sentence for the anchor"]) await classify(text);
parentPort.postMessage({ type: "ready" });
parentPort.on("message", async ({ texts }) => {
  const start = performance.now();
  const p = [];
  for (const text of texts) {
    const [top] = await classify(text);
    p.push(top.label === "POSITIVE" ? top.score : 1 - top.score);
  }
  parentPort.postMessage({ type: "done", p, ms: performance.now() - start });
});
