/**
 * A sentiment model loaded in the worker: the folder's tokenizer, an onnxruntime-node session and config.json's labels.
 * Follows the reference text-classification pipeline (tokenize, run, softmax, id2label), plus two things it lacks:
 * batches of similar lengths (little padding; the worker forms them across requests), and overlapping windows for
 * texts longer than the model's input.
 * Only the worker imports this file: onnxruntime-node is loaded in that one thread.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import type { Classification } from "../core/types";
import { ModelError, messageOf } from "./errors";
import type { Explanation, ModelInfo, ModelSpec } from "./protocol";
import { lowerPriority, threadIds } from "./priority";
import { DEFAULT_GRAPH_CACHE, NotRewritable, rowwiseModelFile } from "./rowwise";
import { TextTokenizer, readJson } from "./tokenizer";

/**
 * Batches: measured on the full-size int8 graph (2 cores, AVX2, onnxruntime 1.30), 8-16 texts of ~30 tokens run ~25 %
 * faster per text in one session.run than one by one, 32 no faster than 16, and texts of ~70 tokens ~10 % slower: the
 * matmuls are already large enough. So only windows of up to 48 tokens share a run, at most 16 of them; longer ones run
 * alone. A batch is also what an edit may wait for behind bulk work, so it stays short (16 x 48 tokens: ~0.2 s).
 */
const MAX_BATCH_ROWS = 16;
const MAX_BATCHED_WIDTH = 48;
/** Padding allowed in a batch: rows at most this much longer (in tokens) than the shortest, 4 tokens or 25 %. */
const paddingRoom = (shortest: number) => Math.max(4, shortest >> 2);
/**
 * int8 graphs quantize activations with one scale per tensor (DynamicQuantizeLinear), so rows batched together, and
 * their padding, shift each other's results (by up to 4e-2 measured on SST-2 dev). By default they run one text per
 * call, which reproduces the reference pipeline. With spec.batchInt8 they run as a row-wise copy (rowwise.ts), in
 * which each row is quantized as it would be alone, and batch like fp32 graphs (rows independent to ~1e-7); an int8
 * graph the rewrite does not recognise then still runs one text per call.
 */
/** Tokens shared by consecutive windows of a long text, so no sentence is only ever seen cut in half. */
const WINDOW_OVERLAP = 128;

/** Leave-one-word-out costs one model call per word: long paragraphs are explained by their first words only. */
const MAX_EXPLAINED_WORDS = 64;
const EXPLAINED_TOP = 5;

const ONNX_FILES = { q8: "onnx/model_quantized.onnx", fp32: "onnx/model.onnx" } as const;

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

export class SentimentModel {
  private constructor(
    readonly info: ModelInfo,
    private readonly tokenizer: TextTokenizer,
    private readonly session: ort.InferenceSession,
    private readonly feedsTokenTypes: boolean,
  ) {}

  /** Loads a model folder. Every failure names the file at fault. */
  static async load(spec: ModelSpec): Promise<SentimentModel> {
    if (!existsSync(spec.dir)) throw new ModelError(spec.dir, "model folder not found");
    const configFile = join(spec.dir, "config.json");
    const config = readJson(configFile);
    const labels = labelsOf(config, configFile);
    const tokenizer = TextTokenizer.load(spec.dir);
    const onnxFile = join(spec.dir, ONNX_FILES[spec.dtype]);
    if (!existsSync(onnxFile)) throw new ModelError(onnxFile, `file not found (dtype ${spec.dtype})`);
    const { file: sessionFile, rowsPerRun, batching } =
      spec.dtype === "fp32"
        ? { file: onnxFile, rowsPerRun: MAX_BATCH_ROWS, batching: "fp32: batched by length" }
        : spec.batchInt8
          ? int8Graph(onnxFile, spec.cacheDir)
          : { file: onnxFile, rowsPerRun: 1, batching: "int8, one text per call (batching is off)" };
    let session: ort.InferenceSession;
    const threadsBefore = threadIds();
    try {
      session = await ort.InferenceSession.create(sessionFile, {
        intraOpNumThreads: spec.intraOpThreads ?? 0,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
        extra: {
          session: {
            // Idle pool threads must sleep, not spin: the worker sits idle between edits.
            intra_op: { allow_spinning: "0" },
            inter_op: { allow_spinning: "0" },
            // On AVX2 CPUs without VNNI, the default u8s8 int8 kernels saturate 16-bit sums and move probabilities by
            // up to 2e-3; the exact u8u8 path matches the reference (AVX-512 VNNI) to 4e-6 on 871 of 872 SST-2 rows.
            x64quantprecision: "1",
          },
        },
      });
    } catch (error) {
      throw new ModelError(onnxFile, `onnxruntime cannot load it (${messageOf(error)})`);
    }
    // This thread and the session's thread pool yield to the editor's threads.
    lowerPriority(threadsBefore);
    const missing = ["input_ids", "attention_mask"].filter((name) => !session.inputNames.includes(name));
    if (missing.length || !session.outputNames.includes("logits")) {
      await session.release();
      throw new ModelError(
        onnxFile,
        `expected inputs input_ids and attention_mask and output logits; it has inputs ${session.inputNames.join(", ")} and outputs ${session.outputNames.join(", ")}`,
      );
    }
    const maxPositions = Number(config.max_position_embeddings) || 512;
    const maxTokens = Math.min(maxPositions, Number(readJson(join(spec.dir, "tokenizer_config.json")).model_max_length) || maxPositions);
    const info: ModelInfo = { dir: spec.dir, onnxFile, labels, maxTokens, rowsPerRun, batching };
    const model = new SentimentModel(info, tokenizer, session, session.inputNames.includes("token_type_ids"));
    try {
      // One short run checks that the outputs match config.json's labels now, not at the first paragraph (it also
      // warms the session up, so the first real result comes faster).
      await model.classify(["ok"]);
    } catch (error) {
      await session.release();
      throw error;
    }
    return model;
  }

  /** Classifies each text; results are in input order. */
  async classify(texts: readonly string[]): Promise<Classification[]> {
    const prepared = this.prepare(texts);
    const order = prepared.windows.map((_, i) => i).sort((a, b) => prepared.windows[a].ids.length - prepared.windows[b].ids.length);
    const sorted = order.map((i) => prepared.windows[i]);
    const probabilities: number[][] = new Array(sorted.length);
    for (let begin = 0; begin < sorted.length; ) {
      const [, end] = batchAround(sorted, begin, this.info.rowsPerRun);
      const batch = await this.runRows(sorted.slice(begin, end).map((window) => window.ids));
      batch.forEach((p, row) => (probabilities[order[begin + row]] = p));
      begin = end;
    }
    return this.finish(prepared, probabilities);
  }

  /** Tokenizes texts and cuts them into windows that fit the model. */
  prepare(texts: readonly string[]): Prepared {
    const windows: Window[] = [];
    const tokens = texts.map((text, index) => {
      const ids = this.tokenizer.encode(text);
      for (const window of this.windowsOf(ids)) windows.push({ text: index, ...window });
      return ids.length;
    });
    return { windows, tokens };
  }

  /** Each text's classification from its windows' label probabilities (token-weighted mean over windows). */
  finish(prepared: Prepared, probabilities: readonly number[][]): Classification[] {
    const { windows, tokens } = prepared;
    const sums = tokens.map(() => new Float64Array(this.info.labels.length));
    const weights = new Float64Array(tokens.length);
    const counts = new Uint32Array(tokens.length);
    windows.forEach((window, i) => {
      probabilities[i].forEach((p, label) => (sums[window.text][label] += p * window.weight));
      weights[window.text] += window.weight;
      counts[window.text] += 1;
    });
    return tokens.map((count, index) => {
      const mean = Array.from(sums[index], (sum) => sum / weights[index]);
      return this.toClassification(mean, counts[index], count);
    });
  }

  /** Leave-one-word-out: which words move the top label's probability most. */
  async explain(text: string): Promise<Explanation> {
    const all = [...text.matchAll(/\S+/g)];
    const words = all.slice(0, MAX_EXPLAINED_WORDS);
    const variants = words.map((m) => text.slice(0, m.index) + text.slice(m.index + m[0].length));
    const [original, ...without] = await this.classify([text, ...variants]);
    const influences = words.map((m, i) => ({
      word: m[0],
      start: m.index,
      end: m.index + m[0].length,
      influence: original.score - without[i].probabilities[original.label],
    }));
    influences.sort((a, b) => Math.abs(b.influence) - Math.abs(a.influence));
    return { label: original.label, words: influences.slice(0, EXPLAINED_TOP), wordsConsidered: words.length, wordsTotal: all.length };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }

  /** Splits content ids into windows that fit the model, overlapping by WINDOW_OVERLAP tokens. */
  private *windowsOf(ids: number[]): Generator<{ ids: number[]; weight: number }> {
    const { prefix, suffix } = this.tokenizer;
    const room = this.info.maxTokens - prefix.length - suffix.length;
    const stride = room - Math.min(WINDOW_OVERLAP, room >> 1);
    for (let start = 0; ; start += stride) {
      const content = ids.slice(start, start + room);
      yield { ids: [...prefix, ...content, ...suffix], weight: Math.max(content.length, 1) };
      if (start + room >= ids.length) return;
    }
  }

  /** One session.run over rows of token ids (right-padded); each row's label probabilities. */
  async runRows(rows: readonly number[][]): Promise<number[][]> {
    const width = Math.max(...rows.map((row) => row.length));
    const ids = new BigInt64Array(rows.length * width).fill(BigInt(this.tokenizer.padId));
    const mask = new BigInt64Array(rows.length * width);
    rows.forEach((row, r) =>
      row.forEach((id, c) => {
        ids[r * width + c] = BigInt(id);
        mask[r * width + c] = 1n;
      }),
    );
    const dims = [rows.length, width];
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", ids, dims),
      attention_mask: new ort.Tensor("int64", mask, dims),
    };
    if (this.feedsTokenTypes) feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(ids.length), dims);
    const { logits } = await this.session.run(feeds);
    const classes = this.info.labels.length;
    if (logits.dims.length !== 2 || logits.dims[1] !== classes) {
      throw new ModelError(this.info.onnxFile, `logits have shape [${logits.dims.join(", ")}], config.json has ${classes} labels`);
    }
    const data = logits.data as Float32Array;
    return rows.map((_, r) => softmax(Array.from(data.subarray(r * classes, (r + 1) * classes))));
  }

  private toClassification(probabilities: number[], windows: number, tokens: number): Classification {
    let best = 0;
    probabilities.forEach((p, i) => {
      if (p > probabilities[best]) best = i;
    });
    return {
      label: this.info.labels[best],
      score: probabilities[best],
      probabilities: Object.fromEntries(this.info.labels.map((label, i) => [label, probabilities[i]])),
      windows,
      tokens,
    };
  }
}

/** The graph an int8 model runs: its row-wise copy (batched), or the file itself, one text per call. */
function int8Graph(onnxFile: string, cacheDir = DEFAULT_GRAPH_CACHE): { file: string; rowsPerRun: number; batching: string } {
  try {
    return { file: rowwiseModelFile(onnxFile, cacheDir), rowsPerRun: MAX_BATCH_ROWS, batching: "int8, row-wise quantized copy: batched by length" };
  } catch (error) {
    const why = error instanceof NotRewritable ? error.message : `cannot write the row-wise copy (${messageOf(error)})`;
    return { file: onnxFile, rowsPerRun: 1, batching: `int8, one text per call: ${why}` };
  }
}

/** Numerically stable softmax. */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / total);
}

/** Labels in class order, from config.json's id2label. */
function labelsOf(config: Record<string, unknown>, file: string): string[] {
  const id2label = config.id2label;
  if (typeof id2label !== "object" || id2label === null) throw new ModelError(file, "has no id2label");
  const entries = Object.entries(id2label as Record<string, unknown>);
  const labels = entries.map((_, i) => (id2label as Record<string, unknown>)[String(i)]);
  if (entries.length < 2 || labels.some((label) => typeof label !== "string")) {
    throw new ModelError(file, "id2label must name classes 0..n-1 (at least two)");
  }
  return labels as string[];
}
