/** Typed view of the `inlineSentiment.*` settings; mirrors `contributes.configuration` in package.json. */
import * as vscode from "vscode";
import { DEFAULT_MISSING_MARKERS, DEFAULT_NON_ANSWERS, SCORE_ALL, type RuleSettings } from "./core/judge";
import type { Granularity } from "./core/segment";
import type { Polarity } from "./core/types";
import type { BackendChoice } from "./engine/protocol";

export const SECTION = "inlineSentiment";

export type Indicator = "badge" | "gutter" | "both" | "none";

/** Which units of a prose document are painted: all, all but positive ones, or only negative ones. Tables show all. */
export type Show = "all" | "notPositive" | "negative";

export interface Settings {
  /** Below this confidence a unit is shown as neutral. */
  neutralThreshold: number;
  granularity: Granularity;
  indicator: Indicator;
  show: Show;
  /** Globs of files never analysed live nor by Analyze Folder (e.g. a changelog). */
  exclude: string[];
  "live.enabled": boolean;
  "live.languages": string[];
  "live.debounceMs": number;
  "live.maxDocumentSize": number;
  "diagnostics.enabled": boolean;
  /** onnxruntime intra-op threads; 0 lets it choose (one per core). */
  "engine.threads": number;
  /** Which runtime scores: native where it loads (auto), native only, or WebAssembly. */
  "engine.backend": BackendChoice;
  /** A model folder chosen by the user; empty for the bundled one. */
  modelPath: string;
  /** Label name -> polarity for labels whose names do not say it. */
  labelMap: Record<string, Polarity>;
  /** Cells that hold a missing value, not an answer (not scored). */
  "feedback.missingMarkers": string[];
  /** Whole answers that say there is nothing to say (not scored). */
  "feedback.nonAnswers": string[];
  /** Score every unit as before: no unit is left out for its content or language. */
  "feedback.scoreAll": boolean;
}

const DEFAULTS: Settings = {
  neutralThreshold: 0.75,
  granularity: "paragraph",
  indicator: "badge",
  // A writer's page stays calm: only what reads negative is painted (the status bar counts the rest).
  show: "negative",
  exclude: [],
  "live.enabled": true,
  // csv, tsv, jsonl: the language ids table extensions give those files (VS Code itself opens .csv as plaintext).
  "live.languages": ["markdown", "plaintext", "csv", "tsv", "jsonl"],
  "live.debounceMs": 300,
  "live.maxDocumentSize": 2_000_000,
  "diagnostics.enabled": false,
  "engine.threads": 0,
  "engine.backend": "auto",
  modelPath: "",
  labelMap: {},
  "feedback.missingMarkers": [...DEFAULT_MISSING_MARKERS],
  "feedback.nonAnswers": [...DEFAULT_NON_ANSWERS],
  "feedback.scoreAll": false,
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
  if (!["all", "notPositive", "negative"].includes(settings.show)) settings.show = DEFAULTS.show;
  settings.exclude = Array.isArray(settings.exclude) ? settings.exclude.filter((glob) => typeof glob === "string" && glob.trim() !== "") : [];
  settings.labelMap = Object.fromEntries(
    Object.entries(settings.labelMap ?? {}).filter(([, polarity]) => ["positive", "neutral", "negative"].includes(polarity)),
  );
  for (const key of ["feedback.missingMarkers", "feedback.nonAnswers"] as const) {
    const list: unknown = settings[key];
    settings[key] = Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : [...DEFAULTS[key]];
  }
  return settings;
}

/** Which units are not scored, from the `feedback.*` settings (the languages come from the model). */
export function judgingOf(settings: Settings): RuleSettings {
  if (settings["feedback.scoreAll"]) return SCORE_ALL;
  return { missing: settings["feedback.missingMarkers"], nonAnswers: settings["feedback.nonAnswers"], language: true, noWords: true };
}

/** True when `event` touches `key` (e.g. "neutralThreshold"). */
export function affects(event: vscode.ConfigurationChangeEvent, key: keyof Settings): boolean {
  return event.affectsConfiguration(`${SECTION}.${key}`);
}
