/** The typed messages between the host (extension or CLI) and the engine worker. */
import type { Int8Kernels } from "./worker/backend";
import type { ModelKind } from "../core/types";
import type { ScoreColumns } from "./scores";

/** Which ONNX file of a model folder to load: int8 (`onnx/model_quantized.onnx`) or fp32 (`onnx/model.onnx`). */
export type Dtype = "q8" | "fp32";

/**
 * Which runtime runs the graph: "native" (onnxruntime-node), "wasm" (onnxruntime-web), or "auto": native where
 * onnxruntime-node loads on this platform, else WebAssembly.
 */
export type BackendChoice = "auto" | "native" | "wasm";

/** A model folder in the Hugging Face ONNX layout, and how to run it. */
export interface ModelSpec {
  dir: string;
  /** Where the folder came from (bundled mini, full, the user's own): carried into ModelInfo for the UI. */
  kind: ModelKind;
  dtype: Dtype;
  /** Threads for one operator; 0 lets onnxruntime choose. */
  intraOpThreads?: number;
  /** Default "auto". */
  backend?: BackendChoice;
  /** Where onnxruntime-web's .wasm files are (default: the installed onnxruntime-web package's dist/). */
  wasmDir?: string;
}

/** What a loaded model is; results carry it, so what scored them is known. */
export interface ModelInfo {
  dir: string;
  kind: ModelKind;
  onnxFile: string;
  /** sha256 of the graph file: the model's identity. Cached scores belong to one identity. */
  sha256: string;
  labels: string[];
  /** Longest input the model takes, special tokens included. */
  maxTokens: number;
  /** Most texts in one session.run, and how the graph batches (or why it does not). */
  rowsPerRun: number;
  batching: string;
  /** The runtime that runs the graph (backend.ts), e.g. "native (onnxruntime-node)". */
  backend: string;
  /** Why that runtime: the setting, or what "auto" found (e.g. that onnxruntime-node has no binary here). Set by the worker. */
  backendReason?: string;
  /** Which int8 kernels run ("fp32" for fp32 graphs), and how that was decided on this machine. */
  kernels: Int8Kernels | "fp32";
  kernelsReason: string;
  /** How runs are shared out: one session, or a second one in a helper thread for bulk work. Set by the worker. */
  sessions?: string;
  /**
   * ISO 639-1 codes of the languages the model reads, from its folder (issue 22). Absent: the model's folder says
   * nothing, and it is taken to read English only.
   */
  languages?: readonly string[];
}

/** What the engine's sessions have done since the model loaded (for tests and benchmarks). */
export interface EngineStats {
  /** The model's own session first, then a helper's if one runs now; runs each has done. */
  sessions: { name: string; runs: number }[];
  /** Helpers started since the worker began. */
  helperStarts: number;
  /** Why helpers are off for this model, if one failed. */
  helperBroken?: string;
  /** The queue's sizes now (for the soak's watchdog and the tests of its bounds). */
  counters?: SchedulerCounters;
}

/** What the engine worker's queue holds right now: each of these is bounded (docs/RELIABILITY.md "Bounds"). */
export interface SchedulerCounters {
  /** Requests waiting (classify, load, explain), and the texts of the classify ones. */
  queued: number;
  queuedTexts: number;
  /** Classify requests tokenized into windows, and their windows not yet run. */
  jobs: number;
  windowsWaiting: number;
  /** Runs handed to a session and not back yet. */
  running: number;
  /** Helper sessions started and stopped since the worker began, and whether one runs now. */
  helperStarts: number;
  helperStops: number;
  helperRunning: boolean;
  /** Requests refused because the queue was full. */
  refused: number;
}

/** How much one word moves a text's top label: its probability with the word minus without it. */
export interface WordInfluence {
  word: string;
  /** Offsets of the word in the explained text. */
  start: number;
  end: number;
  influence: number;
}

export interface Explanation {
  label: string;
  /** The words that move the score most, strongest first. */
  words: WordInfluence[];
  /** Words considered (the first MAX_EXPLAINED_WORDS of a long text). */
  wordsConsidered: number;
  wordsTotal: number;
}

/**
 * V8 limits of the engine's threads (worker and helper). Their young generation would otherwise grow to 32 MB each
 * (16 MB semi-spaces), though what they allocate (token ids, tensors' wrappers, results) dies young: capped at 6 MB
 * the worker's resident memory after 10,000 paragraphs is ~25 MB lower, at the same throughput (measured interleaved,
 * docs/BENCHMARK.md).
 */
export const ENGINE_THREAD_LIMITS = { maxYoungGenerationSizeMb: 6 } as const;

/** Lower runs first: loads, then what the user is looking at or editing, then the rest of the document. */
export const PRIORITY = { load: -1, high: 0, low: 1 } as const;

export type Request =
  | { id: number; priority: number; type: "load"; spec: ModelSpec }
  | { id: number; priority: number; type: "classify"; texts: string[] }
  | { id: number; priority: number; type: "explain"; text: string }
  /** Drops requests, also half-done ones; each is answered with `cancelled`. */
  | { id: number; priority: number; type: "cancel"; ids: number[] }
  /** Answered at once, whatever is queued. */
  | { id: number; priority: number; type: "stats" }
  /** Drops everything queued, waits for the runs in progress, releases the model and ends the worker. */
  | { id: number; priority: number; type: "close" };

/** The engine's requests by method, with what each answers (engine/channel.ts types the client's calls with it). */
export type EngineMethods = {
  load: { params: { spec: ModelSpec }; result: ModelInfo };
  classify: { params: { texts: string[] }; result: ScoreColumns };
  explain: { params: { text: string }; result: Explanation };
  stats: { params: object; result: EngineStats };
};

export type Response =
  | { id: number; ok: true; result: ModelInfo | ScoreColumns | Explanation | EngineStats }
  | { id: number; ok: false; error: string; cancelled?: boolean };
