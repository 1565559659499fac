/**
 * How the host's `update` reaches the page. A 15,000-row model is ~10 MB of JSON: posted as an object, VS Code's
 * extension host turned it into JSON twice on its main thread (the webview message, then its RPC), ~2.5 s in one go.
 * Posted as UTF-8 bytes instead, VS Code sends the bytes as they are, and the host writes the JSON a few units at a
 * time between event-loop turns. Pure (no `vscode`, no DOM, no `node:`): the host encodes, the page decodes.
 */
import type { PanelModel } from "../core/review";
import type { Pause } from "../core/slices";
import { isHostMessage, type HostMessage } from "./protocol";

/** The `update` message as posted: the model's JSON in UTF-8 chunks, or null for the empty state. */
export interface WireUpdate {
  type: "update";
  json: Uint8Array[] | null;
}

/** Units written per step between pauses. */
const UNITS_PER_STEP = 50;
/** Characters gathered before they are encoded as one chunk. */
const CHUNK_CHARS = 1 << 18;

/**
 * The model's JSON (what JSON.stringify gives, `files` last) as UTF-8 chunks, written a few units at a time: `pause`
 * is awaited between steps (and rejects to stop).
 */
export async function encodeModel(model: PanelModel, pause: Pause): Promise<Uint8Array[]> {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  let text = "";
  const write = (piece: string) => {
    text += piece;
    if (text.length < CHUNK_CHARS) return;
    chunks.push(encoder.encode(text));
    text = "";
  };
  const { files, ...head } = model;
  // `head` and each file's head always hold strings (kind, title; uri, name): their JSON ends in "}" after a member.
  write(`${JSON.stringify(head).slice(0, -1)},"files":[`);
  for (let f = 0; f < files.length; f++) {
    const { units, ...fileHead } = files[f];
    write(`${f ? "," : ""}${JSON.stringify(fileHead).slice(0, -1)},"units":[`);
    for (let i = 0; i < units.length; i += UNITS_PER_STEP) {
      await pause();
      write(`${i ? "," : ""}${JSON.stringify(units.slice(i, i + UNITS_PER_STEP)).slice(1, -1)}`);
    }
    write("]}");
  }
  write("]}");
  chunks.push(encoder.encode(text));
  return chunks;
}

/** The update a posted message carries, if it is a well-formed one (anything else is dropped). */
export function decodeUpdate(value: unknown): HostMessage | undefined {
  if (typeof value !== "object" || value === null || (value as { type?: unknown }).type !== "update") return undefined;
  const { json } = value as { json?: unknown };
  if (json === null) return { type: "update", model: undefined };
  if (!Array.isArray(json) || !json.every((chunk) => ArrayBuffer.isView(chunk))) return undefined;
  const decoder = new TextDecoder();
  let text = "";
  for (const chunk of json as Uint8Array[]) text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  let model: unknown;
  try {
    model = JSON.parse(text);
  } catch {
    return undefined;
  }
  const message = { type: "update", model };
  return isHostMessage(message) ? message : undefined;
}
