/**
 * What each `inlineSentiment.*` setting may hold, checked where it is read: VS Code does not enforce a setting's schema
 * (a `.vscode/settings.json` can hold any JSON), so a value of the wrong type, not an integer where one is needed, out
 * of range or not among the choices falls back to the default, and the caller warns once. Pure.
 */
import { LIVE_LANGUAGES } from "./fileKinds";
import { DEFAULT_MISSING_MARKERS, DEFAULT_NON_ANSWERS } from "./judge";
import { MIXED_THRESHOLD } from "./mixed";
import type { Polarity } from "./types";

/**
 * Most onnxruntime intra-op threads the engine starts: the schema's maximum. The value goes to onnxruntime's
 * `intraOpNumThreads`; 20,000 threads took 1.7 GB and did not finish 200 texts in 300 s (issue 24).
 */
export const MAX_THREADS = 64;

/** A setting's rule. Ranges are inclusive. */
export type Rule =
  | { type: "number"; min: number; max: number; integer?: boolean }
  | { type: "boolean" }
  | { type: "string" }
  | { type: "enum"; values: readonly string[] }
  | { type: "strings" }
  | { type: "labelMap" };

/** The rules, as package.json's `contributes.configuration` states them (a unit test compares the two). */
export const SETTING_RULES = {
  neutralThreshold: { type: "number", min: 0.5, max: 1 },
  granularity: { type: "enum", values: ["paragraph", "line", "sentence"] },
  indicator: { type: "enum", values: ["badge", "gutter", "both", "none"] },
  show: { type: "enum", values: ["all", "notPositive", "negative"] },
  "mixed.threshold": { type: "number", min: 0.6, max: 1 },
  exclude: { type: "strings" },
  "live.enabled": { type: "boolean" },
  "live.languages": { type: "strings" },
  "live.debounceMs": { type: "number", min: 0, max: 5000 },
  "live.maxDocumentSize": { type: "number", min: 0, max: Number.MAX_SAFE_INTEGER },
  "diagnostics.enabled": { type: "boolean" },
  "engine.threads": { type: "number", min: 0, max: MAX_THREADS, integer: true },
  "engine.backend": { type: "enum", values: ["auto", "native", "wasm"] },
  "engine.memoryBudgetMb": { type: "number", min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  modelPath: { type: "string" },
  labelMap: { type: "labelMap" },
  "feedback.missingMarkers": { type: "strings" },
  "feedback.nonAnswers": { type: "strings" },
  "feedback.scoreAll": { type: "boolean" },
} as const satisfies Record<string, Rule>;

/**
 * Each setting's default, as package.json's `contributes.configuration` states it (test/unit/manifest.test.ts compares
 * the two): config.ts reads settings over these, and the CLI's own defaults (the neutral threshold) are these.
 */
export const SETTING_DEFAULTS = {
  neutralThreshold: 0.75,
  granularity: "paragraph",
  indicator: "badge",
  // A writer's page stays calm: only what reads negative is painted (the status bar counts the rest).
  show: "negative",
  "mixed.threshold": MIXED_THRESHOLD,
  exclude: [],
  "live.enabled": true,
  "live.languages": LIVE_LANGUAGES,
  "live.debounceMs": 300,
  "live.maxDocumentSize": 2_000_000,
  "diagnostics.enabled": false,
  "engine.threads": 0,
  "engine.backend": "auto",
  "engine.memoryBudgetMb": 1536,
  modelPath: "",
  labelMap: {},
  "feedback.missingMarkers": DEFAULT_MISSING_MARKERS,
  "feedback.nonAnswers": DEFAULT_NON_ANSWERS,
  "feedback.scoreAll": false,
} as const satisfies Record<keyof typeof SETTING_RULES, unknown>;

const POLARITIES: readonly string[] = ["positive", "neutral", "negative"];

/**
 * `value` when it keeps `rule`, else undefined with the reason. A label map keeps its entries whose polarity is valid,
 * in a null-prototype object (a label named `constructor` or `__proto__` is an entry like any other); it is refused
 * only when it is no object or an entry is invalid (the valid entries are still kept, see `labelMapOf`).
 */
export function checkSetting(value: unknown, rule: Rule): { ok: true } | { ok: false; reason: string } {
  switch (rule.type) {
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return { ok: false, reason: "is not a number" };
      if (rule.integer && !Number.isInteger(value)) return { ok: false, reason: "is not a whole number" };
      if (value < rule.min || value > rule.max) return { ok: false, reason: `is outside ${rule.min}..${rule.max === Number.MAX_SAFE_INTEGER ? "" : rule.max}` };
      return { ok: true };
    case "boolean":
      return typeof value === "boolean" ? { ok: true } : { ok: false, reason: "is not true or false" };
    case "string":
      return typeof value === "string" ? { ok: true } : { ok: false, reason: "is not a string" };
    case "enum":
      return typeof value === "string" && rule.values.includes(value) ? { ok: true } : { ok: false, reason: `is not one of ${rule.values.join(", ")}` };
    case "strings":
      return Array.isArray(value) && value.every((item) => typeof item === "string") ? { ok: true } : { ok: false, reason: "is not a list of strings" };
    case "labelMap": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, reason: "is not an object" };
      const bad = Object.entries(value).find(([, polarity]) => !POLARITIES.includes(polarity as string));
      return bad ? { ok: false, reason: `maps ${JSON.stringify(bad[0])} to something other than positive, neutral or negative` } : { ok: true };
    }
  }
}

/** A label map's valid entries (label -> polarity), in a null-prototype object: no label reads an inherited property. */
export function labelMapOf(value: unknown): Record<string, Polarity> {
  const map = Object.create(null) as Record<string, Polarity>;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return map;
  for (const [label, polarity] of Object.entries(value)) if (POLARITIES.includes(polarity as string)) map[label] = polarity as Polarity;
  return map;
}

/** An onnxruntime thread count from anywhere (a setting, the CLI, a spec): a whole number in 0..MAX_THREADS, else 0. */
export function engineThreads(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_THREADS ? value : 0;
}
