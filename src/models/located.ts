/**
 * A model as the extension uses it: its folder (a path, or a URI on the web) and kind, and how it is named wherever
 * results are shown. Finding it is the runtime's: models/node/locate.ts on the desktop and in the CLI, the web
 * extension's own folder or global storage in src/web/extension.ts.
 */
import type { ModelKind } from "../core/types";

export interface LocatedModel {
  dir: string;
  kind: ModelKind;
  /** Set when the fallback is in use: say it where the user will read it. */
  warning?: string;
}

/** How a model is named in hovers, the status bar, the panel and reports. */
export function modelDisplayName(model: { kind: ModelKind; dir: string }): string {
  if (model.kind === "mini") return "sentiment-mini (bundled stand-in, less accurate; full model not installed)";
  if (model.kind === "full") return "DistilBERT SST-2 (int8)";
  return `custom (${model.dir})`;
}
