/**
 * The table worker's message handling, shared by its two shells: worker.ts (a worker_threads worker, desktop) and
 * src/web/tableWorker.ts (a Web Worker, VS Code for the Web). Parses CSV/TSV/JSON Lines/JSON arrays (and reads Excel
 * workbooks) off the extension host's main thread (a 15,000-row CSV takes about half a second) and sends the text
 * column's units back in slices.
 * Keeps the last table per key, so choosing the column and then scoring it parses the file once. No Node API here.
 */
import { LruCache } from "../../core/cache";
import { messageOf } from "../../core/errors";
import { compileRules } from "../../core/judge";
import { detectLanguage, type DetectedLanguage } from "../../core/language";
import { decodeTabular } from "../../core/sourceFiles";
import { lineStarts } from "../../core/lines";
import { decodeText, parseTable, type Table } from "../../core/tables";
import { rowUnits, summarizeTable } from "../../core/tables/units";
import { readWorkbook } from "../../core/tables/xlsx";
import type { ReadRequest, TableRequest, TableResponse, UnitSlice } from "./tableProtocol";
import { packFields, packReasons, packSlice, sliceTransfer } from "./rows";

/** What a shell gives the table server. */
export interface TableShell {
  /** Sends a response to the host, handing over `transfer`'s buffers (not copied). */
  post(response: TableResponse, transfer?: ArrayBuffer[]): void;
  /**
   * Reads a saved document's file (a `file` source) by its path. Absent where there is no file system (the web): a
   * `file` source is then refused with `needsText`, and the host sends the text.
   */
  readFile?: (path: string) => Uint8Array;
  /** Finds a text's language (tests give their own); default: core/language's detector. */
  detect?: (text: string) => DetectedLanguage | undefined;
  /** Characters the kept tables may hold (tests give a smaller one); default KEPT_TABLE_CHARS. */
  keptChars?: number;
}

/** Parsed tables kept (the documents being worked on). */
export const KEPT_TABLES = 4;
/**
 * Characters of text (a workbook: bytes) the kept tables may hold together; past it the table used longest ago is
 * dropped (its next read sends the text again). The table just read is kept whatever its size (one file's worth).
 */
export const KEPT_TABLE_CHARS = 64 * 2 ** 20;
/** Reads whose slices are still being sent at once; past it a read is refused with a message. */
export const MAX_SENDING = 64;
/** Languages remembered per text: at most these many texts, and these many characters of text in all. */
export const LANGUAGES_KEPT = 50_000;
export const LANGUAGES_KEPT_CHARS = 16 * 2 ** 20;

/** A table server: takes each request from the host; `held` says what it keeps (the tests of its bounds). */
export type TableServer = ((request: TableRequest) => void) & {
  held(): { tables: number; tableChars: number; sending: number; languages: number; languageChars: number };
};

/** One table server (one per thread): returns the function that takes each request from the host. */
export function serveTables({ post, readFile, detect: detector = detectLanguage, keptChars = KEPT_TABLE_CHARS }: TableShell): TableServer {
  /** Units per message: the host takes in one message per event-loop turn (as objects, 500 were 5-30 ms under load). */
  const SLICE = 200;

  /** Slices still to send, per request, each sent when the host asks for the next. */
  const sending = new Map<number, () => void>();

  interface Kept {
    text: string;
    version?: number;
    format: string;
    table: Table;
    /** Where the text's lines start, found when units are first sent. */
    lineStarts?: number[];
    /** What it counts against KEPT_TABLE_CHARS: its text's length, a workbook's bytes. */
    weight: number;
  }

  const tables = new Map<string, Kept>();

  /** Languages found per text: a table is read again on every edit, its rows' languages need not be. */
  const languages = new LruCache<string, DetectedLanguage | null>(LANGUAGES_KEPT, (text) => text.length, LANGUAGES_KEPT_CHARS);
  const detect = (text: string) => {
    const known = languages.get(text);
    if (known !== undefined) return known ?? undefined;
    const found = detector(text);
    languages.set(text, found ?? null);
    return found;
  };

  const receive = (request: TableRequest) => {
    if (request.type === "forget") {
      tables.delete(request.key);
      return;
    }
    if (request.type === "next") {
      sending.get(request.id)?.();
      return;
    }
    if (request.type === "languages") {
      try {
        post({ id: request.id, type: "languages", found: request.texts.map((text) => detect(text) ?? null) });
      } catch (error) {
        post({ id: request.id, type: "error", error: messageOf(error) });
      }
      return;
    }
    const fail = (error: unknown) =>
      post({ id: request.id, type: "error", error: messageOf(error), stale: error instanceof StaleError, needsText: error instanceof NeedsTextError });
    // A workbook is read from its bytes, asynchronously (core/tables/xlsx.ts); other requests are served meanwhile.
    if (sending.size >= MAX_SENDING) {
      fail(new Error(`the table reader is busy: ${sending.size} reads are being sent (at most ${MAX_SENDING}); try again when they are done`));
      return;
    }
    if (request.format === "xlsx" && "bytes" in request.source) {
      const { length } = request.source.bytes;
      readWorkbook(request.source.bytes, { sheet: request.sheet })
        .then((table) => read(request, keep(request, "", table, length)))
        .catch(fail);
      return;
    }
    try {
      read(request);
    } catch (error) {
      fail(error);
    }
  };

  function read(request: ReadRequest, workbook?: Kept): void {
    const kept = workbook ?? tableOf(request);
    const { table } = kept;
    const summary = summarizeTable(table);
    const present = request.column !== undefined && table.columns.includes(request.column);
    const missing = request.column !== undefined && !present ? request.column : undefined;
    const column = present ? request.column : request.fallback ? summary.suggested : undefined;
    if (column === undefined) {
      post({ id: request.id, type: "done", summary, missing, problems: table.problems });
      return;
    }
    const rules = compileRules({ ...request.rules, detect: request.rules?.language ? detect : undefined });
    const { units, lines, problems, notScored } = rowUnits(table, column, rules);
    const starts = (kept.lineStarts ??= lineStarts(kept.text));
    // The rows to score, then those not scored (their slices carry `why`): `next` counts over both.
    const total = units.length + notScored.units.length;
    let next = 0;
    const sendNext = () => {
      if (next >= total) {
        sending.delete(request.id);
        const fields = packFields(units);
        const notScoredFields = packFields(notScored.units);
        const transfer = [fields.bytes.buffer as ArrayBuffer, notScoredFields.bytes.buffer as ArrayBuffer];
        post({ id: request.id, type: "done", summary, column, missing, problems, fields, notScoredFields }, transfer);
        return;
      }
      let slice: UnitSlice;
      if (next < units.length) {
        const to = Math.min(next + SLICE, units.length);
        slice = packSlice(units, lines, starts, next, to);
        next = to;
      } else {
        const from = next - units.length;
        const to = Math.min(from + SLICE, notScored.units.length);
        slice = { ...packSlice(notScored.units, notScored.lines, starts, from, to), why: packReasons(notScored.reasons, from, to) };
        next = units.length + to;
      }
      post({ id: request.id, type: "units", slice }, sliceTransfer(slice));
    };
    sending.set(request.id, sendNext);
    sendNext();
  }

  /** Thrown when `reuse` names a text this worker does not hold (evicted, or the worker restarted). */
  class StaleError extends Error {}

  /** Thrown when a `file` source cannot stand for the document's text: the host sends the text instead. */
  class NeedsTextError extends Error {}

  /**
   * A saved document's text, read from its file. VS Code shows a file's UTF-8 text without its byte order mark and
   * keeps its line ends unless they are mixed (then it rewrites them all, which changes the length); any other encoding
   * may decode differently from the editor's, so only UTF-8 of exactly the document's length is taken.
   */
  function fileText(path: string, length: number): string {
    let bytes: Uint8Array;
    try {
      if (!readFile) throw new Error("this host has no file system: the text is sent instead");
      bytes = readFile(path);
    } catch (error) {
      throw new NeedsTextError(`cannot read ${path}: ${messageOf(error)}`);
    }
    const decoded = decodeText(bytes);
    if (decoded.encoding !== "utf-8" || decoded.text.length !== length) {
      throw new NeedsTextError(`${path} does not hold the document's text as UTF-8 (${decoded.encoding}, ${decoded.text.length} of ${length} characters)`);
    }
    return decoded.text;
  }

  function tableOf({ key, source, format, version }: ReadRequest): Kept {
    const kept = tables.get(key);
    if ("reuse" in source) {
      if (kept && kept.version === version && version !== undefined && kept.format === format) return kept;
      throw new StaleError(`no text of version ${version} kept for ${key}`);
    }
    // Bytes are decoded here, off the host's main thread (UTF-16, BOM, Windows-1252), then checked for NULs.
    const text = "text" in source ? source.text : "file" in source ? fileText(source.file, source.length) : decodeTabular(source.bytes).text;
    if (kept && kept.text === text && kept.format === format) {
      kept.version = version;
      return kept;
    }
    return keep({ key, version, format }, text, parseTable(text, { format }));
  }

  /** Keeps a parsed table for its key (a workbook's with no text), dropping the one used longest ago past KEPT. */
  function keep({ key, version, format }: Pick<ReadRequest, "key" | "version" | "format">, text: string, table: Table, weight = text.length): Kept {
    const parsed: Kept = { text, version, format, table, weight };
    tables.delete(key);
    tables.set(key, parsed);
    // A Map iterates in insertion order: the first key is the one used longest ago. The last one (this) stays.
    let held = 0;
    for (const kept of tables.values()) held += kept.weight;
    for (const [oldest, kept] of tables) {
      if (tables.size <= 1 || (tables.size <= KEPT_TABLES && held <= keptChars)) break;
      tables.delete(oldest);
      held -= kept.weight;
    }
    return parsed;
  }



  return Object.assign(receive, {
    held: () => ({ tables: tables.size, tableChars: [...tables.values()].reduce((sum, kept) => sum + kept.weight, 0), sending: sending.size, languages: languages.size, languageChars: languages.weight }),
  });
}
