/**
 * Raw onnxruntime-node runs over token rows, shared by the benchmarks' worker threads (ortWorker.mjs, sessionWorker.mjs):
 * right-padded int64 feeds, length-sorted batches, and p_positive per row.
 */
import * as ort from "onnxruntime-node";

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

/** Runs every row of `list` through `session` in such batches; p_positive per row, in the order given. */
export async function runRows(session, list, batch = 1, spread = Infinity) {
  const p = new Array(list.length);
  for (const group of batchesOf(list, batch, spread)) {
    const { logits } = await session.run(feedsOf(group.map((i) => list[i])));
    group.forEach((i, r) => (p[i] = 1 / (1 + Math.exp(logits.data[r * 2] - logits.data[r * 2 + 1]))));
  }
  return p;
}
