/**
 * Where the model comes from. Order: an explicit folder (CLI --model or the modelPath setting), the
 * INLINE_SENTIMENT_MODEL environment variable, the full model bundled in model/distilbert-sst2, a copy downloaded
 * before (the extension's global storage), then the bundled mini model, which is labelled as such wherever results
 * are shown.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ModelKind } from "../../core/types";
import { FULL_MODEL_FOLDER, MINI_MODEL_FOLDER } from "../manifest";
import type { LocatedModel } from "../located";

export type { LocatedModel } from "../located";

export function locateModel(extensionRoot: string, explicit?: string, env = process.env, downloadRoot?: string): LocatedModel {
  const chosen = explicit || env.INLINE_SENTIMENT_MODEL;
  if (chosen) return { dir: resolve(chosen), kind: kindOf(resolve(chosen), extensionRoot, downloadRoot) };
  const full = join(extensionRoot, "model", FULL_MODEL_FOLDER);
  if (existsSync(join(full, "config.json"))) return { dir: full, kind: "full" };
  const downloaded = downloadRoot && join(downloadRoot, FULL_MODEL_FOLDER);
  if (downloaded && existsSync(join(downloaded, "config.json"))) return { dir: downloaded, kind: "full" };
  const mini = join(extensionRoot, "model", MINI_MODEL_FOLDER);
  return {
    dir: mini,
    kind: "mini",
    warning:
      `Using the bundled mini model (${mini}): a small stand-in trained for this project, less accurate than ` +
      "DistilBERT SST-2. The full model is not installed.",
  };
}

function kindOf(dir: string, extensionRoot: string, downloadRoot?: string): ModelKind {
  if (dir === join(extensionRoot, "model", MINI_MODEL_FOLDER)) return "mini";
  if (dir === join(extensionRoot, "model", FULL_MODEL_FOLDER)) return "full";
  if (downloadRoot && dir === join(downloadRoot, FULL_MODEL_FOLDER)) return "full";
  return "custom";
}
