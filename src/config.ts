/** Typed view of the `inlineSentiment.*` settings; mirrors `contributes.configuration` in package.json. */
import * as vscode from "vscode";
import { SCORE_ALL, type RuleSettings } from "./core/judge";
import type { Granularity } from "./core/segment";
import type { Polarity } from "./core/types";
import { checkSetting, labelMapOf, SETTING_DEFAULTS, SETTING_RULES } from "./core/settings";
import type { BackendChoice } from "./engine/engineProtocol";

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
  /** A paragraph is mixed when one sentence reads negative and another positive, each at least this sure. */
  "mixed.threshold": number;
  /** Globs of files never analysed live nor by Analyze Folder (e.g. a changelog). */
  exclude: readonly string[];
  "live.enabled": boolean;
  "live.languages": readonly string[];
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
  /** Cells that hold a missing value, not an answer (not scored). */
  "feedback.missingMarkers": readonly string[];
  /** Whole answers that say there is nothing to say (not scored). */
  "feedback.nonAnswers": readonly string[];
  /** Score every unit as before: no unit is left out for its content or language. */
  "feedback.scoreAll": boolean;
}

/** The defaults, from core (the one place, checked against package.json by a unit test). */
const DEFAULTS: Settings = SETTING_DEFAULTS;

/**
 * Settings that cost resources (threads, memory, a model's files, the runtime): in an untrusted workspace only the
 * user's own settings count, never the workspace's (which could start 20,000 threads or load files it ships).
 */
const TRUSTED_ONLY: readonly (keyof Settings)[] = ["engine.threads", "engine.backend", "engine.memoryBudgetMb", "live.maxDocumentSize", "modelPath"];

/** Invalid values already warned about (key and value), so each is told once, not on every read. */
const warned = new Set<string>();

/**
 * The settings, each checked against its rule (core/settings.ts) where it is read: a value of the wrong type, out of
 * range or not among the choices is replaced by the default, with one warning naming the setting and the value.
 */
export function readSettings(scope?: vscode.ConfigurationScope, warn: (message: string) => void = defaultWarn): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const settings = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof Settings)[]) {
    const value = !vscode.workspace.isTrusted && TRUSTED_ONLY.includes(key) ? config.inspect(key)?.globalValue : config.get(key);
    if (value === undefined) continue;
    const check = checkSetting(value, SETTING_RULES[key]);
    // A label map keeps its valid entries even when one is wrong.
    if (check.ok || key === "labelMap") (settings as Record<string, unknown>)[key] = value;
    if (!check.ok) {
      const seen = `${key}=${JSON.stringify(value)}`;
      if (!warned.has(seen)) {
        warned.add(seen);
        warn(`Inline Sentiment: the setting ${SECTION}.${key} ${check.reason} (${JSON.stringify(value)?.slice(0, 80)}); ${key === "labelMap" ? "its other entries are used" : `using ${JSON.stringify(DEFAULTS[key])}`}.`);
      }
    }
  }
  settings.labelMap = labelMapOf(settings.labelMap);
  settings.exclude = settings.exclude.filter((glob) => glob.trim() !== "");
  return settings;
}

/** Which units are not scored, from the `feedback.*` settings (the languages come from the model). */
export function judgingOf(settings: Settings): RuleSettings {
  if (settings["feedback.scoreAll"]) return SCORE_ALL;
  return { missing: settings["feedback.missingMarkers"], nonAnswers: settings["feedback.nonAnswers"], language: true, noWords: true };
}

function defaultWarn(message: string): void {
  void vscode.window.showWarningMessage(message);
}

/** True when `event` touches `key` (e.g. "neutralThreshold"). */
export function affects(event: vscode.ConfigurationChangeEvent, key: keyof Settings): boolean {
  return event.affectsConfiguration(`${SECTION}.${key}`);
}
