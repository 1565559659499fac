/**
 * How texts become model runs: windows for texts longer than the model's input, batches of similar lengths, and the
 * softmax over a row's logits. Pure (no onnxruntime): the worker imports it, and so do the unit tests, without
 * loading the native runtime.
 */

/**
 * Batches: measured on the full-size int8 graph (2 cores, AVX2, onnxruntime 1.30), 8-16 texts of ~30 tokens run ~25 %
 * faster per text in one session.run than one by one, 32 no faster than 16, and texts of ~70 tokens ~10 % slower: the
 * matmuls are already large enough. So only windows of up to 48 tokens share a run, at most 16 of them; longer ones run
 * alone. A batch is also what an edit may wait for behind bulk work, so it stays short (16 x 48 tokens: ~0.2 s).
 */
export const MAX_BATCH_ROWS = 16;
const MAX_BATCHED_WIDTH = 48;
/** Padding allowed in a batch: rows at most this much longer (in tokens) than the shortest, 4 tokens or 25 %. */
const paddingRoom = (shortest: number) => Math.max(4, shortest >> 2);

/** Tokens shared by consecutive windows of a long text, so no sentence is only ever seen cut in half. */
const WINDOW_OVERLAP = 128;

export interface Window {
  text: number;
  ids: number[];
  /** Content tokens in this window: the window's weight in its text's mean. */
  weight: number;
}

/** Texts tokenized and cut into windows, ready to run in any batches. */
export interface Prepared {
  windows: Window[];
  /** Content tokens of each text. */
  tokens: number[];
}

/**
 * Splits a text's content ids into windows of at most `maxTokens` (special tokens included), overlapping by
 * WINDOW_OVERLAP tokens; each window is wrapped in the tokenizer's `prefix` and `suffix` ids.
 */
export function* windowsOf(
  ids: readonly number[],
  maxTokens: number,
  prefix: readonly number[],
  suffix: readonly number[],
): Generator<{ ids: number[]; weight: number }> {
  const room = maxTokens - prefix.length - suffix.length;
  // No room for text: every window would start where the last did, without end (a model's load refuses such a limit).
  if (!(room >= 1)) throw new Error(`windows of ${maxTokens} tokens leave no room for text`);
  const stride = room - Math.min(WINDOW_OVERLAP, room >> 1);
  for (let start = 0; ; start += stride) {
    const content = ids.slice(start, start + room);
    yield { ids: [...prefix, ...content, ...suffix], weight: Math.max(content.length, 1) };
    if (start + room >= ids.length) return;
  }
}

/**
 * One batch from `sorted` (windows in ascending length): the run of consecutive windows that holds sorted[at], grows
 * towards longer windows while padding stays small, then towards shorter ones. Returns [begin, end).
 */
export function batchAround(sorted: readonly { ids: readonly number[] }[], at: number, maxRows: number): [number, number] {
  const shortest = sorted[at].ids.length;
  const fits = (length: number) => length <= MAX_BATCHED_WIDTH && length <= shortest + paddingRoom(shortest);
  if (!fits(shortest)) return [at, at + 1];
  let end = at + 1;
  while (end < sorted.length && end - at < maxRows && fits(sorted[end].ids.length)) end++;
  // Shorter neighbours join as long as the batch's width stays within their padding room.
  const width = sorted[end - 1].ids.length;
  let begin = at;
  while (begin > 0 && end - begin < maxRows && width <= sorted[begin - 1].ids.length + paddingRoom(sorted[begin - 1].ids.length)) begin--;
  return [begin, end];
}

/** Numerically stable softmax. */
export function softmax(logits: ArrayLike<number>): number[] {
  const values = Array.from(logits);
  const max = Math.max(...values);
  const exps = values.map((x) => Math.exp(x - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / total);
}
