/**
 * How the engine reads a model folder: a small host interface, bytes in. In Node (the worker thread) it is
 * the file system (engine/node/modelFiles.ts, set by engine/node/engineWorker.ts); in VS Code for the Web the engine's Web Worker asks the extension host, which reads
 * with vscode.workspace.fs (src/web/). model.ts, tokenizer.ts and wasmBackend.ts read through it only, so one copy of
 * their logic serves both.
 */
import { ModelError, messageOf } from "../../core/errors";

export interface ModelFiles {
  /** A file of the model folder by its path inside it ("config.json", "onnx/model_quantized.onnx"). */
  read(name: string): Promise<Uint8Array>;
  exists(name: string): Promise<boolean>;
  /** The full name of a file of the folder, for messages and ModelInfo. */
  pathOf(name: string): string;
  /** sha256 (hex) of a file of the folder. */
  sha256(name: string): Promise<string>;
}

/** Makes the ModelFiles of a model folder (`dir` as ModelSpec names it). */
export type ModelFilesFactory = (dir: string) => ModelFiles;

let factory: ModelFilesFactory | undefined;

/** Sets how model folders are read in this thread (each worker's shell does, before its first load). */
export function useModelFiles(make: ModelFilesFactory): void {
  factory = make;
}

/**
 * The ModelFiles of `dir`, as set with useModelFiles. This file reaches no runtime's file system itself: the shell of
 * each runtime says how (engine/node/engineWorker.ts the file system, web/engineWorker.ts the extension host).
 */
export async function modelFilesOf(dir: string): Promise<ModelFiles> {
  if (!factory) throw new Error("no model file reader is set in this thread (useModelFiles)");
  return factory(dir);
}

/** Reads a JSON object file of a model folder; a missing or malformed file gets a message naming it. */
export async function readJsonOf(files: ModelFiles, name: string): Promise<Record<string, unknown>> {
  if (!(await files.exists(name))) throw new ModelError(files.pathOf(name), "file not found");
  return parseJsonObject(new TextDecoder().decode(await files.read(name)), files.pathOf(name));
}

/** Parses a JSON object; a malformed one gets a message naming `file`. */
export function parseJsonObject(text: string, file: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not a JSON object");
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ModelError(file, `not valid JSON (${messageOf(error)})`);
  }
}

/** A folder path joined with a file's path inside it, with forward slashes (a URI or a POSIX path). */
export function joinName(dir: string, name: string): string {
  return `${dir.replace(/[\\/]+$/, "")}/${name}`;
}

export { sha256Hex } from "../../core/sha256";
