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

const tables = new Map<string, { text: string; format: string; table: Table }>();

port.on("message", (request: TableRequest) => {
  if (request.type === "forget") {
    tables.delete(request.key);
    return;
  }
  try {
    read(request);
  } catch (error) {
    post({ id: request.id, type: "error", error: messageOf(error) });
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
  for (let i = 0; i < units.length; i += SLICE) {
    post({ id: request.id, type: "units", units: units.slice(i, i + SLICE), lines: lines.slice(i * 2, (i + SLICE) * 2) });
  }
  post({ id: request.id, type: "done", summary, column, missing, problems });
}

function tableOf({ key, source, format }: ReadRequest): Table {
  // Bytes are decoded here, off the host's main thread (UTF-16, BOM, Windows-1252), then checked for NULs.
  const text = "text" in source ? source.text : decodeTabular(source.bytes);
  const kept = tables.get(key);
  if (kept && kept.text === text && kept.format === format) return kept.table;
  const table = parseTable(text, { format });
  tables.delete(key);
  tables.set(key, { text, format, table });
  // A Map iterates in insertion order: the first key is the one used longest ago.
  if (tables.size > KEPT) tables.delete(tables.keys().next().value!);
  return table;
}

function post(response: TableResponse): void {
  port!.postMessage(response);
}
