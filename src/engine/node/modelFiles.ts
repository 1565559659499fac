/** A model folder on the file system (the worker thread and the CLI): the Node side of files.ts. */
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { pipeline } from "node:stream/promises";
import type { ModelFiles } from "../worker/files";

export function nodeModelFiles(dir: string): ModelFiles {
  const pathOf = (name: string) => join(dir, name);
  return {
    pathOf,
    read: async (name) => readFile(pathOf(name)),
    exists: async (name) => existsSync(pathOf(name)),
    async sha256(name) {
      // Streamed: the full model's graph is 68 MB, and the native backend never needs its bytes in this thread.
      const hash = createHash("sha256");
      await pipeline(createReadStream(pathOf(name)), hash);
      return hash.digest("hex");
    },
  };
}

/** Cores of this machine (the WebAssembly backend's default thread count is derived from it). */
export function cores(): number {
  return os.availableParallelism();
}

/**
 * onnxruntime-web's env.wasm.wasmPaths in Node: a file URL prefix of the folder with ort-wasm-simd-threaded.mjs/.wasm
 * (the .mjs is import()ed, which takes URLs, not Windows paths). By default dist/web/ beside this bundle (the build
 * copies them there; a VSIX ships them only there), else the installed package's dist/ (running from sources).
 */
export function wasmPathsOf(wasmDir?: string): string {
  const beside = join(__dirname, "web");
  const dir = wasmDir ?? (existsSync(join(beside, "ort-wasm-simd-threaded.wasm")) ? beside : dirname(require.resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm")));
  return pathToFileURL(dir).href.replace(/\/?$/, "/");
}
