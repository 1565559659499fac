/**
 * Which int8 matmul kernels the engine runs, decided on the machine it runs on (never the machine it was built on).
 *
 * onnxruntime's default int8 kernels multiply uint8 activations by int8 weights ("u8s8"). On x64 CPUs without VNNI
 * (AVX2, and AVX-512 without VNNI) they use vpmaddubsw, which adds two products into a saturating 16-bit sum: results
 * move by up to ~2e-3. With VNNI (AVX-512 VNNI, AVX-VNNI: vpdpbusd sums into 32 bits) and on ARM they are exact, and
 * about twice as fast as the exact alternative, the u8u8 kernels that session.x64quantprecision selects (and that a
 * MatMulInteger runs when its weights are stored as uint8).
 *
 * The decision is a probe that asks onnxruntime itself, at every model load (it takes ~2 ms after onnxruntime is up, so
 * nothing is remembered that could go stale): a tiny MatMulInteger whose exact result needs more than 16 bits per pair
 * of products runs with the default kernels and is compared with the exact answer. The CPU's features (Linux
 * /proc/cpuinfo, macOS sysctl, any ARM) are the fallback, and are reported beside the probe's answer; mapping them to
 * kernels is pure (kernelsForFeatures).
 */
import type * as Ort from "onnxruntime-node";
import protobuf from "protobufjs/light";

/** "u8s8": onnxruntime's default int8 kernels; "u8u8": the exact path for x64 CPUs without VNNI. */
export type Int8Kernels = "u8s8" | "u8u8";

export interface KernelChoice {
  kernels: Int8Kernels;
  /** How it was decided. */
  source: "probe" | "cpu features" | "fallback";
  /** Why, in a few words (the features seen, or the probe's result). */
  reason: string;
}

/** What the OS says about the CPU; flags undefined when it says nothing (Windows, unknown systems). */
export interface CpuFeatures {
  arch: string;
  model: string;
  flags?: readonly string[];
}

/** Flags meaning VNNI (u8 x s8 dot products summed into 32 bits), as Linux and macOS spell them (compared lowercased, without "_"/"."). */
const VNNI_FLAGS = new Set(["avx512vnni", "avxvnni"]);
const normalise = (flag: string) => flag.toLowerCase().replace(/[_.]/g, "");

/**
 * The kernels a CPU needs, from its architecture (Node's os.arch()) and feature flags: ARM -> u8s8 (exact there);
 * x64 with AVX-512 VNNI or AVX-VNNI -> u8s8; x64 without -> u8u8. Undefined when the flags are unknown on x64 or the
 * architecture is another one: the probe decides then.
 */
export function kernelsForFeatures(arch: string, flags: readonly string[] | undefined): Int8Kernels | undefined {
  if (arch === "arm64" || arch === "arm") return "u8s8";
  if (arch !== "x64" || !flags) return undefined;
  return flags.some((flag) => VNNI_FLAGS.has(normalise(flag))) ? "u8s8" : "u8u8";
}

/** Feature flags from /proc/cpuinfo text (the first "flags" line; ARM's "Features" line). */
export function flagsOfCpuinfo(cpuinfo: string): string[] | undefined {
  const line = cpuinfo.match(/^(?:flags|Features)\s*:(.*)$/m)?.[1];
  return line === undefined ? undefined : line.trim().split(/\s+/).filter(Boolean);
}

/** Session options (extra.session entries) that select the given kernels. */
export function sessionKernelOptions(kernels: Int8Kernels): Record<string, string> {
  // x64quantprecision moves the fused int8 kernels (DynamicQuantizeMatMul etc.) to u8u8; other CPUs ignore it.
  return kernels === "u8u8" ? { x64quantprecision: "1" } : {};
}

/** One line for hovers and --verbose. */
export function describeKernels(choice: KernelChoice): string {
  const what = choice.kernels === "u8s8" ? "u8s8 (onnxruntime's default, exact on this CPU)" : "u8u8 exact (this CPU's default int8 kernels saturate)";
  return `int8 kernels: ${what}; by ${choice.source}: ${choice.reason}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The probe: Y = A x B with A uint8 [M, K] all 255 and B int8 [K, N] of +127 and -128 columns. Exact: K * 255 * b.
// A saturating kernel adds pairs of products (2 * 255 * 127 = 64,770) in 16 bits, and gets far less.
// ---------------------------------------------------------------------------------------------------------------
const PROBE = { m: 8, k: 256, n: 32 };
const ELEM_UINT8 = 2;
const ELEM_INT8 = 3;

function field(writer: protobuf.Writer, id: number, body: (w: protobuf.Writer) => void): void {
  writer.uint32((id << 3) | 2).fork();
  body(writer);
  writer.ldelim();
}

function valueInfo(w: protobuf.Writer, name: string, elemType: number, dims: number[]): void {
  w.uint32((1 << 3) | 2).string(name);
  field(w, 2, (type) =>
    field(type, 1, (tensor) => {
      tensor.uint32(1 << 3).int32(elemType);
      field(tensor, 2, (shape) => dims.forEach((d) => field(shape, 1, (dim) => dim.uint32(1 << 3).int64(d))));
    }),
  );
}

/** The probe's weights: column c is +127 when c is even, -128 when odd. */
function probeWeights(): Int8Array {
  const { k, n } = PROBE;
  return Int8Array.from({ length: k * n }, (_, i) => (i % n) % 2 === 0 ? 127 : -128);
}

/** ONNX bytes of the probe graph (opset 13): one MatMulInteger, A an input, B a weight. */
export function probeModelBytes(): Uint8Array {
  const { m, k, n } = PROBE;
  const w = protobuf.Writer.create();
  w.uint32(1 << 3).int64(7); // ir_version
  field(w, 8, (opset) => opset.uint32((2 << 3) | 0).int64(13));
  field(w, 7, (graph) => {
    field(graph, 1, (node) => {
      node.uint32((1 << 3) | 2).string("A");
      node.uint32((1 << 3) | 2).string("B");
      node.uint32((2 << 3) | 2).string("Y");
      node.uint32((3 << 3) | 2).string("probe");
      node.uint32((4 << 3) | 2).string("MatMulInteger");
    });
    graph.uint32((2 << 3) | 2).string("int8-kernel-probe");
    field(graph, 5, (tensor) => {
      tensor.uint32(1 << 3).int64(k);
      tensor.uint32(1 << 3).int64(n);
      tensor.uint32(2 << 3).int32(ELEM_INT8);
      tensor.uint32((8 << 3) | 2).string("B");
      const weights = probeWeights();
      tensor.uint32((9 << 3) | 2).bytes(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
    });
    field(graph, 11, (input) => valueInfo(input, "A", ELEM_UINT8, [m, k]));
    field(graph, 12, (output) => valueInfo(output, "Y", 6, [m, n]));
  });
  return w.finish();
}

/** The probe's result against the exact one: how many of its values differ. */
export function probeMismatches(y: Int32Array): number {
  const { k, n } = PROBE;
  return Array.from(y).filter((value, i) => value !== k * 255 * ((i % n) % 2 === 0 ? 127 : -128)).length;
}

/**
 * Runs the probe with onnxruntime's default kernels: "u8s8" when they are exact here, "u8u8" when they saturate.
 * `ort` is the caller's onnxruntime (the worker's): this file does not load it, so its pure parts run anywhere.
 */
export async function probeKernels(ort: typeof Ort): Promise<{ kernels: Int8Kernels; mismatches: number }> {
  const session = await ort.InferenceSession.create(probeModelBytes(), { intraOpNumThreads: 1, graphOptimizationLevel: "all" });
  try {
    const { m, k } = PROBE;
    const { Y } = await session.run({ A: new ort.Tensor("uint8", new Uint8Array(m * k).fill(255), [m, k]) });
    const mismatches = probeMismatches(Y.data as Int32Array);
    return { kernels: mismatches === 0 ? "u8s8" : "u8u8", mismatches };
  } finally {
    await session.release();
  }
}

/**
 * The kernels to run here. The probe decides (run with `ort`, the worker's onnxruntime: a few milliseconds): it asks
 * the kernels onnxruntime actually picked on this CPU, which the OS's feature list can misstate (an emulator such as
 * qemu-user shows the host's /proc/cpuinfo while giving programs another CPU). The CPU's features decide only when
 * the probe cannot run, and the exact u8u8 kernels when they say nothing either. `features`: what the OS says of the
 * CPU (engine/node/cpu.ts reads them in Node); pure, so the web worker shares it.
 */
export async function chooseKernelsFor(ort: typeof Ort, features: CpuFeatures): Promise<KernelChoice> {
  const byFeatures = kernelsForFeatures(features.arch, features.flags);
  const vnni = features.flags?.filter((flag) => VNNI_FLAGS.has(normalise(flag))) ?? [];
  const said = features.arch.startsWith("arm") ? `${features.arch} CPU` : !features.flags ? `${features.arch}, features unknown` : vnni.length ? `${features.arch} with ${vnni.join(", ")}` : `${features.arch} without VNNI`;
  try {
    const { kernels, mismatches } = await probeKernels(ort);
    const probe = mismatches === 0 ? "default kernels exact on the probe" : `default kernels saturate (${mismatches} of ${PROBE.m * PROBE.n} probe values wrong)`;
    const disagree = byFeatures && byFeatures !== kernels ? `; the CPU features (${said}) suggested ${byFeatures}` : "";
    return { kernels, source: "probe", reason: `${probe}${disagree}` };
  } catch (error) {
    const why = `probe failed: ${error instanceof Error ? error.message : String(error)}`;
    if (byFeatures) return { kernels: byFeatures, source: "cpu features", reason: `${said} (${why})` };
    return { kernels: "u8u8", source: "fallback", reason: `${said} (${why}); the exact kernels run` };
  }
}
