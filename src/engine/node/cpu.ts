/**
 * The CPU as the OS describes it (Linux /proc/cpuinfo, macOS sysctl): the Node side of the int8 kernel choice
 * (engine/worker/kernels.ts is pure and shared with the web worker, which has no OS to ask).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import type * as Ort from "onnxruntime-node";
import { chooseKernelsFor, flagsOfCpuinfo, type CpuFeatures, type KernelChoice } from "../worker/kernels";

/** What this OS says about this CPU. */
export function cpuFeatures(): CpuFeatures {
  const arch = os.arch();
  const model = os.cpus()[0]?.model?.trim() || "unknown";
  try {
    if (process.platform === "linux") return { arch, model, flags: flagsOfCpuinfo(readFileSync("/proc/cpuinfo", "utf8")) };
    if (process.platform === "darwin" && arch === "x64") {
      // Leaf 7 holds AVX512VNNI (and AVXVNNI where the kernel lists it); the basic leaf the rest.
      const read = (key: string) => execFileSync("sysctl", ["-n", key], { encoding: "utf8", timeout: 2000 }).trim();
      return { arch, model, flags: `${read("machdep.cpu.features")} ${read("machdep.cpu.leaf7_features")}`.split(/\s+/).filter(Boolean) };
    }
  } catch {
    // The OS would not say: the probe decides.
  }
  return { arch, model };
}

/** The kernels to run here (kernels.ts chooseKernelsFor), with this CPU's features unless `features` (tests) says otherwise. */
export function chooseKernels(ort: typeof Ort, options: { features?: CpuFeatures } = {}): Promise<KernelChoice> {
  return chooseKernelsFor(ort, options.features ?? cpuFeatures());
}
