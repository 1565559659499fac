/**
 * Excel workbooks (`.xlsx`): one sheet as a `Table`, so units, groups, themes and reports work on it as on a CSV file.
 * Pure (bytes in, no `node:`, no `vscode`): the CLI, the table worker and its Web Worker shell share it.
 *
 * The sheet is read with read-excel-file (maintained, no native code, runs in Node and in a web worker; docs/XLSX.md
 * says why this one). A workbook has no text offsets: a row's `line` and `endLine` are its spreadsheet row number (what
 * Excel shows at the left, so "line 12" in a report is row 12 of the sheet), and every span is empty (`0`-`0`).
 */
import { readSheet } from "read-excel-file/universal";
import { messageOf } from "../errors";
import { headerNames } from "./csv";
import { chooseSheet, listSheets, sheetNames, WorkbookError } from "./sheets";
import { recogniseSurvey } from "./survey";
import type { CellSpan, Problem, Row, Table } from "./table";

export { sheetNames, WorkbookError };

/** How a workbook is read. */
export interface WorkbookOptions {
  /** The sheet: its name (exact, else ignoring case), or its 1-based position; the first sheet when absent. */
  sheet?: string;
}

/** The empty span every workbook cell has: there is no text to point into. */
const NO_SPAN: CellSpan = { start: 0, end: 0 };

/**
 * Reads one sheet of a workbook: its first non-empty row is the header, every later non-empty row is a data row.
 * Throws WorkbookError when the file is no readable workbook or has no such sheet; never returns a partial sheet.
 */
export async function readWorkbook(bytes: Uint8Array, options: WorkbookOptions = {}): Promise<Table> {
  const sheets = sheetNames(bytes);
  const sheet = options.sheet === undefined ? undefined : chooseSheet(options.sheet, sheets);
  let data: unknown[][];
  try {
    // A copy of exactly the file's bytes: `bytes` may be a view into a larger (pooled) buffer, and a Node Buffer's
    // slice() is a view too. trim: false keeps a cell's text as written (CSV cells are not trimmed either).
    data = await readSheet(new Uint8Array(bytes).buffer, sheet ?? 1, { trim: false });
  } catch (error) {
    throw new WorkbookError(reasonOf(error, sheets));
  }
  // Qualtrics and SurveyMonkey download workbooks with the same header rows as their CSV files.
  return recogniseSurvey(sheetTable(data, sheet ?? sheets[0], sheets));
}

/** Why read-excel-file refused a file, in words that follow the file's name. */
function reasonOf(error: unknown, sheets: readonly string[]): string {
  const { name, code } = (error ?? {}) as { name?: string; code?: string };
  if (name === "InvalidInputError") {
    if (code === "XLS_FILE_NOT_SUPPORTED") {
      // An encrypted .xlsx is an OLE compound file, like an .xls: the two cannot be told apart without a password.
      return "a password-protected workbook or an Excel 97-2003 (.xls) file; neither can be read: save it in Excel as an .xlsx workbook without a password";
    }
    if (code === "NO_DATA") return "an empty file (0 bytes), not an Excel workbook";
    if (code === "INVALID_ZIP") return "not a readable Excel workbook: its zip archive is damaged";
    return "not an Excel workbook (.xlsx): it is not a zip archive";
  }
  if (name === "SheetNotFoundError") {
    const names = (error as { sheets?: string[] }).sheets ?? sheets;
    return names.length === 0 ? "a workbook without sheets" : `no sheet "${String((error as { sheet?: unknown }).sheet)}" in the workbook; its sheets are ${listSheets(names)}`;
  }
  if (name === "InvalidSpreadsheetError") return `not a readable Excel workbook: ${messageOf(error)}`;
  return `not readable as an Excel workbook: ${messageOf(error)}`;
}

/** A cell as text: what Excel shows for it, as far as a value says (dates as ISO 8601, booleans TRUE / FALSE). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  // Excel shows at most 15 significant digits: 0.1 + 0.2 is stored as 0.30000000000000004 and shown as 0.3.
  if (typeof value === "number") return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return dateText(value);
  return String(value);
}

/**
 * A date cell: `2024-03-01`, `2024-03-01 14:05:09`; a time of day alone as `14:05:00`. Rounded to the second as Excel
 * and Google Sheets show it (Sheets stores milliseconds: 09:50:29.877 is shown, and exported as CSV, as 9:50:30).
 */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) return "";
  const iso = new Date(Math.round(date.getTime() / 1000) * 1000).toISOString();
  const day = iso.slice(0, 10);
  // Always with seconds, so a column of timestamps reads alike whichever fall on a whole minute.
  const time = iso.slice(11, 19);
  // Excel's day 0 (1899-12-30; 12-31 in some writers) holds times of day without a date.
  if (day === "1899-12-30" || day === "1899-12-31") return time;
  return iso.slice(11, 19) === "00:00:00" ? day : `${day} ${time}`;
}

/** Column letters of a 0-based index: 0 -> A, 27 -> AB. */
function columnLetters(index: number): string {
  let letters = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** The rows (`data[i]` is spreadsheet row i + 1) as a Table. */
function sheetTable(data: unknown[][], sheet: string | undefined, sheets: readonly string[]): Table {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const texts = data.map((row) => row.map(cellText));
  const blank = (cells: string[]) => cells.every((cell) => cell.trim() === "");
  const header = texts.findIndex((cells) => !blank(cells));
  if (sheet !== undefined) {
    const others = sheets.filter((name) => name !== sheet);
    notes.push(`Sheet "${sheet}" read${others.length ? `; the workbook's other sheet${others.length === 1 ? " is" : "s are"} ${listSheets(others)}` : ""}.`);
  }
  if (header < 0) {
    problems.push({ line: 1, message: `Line 1: the sheet${sheet === undefined ? "" : ` "${sheet}"`} is empty; nothing to read.` });
    return { format: "xlsx", columns: [], rows: [], problems, delimiter: "", notes };
  }
  if (header > 0) notes.push(`Header in row ${header + 1} (the rows above it are empty).`);
  const columns = headerNames(texts[header], header + 1, problems, (i) => `column ${columnLetters(i)}`);
  const rows: Row[] = [];
  const skipped: number[] = [];
  for (let i = header + 1; i < texts.length; i++) {
    if (blank(texts[i])) {
      skipped.push(i + 1);
      continue;
    }
    // Null-prototype: a header cell may read "__proto__" or "constructor".
    const cells: Record<string, string> = Object.create(null);
    const spans: Record<string, CellSpan> = Object.create(null);
    columns.forEach((column, c) => {
      cells[column] = texts[i][c] ?? "";
      spans[column] = NO_SPAN;
    });
    rows.push({ index: rows.length, line: i + 1, endLine: i + 1, start: 0, end: 0, cells, spans });
  }
  if (skipped.length) {
    const shown = skipped.slice(0, 5).join(", ") + (skipped.length > 5 ? ", ..." : "");
    notes.push(`${skipped.length} empty row${skipped.length === 1 ? "" : "s"} between the data skipped (row${skipped.length === 1 ? "" : "s"} ${shown}).`);
  }
  return { format: "xlsx", columns, rows, problems, delimiter: "", notes };
}

