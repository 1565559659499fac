/**
 * The messages between the extension host and the summary page, both ways, with their guards. Pure TypeScript (no
 * `vscode`, no DOM): the host and the page bundle both import it, and plain mocha tests it.
 *
 * Anything arriving over postMessage is untrusted on both sides, so each side checks shape before use instead of
 * casting: the host because the page renders user text and could be confused by it, the page because persisted state
 * from an older version of the extension comes back through the same door.
 */
import type { Polarity } from "../core/types";
import type { PanelFile, PanelModel, PanelUnit } from "../core/review";

/** Host → page: the model to draw; `undefined` draws the empty state. */
export interface UpdateMessage {
  type: "update";
  model: PanelModel | undefined;
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

export type PageMessage = ReadyMessage | RevealMessage;

/** Which polarities the list shows. */
export type PolarityFilter = Record<Polarity, boolean>;

/** What the page keeps with `vscode.setState`: view choices only, never document text (the host resends the model). */
export interface PanelState {
  filters: PolarityFilter;
}

export const DEFAULT_STATE: PanelState = { filters: { negative: true, neutral: true, positive: true } };

/** Longest uri accepted in a reveal request; real file uris are far shorter, and this bounds what a page can send. */
const MAX_URI_LENGTH = 8192;

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
    default:
      return false;
  }
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

export function isPanelUnit(value: unknown): value is PanelUnit {
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
    isRecord(probabilities) &&
    Object.values(probabilities).every(isProbability)
  );
}

export function isPanelFile(value: unknown): value is PanelFile {
  return (
    isRecord(value) &&
    typeof value.uri === "string" &&
    typeof value.name === "string" &&
    Array.isArray(value.units) &&
    value.units.every(isPanelUnit)
  );
}

export function isPanelModel(value: unknown): value is PanelModel {
  return (
    isRecord(value) &&
    (value.kind === "document" || value.kind === "folder") &&
    typeof value.title === "string" &&
    typeof value.model === "string" &&
    (value.partial === undefined || typeof value.partial === "boolean") &&
    Array.isArray(value.files) &&
    value.files.every(isPanelFile)
  );
}

/** True for messages the page accepts from the host. */
export function isHostMessage(value: unknown): value is HostMessage {
  return isRecord(value) && value.type === "update" && (value.model === undefined || isPanelModel(value.model));
}

/** Reads saved page state, falling back to the defaults per field so state from an older version never breaks the page. */
export function readPanelState(value: unknown): PanelState {
  const saved = isRecord(value) && isRecord(value.filters) ? value.filters : {};
  const filters = { ...DEFAULT_STATE.filters };
  for (const polarity of POLARITIES) {
    if (typeof saved[polarity] === "boolean") filters[polarity] = saved[polarity];
  }
  return { filters };
}
