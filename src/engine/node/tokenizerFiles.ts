/** A model folder's tokenizer read from disk at once (the tests and benchmarks); the engine reads it through files.ts. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ModelError } from "../../core/errors";
import { parseJsonObject } from "../worker/files";
import { TextTokenizer } from "../worker/tokenizer";

/** Loads tokenizer.json and tokenizer_config.json from a model folder on disk; errors name the file. */
export function loadTokenizer(dir: string): TextTokenizer {
  return TextTokenizer.of(readJson(join(dir, "tokenizer.json")), readJson(join(dir, "tokenizer_config.json")), join(dir, "tokenizer.json"));
}

/** Reads a JSON file of a model folder; a missing or malformed file gets a message naming it. */
export function readJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ModelError(file, "file not found");
  return parseJsonObject(readFileSync(file, "utf8"), file);
}
