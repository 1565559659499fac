/**
 * The seam between the engine and an inference runtime. The worker holds one backend; everything above it
 * (tokenizer, windows, batches, priorities, cancellation) is the same whichever runtime runs the graph. Today:
 * onnxruntime-node (nativeBackend.ts). A WebAssembly backend (onnxruntime-web) plugs in here for platforms without a
 * native binary and for VS Code for the Web.
 */

import type { ModelFiles } from "./files";
import type { Int8Kernels, KernelChoice } from "./kernels";

export type { Int8Kernels, KernelChoice };

export interface GraphOptions {
  /** Threads for one operator; 0 lets the runtime choose. */
  intraOpThreads: number;
  /** Which int8 kernels to use (ignored by runtimes that have one kind only). */
  kernels: Int8Kernels;
}

/** Token ids of rows right-padded to one width, row-major; token_type_ids only for graphs that take them. */
export interface GraphFeeds {
  rows: number;
  width: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds?: BigInt64Array;
}

/** A graph loaded in a runtime. */
export interface GraphSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the graph; returns its `logits` output, row-major, and that output's shape. */
  run(feeds: GraphFeeds): Promise<{ logits: Float32Array; dims: readonly number[] }>;
  release(): Promise<void>;
}

export interface InferenceBackend {
  /** Shown to the user: which runtime scores their text. */
  readonly name: string;
  /** Which int8 kernels are exact and fastest on this machine with this runtime (asked once per model load). */
  chooseKernels(): Promise<KernelChoice>;
  /**
   * Loads an ONNX file (external weights beside it are found by the runtime). `source` reads the same file, as `name`
   * inside its model folder, for runtimes that take bytes. Throws what the runtime says.
   */
  load(onnxFile: string, options: GraphOptions, source: { files: ModelFiles; name: string }): Promise<GraphSession>;
}

/**
 * What graphSessionOf needs of an onnxruntime session: the API onnxruntime-node and onnxruntime-web share (both are
 * onnxruntime-common's InferenceSession, in two versions), structurally.
 */
interface RuntimeSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, never>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
  release(): Promise<void>;
}

/** A runtime's int64 tensor constructor (onnxruntime-common's `new Tensor("int64", data, dims)`). */
type Int64Tensor = new (type: "int64", data: BigInt64Array, dims: readonly number[]) => unknown;

/** A GraphSession over a session of either onnxruntime: the feeds as int64 tensors in, `logits` out. */
export function graphSessionOf(session: RuntimeSession, Tensor: Int64Tensor): GraphSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds: GraphFeeds) {
      const dims = [feeds.rows, feeds.width];
      const inputs: Record<string, unknown> = {
        input_ids: new Tensor("int64", feeds.inputIds, dims),
        attention_mask: new Tensor("int64", feeds.attentionMask, dims),
      };
      if (feeds.tokenTypeIds) inputs.token_type_ids = new Tensor("int64", feeds.tokenTypeIds, dims);
      const { logits } = await session.run(inputs as Record<string, never>);
      return { logits: logits.data as Float32Array, dims: logits.dims };
    },
    release: () => session.release(),
  };
}
