/** The typed messages between the host (extension or CLI) and the engine worker. */
import type { Classification } from "../core/types";

/** Which ONNX file of a model folder to load: int8 (`onnx/model_quantized.onnx`) or fp32 (`onnx/model.onnx`). */
export type Dtype = "q8" | "fp32";

/** A model folder in the Hugging Face ONNX layout, and how to run it. */
export interface ModelSpec {
  dir: string;
  dtype: Dtype;
  /** Threads for one operator; 0 lets onnxruntime choose. */
  intraOpThreads?: number;
  /**
   * int8 only: run the row-wise copy of the graph (rowwise.ts), so texts can share a session.run. Off: one text per
   * call with the graph as it is (on 2-core AVX2 CPUs this is faster for one paragraph and uses less memory; for bulk
   * work the row-wise copy measured faster, within the machine's run-to-run drift).
   */
  batchInt8?: boolean;
  /** Where the row-wise copy of an int8 graph is kept; the system's temporary folder if unset. */
  cacheDir?: string;
}

/** What a loaded model is. */
export interface ModelInfo {
  dir: string;
  onnxFile: string;
  labels: string[];
  /** Longest input the model takes, special tokens included. */
  maxTokens: number;
  /** Most texts in one session.run, and how the graph batches (or why it does not). */
  rowsPerRun: number;
  batching: string;
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

/** Lower runs first: loads, then what the user is looking at or editing, then the rest of the document. */
export const PRIORITY = { load: -1, high: 0, low: 1 } as const;

export type Request =
  | { id: number; priority: number; type: "load"; spec: ModelSpec }
  | { id: number; priority: number; type: "classify"; texts: string[] }
  | { id: number; priority: number; type: "explain"; text: string }
  /** Drops requests, also half-done ones; each is answered with `cancelled`. */
  | { id: number; priority: number; type: "cancel"; ids: number[] }
  /** Drops everything queued, waits for the run in progress, releases the model and ends the worker. */
  | { id: number; priority: number; type: "close" };

export type Response =
  | { id: number; ok: true; result: ModelInfo | Classification[] | Explanation }
  | { id: number; ok: false; error: string; cancelled?: boolean };
