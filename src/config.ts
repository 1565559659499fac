/** Typed view of the `inlineSentiment.*` settings; mirrors `contributes.configuration` in package.json. */
import * as vscode from "vscode";
import type { Granularity } from "./core/segment";
import type { Polarity } from "./core/types";
import type { BackendChoice } from "./engine/protocol";

export const SECTION = "inlineSentiment";

export type Indicator = "badge" | "gutter" | "both" | "none";

export interface Settings {
  /** Below this confidence a unit is shown as neutral. */
  neutralThreshold: number;
  granularity: Granularity;
  indicator: Indicator;
  "live.enabled": boolean;
  "live.languages": string[];
  "live.debounceMs": number;
  "live.maxDocumentSize": number;
  "diagnostics.enabled": boolean;
  /** onnxruntime intra-op threads; 0 lets it choose (one per core). */
  "engine.threads": number;
  /** Which runtime scores: native where it loads (auto), native only, or WebAssembly. */
  "engine.backend": BackendChoice;
  /** Megabytes the engine may grow by before it stops and releases its model (0: no budget). */
  "engine.memoryBudgetMb": number;
  /** A model folder chosen by the user; empty for the bundled one. */
  modelPath: string;
  /** Label name -> polarity for labels whose names do not say it. */
  labelMap: Record<string, Polarity>;
}

const DEFAULTS: Settings = {
  neutralThreshold: 0.75,
  granularity: "paragraph",
  indicator: "badge",
  "live.enabled": true,
  // csv, tsv, jsonl: the language ids table extensions give those files (VS Code itself opens .csv as plaintext).
  "live.languages": ["markdown", "plaintext", "csv", "tsv", "jsonl"],
  "live.debounceMs": 300,
  "live.maxDocumentSize": 2_000_000,
  "diagnostics.enabled": false,
  "engine.threads": 0,
  "engine.backend": "auto",
  "engine.memoryBudgetMb": 1536,
  modelPath: "",
  labelMap: {},
};

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const settings = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof Settings)[]) {
    (settings as Record<string, unknown>)[key] = config.get(key, DEFAULTS[key]);
  }
  // In an untrusted workspace a workspace setting must not choose the model (it would load files the workspace ships).
  if (!vscode.workspace.isTrusted) settings.modelPath = config.inspect<string>("modelPath")?.globalValue ?? "";
  if (!["auto", "native", "wasm"].includes(settings["engine.backend"])) settings["engine.backend"] = "auto";
  settings.labelMap = Object.fromEntries(
    Object.entries(settings.labelMap ?? {}).filter(([, polarity]) => ["positive", "neutral", "negative"].includes(polarity)),
  );
  return settings;
}

/** True when `event` touches `key` (e.g. "neutralThreshold"). */
export function affects(event: vscode.ConfigurationChangeEvent, key: keyof Settings): boolean {
  return event.affectsConfiguration(`${SECTION}.${key}`);
}
