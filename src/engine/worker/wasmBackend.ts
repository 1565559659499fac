/**
 * onnxruntime-web (WebAssembly) as the engine's backend: for platforms onnxruntime-node has no binary for (Intel Macs,
 * Alpine/musl, 32-bit ARM) and, later, VS Code for the Web. It runs in the engine's worker thread like the native
 * backend; its own threads (WebAssembly threads: Node worker_threads sharing the module's memory) start from there.
 *
 * Three things differ from onnxruntime-node, and are handled here:
 * - onnxruntime-web takes the model as bytes: loading by path needs a browser's mounted files. The graph's external
 *   weight files are read from the graph's own `external_data` entries and handed over as `externalData`.
 * - Its thread pool is global to the WebAssembly instance and sized once, when the worker first starts it: a later
 *   load asking for another thread count keeps the first one (the backend's name says how many run). Another thread
 *   count needs a new worker (EngineClient.restart()).
 * - It is loaded only when a model loads with it, so a worker that runs the native backend never starts it.
 */
import type * as OrtNode from "onnxruntime-node";
import type * as OrtWeb from "onnxruntime-web";
import protobuf from "protobufjs/light";
import type { ModelFiles } from "./files";
import { graphSessionOf, type GraphOptions, type GraphSession, type InferenceBackend, type KernelChoice } from "./backend";
import { probeKernels } from "./kernels";

/** Threads for intraOpThreads 0: one per core, at most this many (more gain little in WebAssembly, and each costs a thread). */
const MAX_DEFAULT_THREADS = 4;

export interface WasmBackendOptions {
  /**
   * Node: onnxruntime-web's env.wasm.wasmPaths, the file URL prefix of the folder holding ort-wasm-simd-threaded.mjs
   * and .wasm (engine/node/modelFiles.ts wasmPathsOf), read when the runtime starts (a failure is the load's).
   */
  wasmPaths?: () => string;
  /**
   * The .wasm's bytes, for a host without a file system (VS Code for the Web: the extension host reads them with
   * vscode.workspace.fs). The glue is then the one bundled with onnxruntime-web's wasm build, and wasmPaths is unused.
   */
  wasmBinary?: Uint8Array;
  /** Cores of this machine (Node's os.availableParallelism); default navigator.hardwareConcurrency. */
  cores?: () => number;
  /** Threads of the pool (0: one per core, at most 4), used when this backend is the first to start onnxruntime-web here. */
  threads?: number;
}

/** onnxruntime-web in this worker thread: started once, with the thread count its pool was created with. */
let runtime: Promise<typeof OrtWeb> | undefined;
let runtimeThreads: number | undefined;

function start(options: WasmBackendOptions): Promise<typeof OrtWeb> {
  runtime ??= (async () => {
    // A dynamic import: a worker that runs the native backend never evaluates onnxruntime-web.
    const ort = (await import("onnxruntime-web")) as typeof OrtWeb;
    const cores = options.cores ? options.cores() : (globalThis.navigator?.hardwareConcurrency ?? 1);
    const threads = options.threads ? options.threads : Math.min(cores, MAX_DEFAULT_THREADS);
    ort.env.wasm.numThreads = threads;
    // The proxy worker is for browsers' main threads; here the engine's worker thread is already off the host's.
    ort.env.wasm.proxy = false;
    if (options.wasmBinary) ort.env.wasm.wasmBinary = options.wasmBinary;
    // A file URL prefix: the .mjs is import()ed, which takes URLs (a Windows path is none); the .wasm beside it is read.
    else if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths();
    ort.env.logLevel = "error";
    runtimeThreads = threads;
    return ort;
  })();
  // A failed start (missing .wasm, no SIMD) is not retried: onnxruntime-web refuses to initialise again after a failed
  // attempt, so every later load reports the same failure.
  return runtime;
}

/** A WebAssembly backend; `options` say where its .wasm files are and how many threads to start. */
export function createWasmBackend(options: WasmBackendOptions = {}): InferenceBackend {
  return {
    get name() {
      return `WebAssembly (onnxruntime-web${runtimeThreads ? `, ${runtimeThreads} thread${runtimeThreads === 1 ? "" : "s"}` : ""})`;
    },
    async chooseKernels(): Promise<KernelChoice> {
      // onnxruntime-web has one kind of int8 kernels (u8s8 in WebAssembly SIMD). The native backend's probe asks
      // whether they saturate (16-bit sums of pairs of products, as x64 without VNNI does) or are exact.
      const ort = await start(options);
      try {
        // The probe uses InferenceSession.create(bytes, options), Tensor and run: the same API in both packages.
        const { mismatches } = await probeKernels(ort as unknown as typeof OrtNode);
        const reason = mismatches === 0 ? "WebAssembly SIMD int8 kernels, exact on the probe" : `WebAssembly int8 kernels saturate (${mismatches} probe values wrong); onnxruntime-web has no exact alternative`;
        return { kernels: "u8s8", source: "probe", reason };
      } catch (error) {
        return { kernels: "u8s8", source: "fallback", reason: `WebAssembly int8 kernels, the only ones onnxruntime-web has (probe failed: ${error instanceof Error ? error.message : String(error)})` };
      }
    },
    async load(_onnxFile: string, graphOptions: GraphOptions, { files, name }: { files: ModelFiles; name: string }): Promise<GraphSession> {
      const ort = await start({ ...options, threads: options.threads ?? graphOptions.intraOpThreads });
      const model = await files.read(name);
      const folder = name.includes("/") ? name.slice(0, name.lastIndexOf("/") + 1) : "";
      const externalData = await Promise.all(
        externalFilesOf(model).map(async (path) => ({ path, data: await files.read(folder + insideFolder(path)) })),
      );
      const session = await ort.InferenceSession.create(model, {
        executionProviders: ["wasm"],
        graphOptimizationLevel: "all",
        executionMode: "sequential",
        externalData,
      });
      return graphSessionOf(session, ort.Tensor);
    },
  };
}

/**
 * A file named by a graph, as a path inside the graph's folder (forward slashes, no "." segments): a location that
 * leaves it (absolute, a drive, `..`) is refused.
 */
export function insideFolder(location: string): string {
  const parts: string[] = [];
  if (/^([\\/]|[A-Za-z]:)/.test(location)) throw new Error(`external data "${location}" is outside the model's folder`);
  for (const part of location.split(/[\\/]+/)) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (!parts.length) throw new Error(`external data "${location}" is outside the model's folder`);
      parts.pop();
    } else parts.push(part);
  }
  if (!parts.length) throw new Error(`external data "${location}" names no file`);
  return parts.join("/");
}

// ---------------------------------------------------------------------------------------------------------------
// The external weight files an ONNX graph names. onnx.proto field numbers: ModelProto.graph 7; GraphProto.node 1,
// initializer 5, sparse_initializer 15; NodeProto.attribute 5; AttributeProto.t 5, g 6, tensors 8, graphs 10;
// SparseTensorProto.values 1, indices 2; TensorProto.external_data 13 (StringStringEntryProto key 1, value 2),
// data_location 14 (1 = EXTERNAL). Only these fields are decoded; everything else (the weights themselves) is skipped.
// ---------------------------------------------------------------------------------------------------------------

/** The distinct `location`s of the graph's external tensors (subgraphs and Constant nodes included), in order. */
export function externalFilesOf(model: Uint8Array): string[] {
  const files = new Set<string>();
  forEachField(model, (reader, field, wire) => (field === 7 && wire === 2 ? graph(reader.bytes(), files) : false));
  return [...files];
}

function graph(bytes: Uint8Array, files: Set<string>): boolean {
  forEachField(bytes, (reader, field, wire) => {
    if (wire !== 2) return false;
    if (field === 5) tensor(reader.bytes(), files);
    else if (field === 15) forEachField(reader.bytes(), (r, f, w) => (w === 2 && (f === 1 || f === 2) ? tensor(r.bytes(), files) : false));
    else if (field === 1) forEachField(reader.bytes(), (r, f, w) => (f === 5 && w === 2 ? attribute(r.bytes(), files) : false));
    else return false;
    return true;
  });
  return true;
}

function attribute(bytes: Uint8Array, files: Set<string>): boolean {
  forEachField(bytes, (reader, field, wire) => {
    if (wire !== 2) return false;
    if (field === 5 || field === 8) tensor(reader.bytes(), files);
    else if (field === 6 || field === 10) graph(reader.bytes(), files);
    else return false;
    return true;
  });
  return true;
}

function tensor(bytes: Uint8Array, files: Set<string>): boolean {
  forEachField(bytes, (reader, field, wire) => {
    if (field !== 13 || wire !== 2) return false;
    let key = "";
    let value = "";
    forEachField(reader.bytes(), (r, f, w) => {
      if (w !== 2 || (f !== 1 && f !== 2)) return false;
      if (f === 1) key = r.string();
      else value = r.string();
      return true;
    });
    if (key === "location" && value) files.add(value);
    return true;
  });
  return true;
}

/** Calls `visit` for each field of a message; a visit that does not read the field returns false and it is skipped. */
function forEachField(bytes: Uint8Array, visit: (reader: protobuf.Reader, field: number, wire: number) => boolean): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (!visit(reader, field, wire)) reader.skipType(wire);
  }
}
