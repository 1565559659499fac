/**
 * The messages between the extension host and the summary page, both ways, with their guards. Pure TypeScript (no
 * `vscode`, no DOM): the host and the page bundle both import it, and plain mocha tests it.
 *
 * Anything arriving over postMessage is untrusted on both sides, so each side checks shape before use instead of
 * casting: the host because the page renders user text and could be confused by it, the page because persisted state
 * from an older version of the extension comes back through the same door.
 */
import type { GroupSortKey } from "../core/summary";
import type { Polarity } from "../core/types";
import type { NotScoredReason } from "../core/notScored";
import type { SummaryFile, SummaryModel, SummaryNotScored, SummaryUnit } from "../core/summary/summaryModel";

/** Host → page: the model to draw; `undefined` draws the empty state. */
export interface UpdateMessage {
  type: "update";
  model: SummaryModel | undefined;
}

export type HostMessage = UpdateMessage;

/** Page → host: the page's script has run and listens for messages (sent on every load, also after being hidden). */
export interface ReadyMessage {
  type: "ready";
}

/** Page → host: open `uri` and show 1-based `line`. */
export interface RevealMessage {
  type: "reveal";
  uri: string;
  line: number;
}

/** What the page groups by: the file (folder runs) or one of the model's columns. */
export type GroupBy = { kind: "file" } | { kind: "column"; column: string };

/**
 * Page → host: what the page shows now (its group-by and whether themes are shown), sent on load and on each change,
 * so an exported report carries the groups and themes the user is looking at.
 */
export interface ViewMessage {
  type: "view";
  /** null: no grouping. */
  groupBy: GroupBy | null;
  themes: boolean;
}

/** Page → host: a figure the page measured (milliseconds of a filter, sort or group change; heap bytes after a load). */
export interface MetricsMessage {
  type: "metrics";
  /** What was measured, e.g. "search" or "load". */
  what: string;
  ms: number;
  /** Units in the model when measured. */
  units: number;
  /** `performance.memory.usedJSHeapSize` where the browser has it. */
  heapBytes?: number;
}

export type PageMessage = ReadyMessage | RevealMessage | ViewMessage | MetricsMessage;

/** Which polarities the list shows. */
export type PolarityFilter = Record<Polarity, boolean>;

/** The list's order: most negative first (as before groups existed), most positive first, or document order. */
export type ListSort = "negative" | "positive" | "order";

export interface GroupSort {
  key: GroupSortKey;
  direction: "asc" | "desc";
}

/** What the page keeps with `vscode.setState`: view choices only, never document text (the host resends the model). */
export interface PanelState {
  filters: PolarityFilter;
  /** Only the units whose sentences disagree (mixed paragraphs, found when their sentences were scored). */
  mixedOnly: boolean;
  /** undefined: the default (by file in a folder run, none otherwise); null: the user chose no grouping. */
  groupBy?: GroupBy | null;
  groupSort: GroupSort;
  /** The selected group (its value under `groupBy`): the list and the themes show only its items. */
  group?: string;
  /** The selected theme: the list shows only items containing it, highlighted. */
  theme?: string;
  search: string;
  sort: ListSort;
  /** A date column as the arc's axis; undefined: document order. */
  axis?: string;
  /** Whether themes are computed and shown. */
  themes: boolean;
}

export const DEFAULT_STATE: PanelState = {
  filters: { negative: true, neutral: true, positive: true },
  mixedOnly: false,
  groupSort: { key: "count", direction: "desc" },
  search: "",
  sort: "negative",
  themes: true,
};

/** Longest uri accepted in a reveal request; real file uris are far shorter, and this bounds what a page can send. */
const MAX_URI_LENGTH = 8192;

/** Longest column name, group value, theme or search kept or accepted: bounds what state and messages can carry. */
export const MAX_NAME_LENGTH = 1000;

const GROUP_SORT_KEYS: readonly GroupSortKey[] = ["key", "count", "negative", "neutral", "positive", "mean"];
const LIST_SORTS: readonly ListSort[] = ["negative", "positive", "order"];

const POLARITIES: readonly Polarity[] = ["positive", "negative", "neutral"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for the exact shapes the host accepts from the page; extra properties are tolerated, wrong types are not. */
export function isPageMessage(value: unknown): value is PageMessage {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case "ready":
      return true;
    case "reveal":
      return (
        typeof value.uri === "string" &&
        value.uri.length > 0 &&
        value.uri.length <= MAX_URI_LENGTH &&
        typeof value.line === "number" &&
        Number.isSafeInteger(value.line) &&
        value.line >= 1
      );
    case "view":
      return (value.groupBy === null || isGroupBy(value.groupBy)) && typeof value.themes === "boolean";
    case "metrics":
      return (
        typeof value.what === "string" &&
        value.what.length > 0 &&
        value.what.length <= 100 &&
        isFiniteNonNegative(value.ms) &&
        typeof value.units === "number" &&
        Number.isSafeInteger(value.units) &&
        value.units >= 0 &&
        (value.heapBytes === undefined || isFiniteNonNegative(value.heapBytes))
      );
    default:
      return false;
  }
}

function isFiniteNonNegative(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function isName(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_NAME_LENGTH;
}

export function isGroupBy(value: unknown): value is GroupBy {
  if (!isRecord(value)) return false;
  if (value.kind === "file") return true;
  return value.kind === "column" && isName(value.column) && value.column.length > 0;
}

export function isPolarity(value: unknown): value is Polarity {
  return typeof value === "string" && (POLARITIES as readonly string[]).includes(value);
}

function isProbability(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;
}

function isLine(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}

export function isSummaryUnit(value: unknown): value is SummaryUnit {
  if (!isRecord(value)) return false;
  const { startLine, endLine, text, label, score, polarity, probabilities } = value;
  return (
    isLine(startLine) &&
    isLine(endLine) &&
    endLine >= startLine &&
    typeof text === "string" &&
    typeof label === "string" &&
    isProbability(score) &&
    isPolarity(polarity) &&
    (value.mixed === undefined || value.mixed === true) &&
    isRecord(probabilities) &&
    Object.values(probabilities).every(isProbability)
  );
}

const NOT_SCORED_REASONS: readonly NotScoredReason[] = ["empty", "missing", "non-answer", "language", "no-words"];

export function isSummaryNotScored(value: unknown): value is SummaryNotScored {
  if (!isRecord(value)) return false;
  const { startLine, endLine, text, reason, detail } = value;
  return (
    isLine(startLine) &&
    isLine(endLine) &&
    endLine >= startLine &&
    typeof text === "string" &&
    (NOT_SCORED_REASONS as readonly unknown[]).includes(reason) &&
    (detail === undefined || typeof detail === "string")
  );
}

export function isSummaryFile(value: unknown): value is SummaryFile {
  return (
    isRecord(value) &&
    typeof value.uri === "string" &&
    typeof value.name === "string" &&
    Array.isArray(value.units) &&
    value.units.every(isSummaryUnit) &&
    (value.notScored === undefined || (Array.isArray(value.notScored) && value.notScored.every(isSummaryNotScored)))
  );
}

export function isSummaryModel(value: unknown): value is SummaryModel {
  return (
    isRecord(value) &&
    (value.kind === "document" || value.kind === "folder") &&
    typeof value.title === "string" &&
    typeof value.model === "string" &&
    (value.partial === undefined || typeof value.partial === "boolean") &&
    Array.isArray(value.files) &&
    value.files.every(isSummaryFile)
  );
}

/** True for messages the page accepts from the host. */
export function isHostMessage(value: unknown): value is HostMessage {
  return isRecord(value) && value.type === "update" && (value.model === undefined || isSummaryModel(value.model));
}

/**
 * Reads saved page state, falling back to the defaults per field so state from an older version (which kept only the
 * polarity filters) or a damaged one never breaks the page.
 */
export function readPanelState(value: unknown): PanelState {
  const saved = isRecord(value) ? value : {};
  const savedFilters = isRecord(saved.filters) ? saved.filters : {};
  const filters = { ...DEFAULT_STATE.filters };
  for (const polarity of POLARITIES) {
    if (typeof savedFilters[polarity] === "boolean") filters[polarity] = savedFilters[polarity];
  }
  const state: PanelState = { ...DEFAULT_STATE, filters, groupSort: { ...DEFAULT_STATE.groupSort } };
  if (typeof saved.mixedOnly === "boolean") state.mixedOnly = saved.mixedOnly;
  if (saved.groupBy === null || isGroupBy(saved.groupBy)) {
    state.groupBy = saved.groupBy === null ? null : saved.groupBy.kind === "file" ? { kind: "file" } : { kind: "column", column: saved.groupBy.column };
  }
  const sort = saved.groupSort;
  if (isRecord(sort) && (GROUP_SORT_KEYS as readonly unknown[]).includes(sort.key) && (sort.direction === "asc" || sort.direction === "desc")) {
    state.groupSort = { key: sort.key as GroupSortKey, direction: sort.direction };
  }
  if (isName(saved.group)) state.group = saved.group;
  if (isName(saved.theme) && saved.theme.length > 0) state.theme = saved.theme;
  if (isName(saved.search)) state.search = saved.search;
  if ((LIST_SORTS as readonly unknown[]).includes(saved.sort)) state.sort = saved.sort as ListSort;
  if (isName(saved.axis) && saved.axis.length > 0) state.axis = saved.axis;
  if (typeof saved.themes === "boolean") state.themes = saved.themes;
  return state;
}
