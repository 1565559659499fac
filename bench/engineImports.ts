/**
 * The one place the benchmarks import the engine from: when src/ moves, only these paths change.
 */
export { LruCache } from "../src/core/cache";
export { DocumentSegmenter, segment } from "../src/core/segment";
export type { Classification } from "../src/core/types";
export { EngineClient } from "../src/engine/client";
export { chooseKernels, describeKernels, rowwiseWeightsFor, sessionKernelOptions } from "../src/engine/kernels";
export { EnginePool } from "../src/engine/pool";
export { DEFAULT_GRAPH_CACHE, rowwiseModelFile } from "../src/engine/rowwise";
