/** Paths and fixtures shared by the unit tests. */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ModelSpec } from "../../src/engine/engineProtocol";

export const ROOT = resolve(__dirname, "..", "..");
export const WORKER = join(ROOT, "dist", "worker.js");
export const CLI = join(ROOT, "dist", "cli.js");
export const MINI_MODEL = join(ROOT, "model", "sentiment-mini");
export const SHARED = resolve(ROOT, "..", "shared");

/**
 * A file from ../shared, or undefined when this clone has no ../shared beside it. Under CI (CI=true) a missing file
 * fails the test instead: CI always has shared/, so a skip there would hide a broken check.
 */
export function sharedFile(context: Mocha.Context, ...parts: string[]): string {
  const file = join(SHARED, ...parts);
  if (existsSync(file)) return file;
  if (process.env.CI === "true") throw new Error(`${file} is missing; CI must have ../shared beside the clone`);
  context.skip();
}

/** A ModelSpec for a test: int8 by default, a custom model. */
export function spec(dir: string, options: Partial<ModelSpec> = {}): ModelSpec {
  return { dir, kind: "custom", dtype: "q8", ...options };
}
