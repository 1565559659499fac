/**
 * onnxruntime-node as the engine's backend. Only the worker imports this file: the native addon is loaded in that one
 * thread.
 */
import * as ort from "onnxruntime-node";
import type { GraphFeeds, GraphOptions, GraphSession, InferenceBackend } from "./backend";
import { lowerOwnPriority } from "./priority";

export const nativeBackend: InferenceBackend = {
  name: "native (onnxruntime-node)",
  async load(onnxFile: string, options: GraphOptions): Promise<GraphSession> {
    // The session's thread pool is created by this thread and inherits its priority: lowering this thread first is
    // what puts the engine's threads, and only them, behind the editor's.
    lowerOwnPriority();
    const session = await ort.InferenceSession.create(onnxFile, {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      extra: {
        session: {
          // Idle pool threads must sleep, not spin: the worker sits idle between edits.
          intra_op: { allow_spinning: "0" },
          inter_op: { allow_spinning: "0" },
          // "1": the exact u8u8 int8 path, for CPUs on which the default u8s8 kernels saturate (kernels.ts).
          x64quantprecision: options.kernels === "u8u8" ? "1" : "0",
        },
      },
    });
    return {
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      async run(feeds: GraphFeeds) {
        const dims = [feeds.rows, feeds.width];
        const inputs: Record<string, ort.Tensor> = {
          input_ids: new ort.Tensor("int64", feeds.inputIds, dims),
          attention_mask: new ort.Tensor("int64", feeds.attentionMask, dims),
        };
        if (feeds.tokenTypeIds) inputs.token_type_ids = new ort.Tensor("int64", feeds.tokenTypeIds, dims);
        const { logits } = await session.run(inputs);
        return { logits: logits.data as Float32Array, dims: logits.dims };
      },
      release: () => session.release(),
    };
  },
};
