/**
 * A sentiment model loaded in the worker: the folder's tokenizer, a graph session from the backend (backend.ts) and
 * config.json's labels. Follows the reference text-classification pipeline (tokenize, run, softmax, id2label), plus
 * two things it lacks: batches of similar lengths (little padding; the worker forms them across requests), and
 * overlapping windows for texts longer than the model's input.
 */
import { ModelError, messageOf } from "../../core/errors";
import { modelLanguagesOf } from "../../core/language/modelLanguages";
import { engineThreads } from "../../core/settings";
import type { Classification } from "../../core/types";
import type { Explanation, ModelInfo, ModelSpec } from "../engineProtocol";
import { classificationsOf, type ScoreColumns } from "../scores";
import type { GraphSession, InferenceBackend, KernelChoice } from "./backend";
import { MAX_BATCH_ROWS, batchAround, softmax, windowsOf, type Prepared, type Window } from "./batching";
import { describeKernels } from "./kernels";
import { modelFilesOf, readJsonOf, type ModelFiles } from "./files";
import { TextTokenizer } from "./tokenizer";

/** Leave-one-word-out costs one model call per word: long paragraphs are explained by their first words only. */
const MAX_EXPLAINED_WORDS = 64;
const EXPLAINED_TOP = 5;

const ONNX_FILES = { q8: "onnx/model_quantized.onnx", fp32: "onnx/model.onnx" } as const;

export type { Prepared, Window };

export class SentimentModel {
  private constructor(
    readonly info: ModelInfo,
    private readonly tokenizer: TextTokenizer,
    private readonly runner: GraphRunner,
    /** How to load another session of this graph (a helper's): no tokenizer, no checksum, no kernel probe. */
    readonly graph: GraphSpec,
  ) {}

  /**
   * Loads a model folder, read through files.ts (the file system, or the extension host on the web). Every failure
   * names the file at fault.
   */
  static async load(spec: ModelSpec, backend: InferenceBackend): Promise<SentimentModel> {
    const files = await modelFilesOf(spec.dir);
    if (!(await files.exists(""))) throw new ModelError(spec.dir, "model folder not found");
    const config = await readJsonOf(files, "config.json");
    const labels = labelsOf(config, files.pathOf("config.json"));
    const tokenizer = await TextTokenizer.fromFiles(files);
    const onnxName = ONNX_FILES[spec.dtype];
    const onnxFile = files.pathOf(onnxName);
    if (!(await files.exists(onnxName))) throw new ModelError(onnxFile, `file not found (dtype ${spec.dtype})`);
    const sha256 = await files.sha256(onnxName);
    // Decided on this machine at every load (a probe of the runtime's own kernels), never on the build machine.
    const kernels = spec.dtype === "q8" ? await backend.chooseKernels() : undefined;
    // int8 graphs quantize activations with one scale per tensor (DynamicQuantizeLinear), so rows batched together,
    // and their padding, shift each other's results (by up to 4e-2 measured on SST-2 dev): they run one text per call,
    // which reproduces the reference pipeline. fp32 rows are independent (to ~1e-7) and batch by length.
    const { rowsPerRun, batching } =
      spec.dtype === "fp32" ? { rowsPerRun: MAX_BATCH_ROWS, batching: "fp32: batched by length" } : { rowsPerRun: 1, batching: "int8, one text per call" };
    const graph: GraphSpec = {
      dir: spec.dir,
      name: onnxName,
      // Checked again here, whoever sent the spec: a count onnxruntime would start unchecked (issue 24).
      intraOpThreads: engineThreads(spec.intraOpThreads),
      kernels: kernels?.kernels ?? "u8s8",
      padId: tokenizer.padId,
      classes: labels.length,
    };
    let session: GraphSession;
    try {
      session = await openGraph(graph, backend, files);
    } catch (error) {
      throw new ModelError(onnxFile, `${backend.name} cannot load it (${messageOf(error)})`);
    }
    const missing = ["input_ids", "attention_mask"].filter((name) => !session.inputNames.includes(name));
    if (missing.length || !session.outputNames.includes("logits")) {
      await session.release();
      throw new ModelError(
        onnxFile,
        `expected inputs input_ids and attention_mask and output logits; it has inputs ${session.inputNames.join(", ")} and outputs ${session.outputNames.join(", ")}`,
      );
    }
    const maxPositions = Number(config.max_position_embeddings) || 512;
    const maxTokens = Math.min(maxPositions, Number((await readJsonOf(files, "tokenizer_config.json")).model_max_length) || maxPositions);
    // A window needs room for one token of text besides [CLS] and [SEP]; with none, a long text would never end its
    // windows (each would start where the last did).
    if (!(maxTokens >= tokenizer.prefix.length + tokenizer.suffix.length + 1)) {
      throw new ModelError(files.pathOf("config.json"), `a maximum of ${maxTokens} tokens leaves no room for text (max_position_embeddings, model_max_length)`);
    }
    const info: ModelInfo = {
      dir: spec.dir,
      kind: spec.kind,
      onnxFile,
      sha256,
      labels,
      maxTokens,
      rowsPerRun,
      batching,
      backend: backend.name,
      kernels: kernels?.kernels ?? "fp32",
      kernelsReason: kernels ? describeKernels(kernels) : "fp32 graph",
      // The languages the model reads, when config.json declares them (absent: English only).
      ...languagesOf(config),
    };
    const model = new SentimentModel(info, tokenizer, new GraphRunner(session, graph, onnxFile), graph);
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
    return classificationsOf(this.finish(prepared, probabilities));
  }

  /** Tokenizes texts and cuts them into windows that fit the model. */
  prepare(texts: readonly string[]): Prepared {
    const windows: Window[] = [];
    const tokens = texts.map((text, index) => {
      const ids = this.tokenizer.encode(text);
      for (const window of windowsOf(ids, this.info.maxTokens, this.tokenizer.prefix, this.tokenizer.suffix)) windows.push({ text: index, ...window });
      return ids.length;
    });
    return { windows, tokens };
  }

  /** Each text's label probabilities from its windows' (token-weighted mean over windows), in columns (see ScoreColumns). */
  finish(prepared: Prepared, probabilities: readonly number[][]): ScoreColumns {
    const { windows, tokens } = prepared;
    const width = this.info.labels.length;
    const sums = new Float64Array(tokens.length * width);
    const weights = new Float64Array(tokens.length);
    const counts = new Uint32Array(tokens.length);
    windows.forEach((window, i) => {
      probabilities[i].forEach((p, label) => (sums[window.text * width + label] += p * window.weight));
      weights[window.text] += window.weight;
      counts[window.text] += 1;
    });
    for (let i = 0; i < sums.length; i++) sums[i] /= weights[Math.floor(i / width)];
    return { labels: this.info.labels, probabilities: sums, windows: counts, tokens: Uint32Array.from(tokens) };
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
    await this.runner.release();
  }

  /** One session.run over rows of token ids (right-padded); each row's label probabilities. */
  runRows(rows: readonly number[][]): Promise<number[][]> {
    return this.runner.runRows(rows);
  }
}

/** `{ languages }` when config.json declares the languages the model reads, else nothing (English only). */
function languagesOf(config: Record<string, unknown>): Pick<ModelInfo, "languages"> {
  const languages = modelLanguagesOf(config);
  return languages ? { languages } : {};
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

/** What another session of a loaded graph needs: the file, its threads and kernels, and how rows are fed and read. */
export interface GraphSpec {
  /** The model folder and the graph's name in it. */
  dir: string;
  name: string;
  intraOpThreads: number;
  kernels: KernelChoice["kernels"];
  padId: number;
  classes: number;
}

/** A session of `graph` from the backend, with the graph's threads and kernels (the own session's and a helper's). */
function openGraph(graph: GraphSpec, backend: InferenceBackend, files: ModelFiles): Promise<GraphSession> {
  return backend.load(files.pathOf(graph.name), { intraOpThreads: graph.intraOpThreads, kernels: graph.kernels }, { files, name: graph.name });
}

/** A graph session that runs rows of token ids: all a helper session needs (the tokenizer stays with the queue). */
export class GraphRunner {
  private readonly feedsTokenTypes: boolean;

  constructor(
    private readonly session: GraphSession,
    private readonly graph: GraphSpec,
    private readonly onnxFile: string,
  ) {
    this.feedsTokenTypes = session.inputNames.includes("token_type_ids");
  }

  /** Loads another session of a graph that SentimentModel.load already checked (and warms it up with one run). */
  static async load(graph: GraphSpec, backend: InferenceBackend): Promise<GraphRunner> {
    const files = await modelFilesOf(graph.dir);
    const session = await openGraph(graph, backend, files);
    const runner = new GraphRunner(session, graph, files.pathOf(graph.name));
    try {
      await runner.runRows([[graph.padId]]);
    } catch (error) {
      await session.release();
      throw error;
    }
    return runner;
  }

  /** One session.run over rows of token ids (right-padded); each row's label probabilities. */
  async runRows(rows: readonly number[][]): Promise<number[][]> {
    const width = Math.max(...rows.map((row) => row.length));
    const inputIds = new BigInt64Array(rows.length * width).fill(BigInt(this.graph.padId));
    const attentionMask = new BigInt64Array(rows.length * width);
    rows.forEach((row, r) =>
      row.forEach((id, c) => {
        inputIds[r * width + c] = BigInt(id);
        attentionMask[r * width + c] = 1n;
      }),
    );
    const tokenTypeIds = this.feedsTokenTypes ? new BigInt64Array(inputIds.length) : undefined;
    const { logits, dims } = await this.session.run({ rows: rows.length, width, inputIds, attentionMask, tokenTypeIds });
    const { classes } = this.graph;
    if (dims.length !== 2 || dims[1] !== classes) {
      throw new ModelError(this.onnxFile, `logits have shape [${dims.join(", ")}], config.json has ${classes} labels`);
    }
    return rows.map((_, r) => softmax(logits.subarray(r * classes, (r + 1) * classes)));
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
