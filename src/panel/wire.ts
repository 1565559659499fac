/**
 * How the host's `update` reaches the page. A 15,000-row model is ~10 MB of JSON: posted as an object, VS Code's
 * extension host turned it into JSON twice on its main thread (the webview message, then its RPC), ~2.5 s in one go.
 * Posted as UTF-8 bytes instead, VS Code sends the bytes as they are, and the host writes the JSON a few units at a
 * time between event-loop turns. Pure (no `vscode`, no DOM, no `node:`): the host encodes, the page decodes.
 */
import { headOf, type SummaryFeed, type SummaryNotScored, type SummaryUnit } from "../core/summary/summaryModel";
import type { Pause } from "../core/slices";
import { isHostMessage, type HostMessage } from "./protocol";

/**
 * The `update` message as posted, or null for the empty state: the model's JSON in UTF-8 chunks. The first is the model
 * with every file's `units` empty; each other is `[file index, units]`, the next units of that file, or `[file index,
 * units, 1]`, the next of its units not scored (`notScored`). Each chunk is
 * parsed on its own, so the page never holds the whole JSON as one string (10 MB strings linger in the page's heap
 * until a full collection; small ones go with the next scavenge).
 */
export interface WireUpdate {
  type: "update";
  json: Uint8Array[] | null;
}

/** Units written per step between pauses. */
const UNITS_PER_STEP = 50;
/** Characters of units gathered before they are encoded as one chunk. */
const CHUNK_CHARS = 1 << 16;

/**
 * The model's JSON as UTF-8 chunks (see WireUpdate), its units made and written a few at a time: `pause` is awaited
 * between steps (and rejects to stop). A unit lives only until its JSON is written.
 */
export async function encodeModel(feed: SummaryFeed, pause: Pause): Promise<Uint8Array[]> {
  const encoder = new TextEncoder();
  const chunks = [encoder.encode(JSON.stringify(headOf(feed)))];
  for (let f = 0; f < feed.files.length; f++) {
    const { count, unit, notScoredCount = 0, notScoredUnit } = feed.files[f];
    await writeUnits(f, count, (k) => unitJson(unit(k)), "", chunks, encoder, pause);
    if (notScoredUnit) await writeUnits(f, notScoredCount, (k) => unitJson(notScoredUnit(k)), ",1", chunks, encoder, pause);
  }
  return chunks;
}

/** Writes `count` units' JSON as chunks `[f,[...]${tail}]`, a step at a time between pauses. */
async function writeUnits(f: number, count: number, json: (k: number) => string, tail: string, chunks: Uint8Array[], encoder: TextEncoder, pause: Pause): Promise<void> {
  let pending: string[] = [];
  let chars = 0;
  const flush = () => {
    if (pending.length) chunks.push(encoder.encode(`[${f},[${pending.join(",")}]${tail}]`));
    pending = [];
    chars = 0;
  };
  for (let i = 0; i < count; i += UNITS_PER_STEP) {
    await pause();
    const step: string[] = [];
    for (let k = i; k < Math.min(count, i + UNITS_PER_STEP); k++) step.push(json(k));
    const piece = step.join(",");
    pending.push(piece);
    chars += piece.length;
    if (chars >= CHUNK_CHARS) flush();
  }
  flush();
}

/** A unit's JSON; fields held as JSON text are written as they are, as its `fields`. */
function unitJson(unit: SummaryUnit | SummaryNotScored): string {
  if (unit.fieldsJson === undefined) return JSON.stringify(unit);
  const { fieldsJson, ...rest } = unit;
  // `rest` holds the unit's other properties: its JSON is a non-empty object, closed by its last character.
  return `${JSON.stringify(rest).slice(0, -1)},"fields":${fieldsJson}}`;
}

/** The update a posted message carries, if it is a well-formed one (anything else is dropped). */
export function decodeUpdate(value: unknown): HostMessage | undefined {
  if (typeof value !== "object" || value === null || (value as { type?: unknown }).type !== "update") return undefined;
  const { json } = value as { json?: unknown };
  if (json === null) return { type: "update", model: undefined };
  if (!Array.isArray(json) || json.length === 0 || !json.every((chunk) => ArrayBuffer.isView(chunk))) return undefined;
  const decoder = new TextDecoder();
  let model: unknown;
  try {
    model = JSON.parse(decoder.decode(json[0] as Uint8Array));
    const files = (model as { files?: unknown }).files;
    if (!Array.isArray(files)) return undefined;
    for (const chunk of json.slice(1) as Uint8Array[]) {
      const part: unknown = JSON.parse(decoder.decode(chunk));
      if (!Array.isArray(part) || !Number.isInteger(part[0]) || !Array.isArray(part[1])) return undefined;
      const file = files[part[0] as number] as { units?: unknown; notScored?: unknown } | undefined;
      if (part[2] === 1 && file) file.notScored ??= [];
      const units = part[2] === 1 ? file?.notScored : file?.units;
      if (!Array.isArray(units)) return undefined;
      for (const unit of part[1] as unknown[]) units.push(unit);
    }
  } catch {
    return undefined;
  }
  const message = { type: "update", model };
  return isHostMessage(message) ? message : undefined;
}
