import type { ModelInfo } from "./engineProtocol";

/** Which runtime and kernels score with a model, as the hover, the status bar and the CLI's --verbose say it. */
export function runtimeOf(info: ModelInfo): string {
  return `${info.backend}, ${info.kernels === "fp32" ? "fp32" : `int8 kernels ${info.kernels}`}`;
}
