/**
 * The one place the benchmarks import the engine from: when src/ moves, only these paths change.
 */
export { DocumentSegmenter, segment } from "../src/core/segment";
export type { Classification } from "../src/core/types";
export { EngineClient } from "../src/engine/engineClient";
export { ScoreCache } from "../src/editor/analysis/scoreCache";
export { describeKernels, sessionKernelOptions } from "../src/engine/worker/kernels";
export { chooseKernels } from "../src/engine/node/cpu";
export { engineThread } from "../src/engine/node/threads";
