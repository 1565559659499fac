/**
 * onnxruntime-node as the engine's backend. Only the worker imports this file: the native addon is loaded in that one
 * thread.
 */
import * as ort from "onnxruntime-node";
import { graphSessionOf, type GraphOptions, type GraphSession, type InferenceBackend } from "../worker/backend";
import { sessionKernelOptions } from "../worker/kernels";
import { chooseKernels } from "./cpu";

export const nativeBackend: InferenceBackend = {
  name: "native (onnxruntime-node)",
  // A ~2 ms probe of the kernels onnxruntime picked on this CPU (kernels.ts).
  chooseKernels: () => chooseKernels(ort),
  async load(onnxFile: string, options: GraphOptions): Promise<GraphSession> {
    const session = await ort.InferenceSession.create(onnxFile, {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
      // No arena: it keeps the largest activations ever needed (a 512-token window) for the session's life, ~25 MB per
      // session; without it runs of 16-512 tokens measured no slower (~11.5 ms per run either way, int8 full model).
      enableCpuMemArena: false,
      extra: {
        session: {
          // Idle pool threads must sleep, not spin: the worker sits idle between edits.
          intra_op: { allow_spinning: "0" },
          inter_op: { allow_spinning: "0" },
          // u8u8 (x64quantprecision) only where the default u8s8 kernels saturate (x64 without VNNI): there they move
          // probabilities by up to 2e-3. With VNNI and on ARM the defaults are exact and ~2x as fast.
          ...sessionKernelOptions(options.kernels),
        },
      },
    });
    return graphSessionOf(session, ort.Tensor);
  },
};
