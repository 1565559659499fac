/**
 * A worker thread of the interleaved benchmarks: one raw onnxruntime-node session, kept loaded, that scores the token
 * rows it is sent (sorted batches of `batch` rows, at most `spread` padding tokens a row) and answers p_positive per
 * row (in the order sent) and how long the runs took. workerData: { file, options (ort session options) }.
 * Messages in: { rows, batch, spread }; out: { type: "ready" } once, then { type: "done", p, ms } per message.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";

const { file, options } = workerData;
const session = await ort.InferenceSession.create(file, options);

function feedsOf(group) {
  const width = Math.max(...group.map((row) => row.length));
  const ids = new BigInt64Array(group.length * width);
  const mask = new BigInt64Array(group.length * width);
  group.forEach((row, r) =>
    row.forEach((id, c) => {
      ids[r * width + c] = BigInt(id);
      mask[r * width + c] = 1n;
    }),
  );
  const dims = [group.length, width];
  return { input_ids: new ort.Tensor("int64", ids, dims), attention_mask: new ort.Tensor("int64", mask, dims) };
}

/** Sorted by length, consecutive rows, at most `batch` rows and at most `spread` padding tokens per row. */
function batchesOf(list, batch, spread) {
  const order = list.map((_, i) => i).sort((a, b) => list[a].length - list[b].length || a - b);
  const batches = [];
  for (let begin = 0; begin < order.length; ) {
    let end = begin + 1;
    while (end < order.length && end - begin < batch && list[order[end]].length - list[order[begin]].length <= spread) end++;
    batches.push(order.slice(begin, end));
    begin = end;
  }
  return batches;
}

async function runAll(list, batch, spread) {
  const p = new Array(list.length);
  for (const group of batchesOf(list, batch, spread)) {
    const { logits } = await session.run(feedsOf(group.map((i) => list[i])));
    group.forEach((i, r) => (p[i] = 1 / (1 + Math.exp(logits.data[r * 2] - logits.data[r * 2 + 1]))));
  }
  return p;
}

parentPort.postMessage({ type: "ready" });
parentPort.on("message", async ({ rows, batch = 1, spread = Infinity }) => {
  const start = performance.now();
  const p = await runAll(rows, batch, spread ?? Infinity);
  parentPort.postMessage({ type: "done", p, ms: performance.now() - start });
});
