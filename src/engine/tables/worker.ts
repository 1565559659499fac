/**
 * The table worker (worker_threads): parses CSV/TSV/JSON Lines/JSON arrays off the extension host's main thread (a
 * 15,000-row CSV takes about half a second) and sends the text column's units back in slices. Keeps the last table
 * per key, so choosing the column and then scoring it parses the file once.
 */
import { parentPort } from "node:worker_threads";
import { messageOf } from "../../core/errors";
import { decodeTabular } from "../../core/files";
import { parseTable, type Table } from "../../core/tabular";
import { rowUnits, summarizeTable } from "../../core/tabular/units";
import type { ReadRequest, TableRequest, TableResponse } from "./protocol";

const port = parentPort;
if (!port) throw new Error("tableWorker.js runs only as a worker thread");

/** Units per message: a slice takes the host a few milliseconds to receive. */
const SLICE = 500;
/** Parsed tables kept (the documents being worked on). */
const KEPT = 4;

/** Slices still to send, per request, each sent when the host asks for the next. */
const sending = new Map<number, () => void>();

const tables = new Map<string, { text: string; version?: number; format: string; table: Table }>();

port.on("message", (request: TableRequest) => {
  if (request.type === "forget") {
    tables.delete(request.key);
    return;
  }
  if (request.type === "next") {
    sending.get(request.id)?.();
    return;
  }
  try {
    read(request);
  } catch (error) {
    post({ id: request.id, type: "error", error: messageOf(error), stale: error instanceof StaleError });
  }
});

function read(request: ReadRequest): void {
  const table = tableOf(request);
  const summary = summarizeTable(table);
  const present = request.column !== undefined && table.columns.includes(request.column);
  const missing = request.column !== undefined && !present ? request.column : undefined;
  const column = present ? request.column : request.fallback ? summary.suggested : undefined;
  if (column === undefined) {
    post({ id: request.id, type: "done", summary, missing, problems: table.problems });
    return;
  }
  const { units, lines, problems } = rowUnits(table, column);
  let next = 0;
  const sendNext = () => {
    if (next >= units.length) {
      sending.delete(request.id);
      post({ id: request.id, type: "done", summary, column, missing, problems });
      return;
    }
    post({ id: request.id, type: "units", units: units.slice(next, next + SLICE), lines: lines.slice(next * 2, (next + SLICE) * 2) });
    next += SLICE;
  };
  sending.set(request.id, sendNext);
  sendNext();
}

/** Thrown when `reuse` names a text this worker does not hold (evicted, or the worker restarted). */
class StaleError extends Error {}

function tableOf({ key, source, format, version }: ReadRequest): Table {
  const kept = tables.get(key);
  if ("reuse" in source) {
    if (kept && kept.version === version && version !== undefined && kept.format === format) return kept.table;
    throw new StaleError(`no text of version ${version} kept for ${key}`);
  }
  // Bytes are decoded here, off the host's main thread (UTF-16, BOM, Windows-1252), then checked for NULs.
  const text = "text" in source ? source.text : decodeTabular(source.bytes).text;
  if (kept && kept.text === text && kept.format === format) {
    kept.version = version;
    return kept.table;
  }
  const table = parseTable(text, { format });
  tables.delete(key);
  tables.set(key, { text, version, format, table });
  // A Map iterates in insertion order: the first key is the one used longest ago.
  if (tables.size > KEPT) tables.delete(tables.keys().next().value!);
  return table;
}

function post(response: TableResponse): void {
  port!.postMessage(response);
}
