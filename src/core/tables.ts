/**
 * Tabular sources (CSV, TSV, JSON Lines, JSON arrays of objects or objects holding them): text in, rows with exact offsets out. Pure: no
 * `vscode`, no file system, no `node:` import, so the extension host, the CLI and a web worker share it. Callers read
 * the file, `decodeText` its bytes, `parseTable` the text, then `textUnits` the chosen column.
 */
import { parseDelimited } from "./tables/csv";
import { parseJsonDocument, parseJsonLines } from "./tables/json";
import { recogniseSurvey } from "./tables/survey";
import type { ParseOptions, Table, TableFormat } from "./tables/table";
import { TABLE_EXTENSIONS } from "./fileKinds";

export { decodeText, decodeWindows1252, type DecodedText, type TextEncodingName } from "./tables/decode";
export { detectDelimiter, DELIMITER_CANDIDATES } from "./tables/csv";
export { chooseTextColumn, columnsNamed, sampleValues, textUnits, MissingColumnError, type TextUnit } from "./tables/columns";
export type { CellSpan, ParseOptions, Problem, Row, Span, Table, TableFormat } from "./tables/table";

/**
 * Parses a tabular text. Survey exports' extra header rows (Qualtrics, SurveyMonkey) are recognised and kept out of
 * the rows, their question text in `questions`. Never throws on bad input: what could not be read is in `problems`, each naming its line,
 * and every readable row is in `rows`. A text with no header row (or no JSON objects) gives no columns and a problem.
 */
export function parseTable(text: string, options: ParseOptions): Table {
  if (options.format === "xlsx") {
    const problems = [{ line: 1, message: "Line 1: an Excel workbook is read from its bytes (readWorkbook), not from text." }];
    return { format: "xlsx", columns: [], rows: [], problems, delimiter: "", notes: [] };
  }
  const table =
    options.format === "jsonl"
      ? parseJsonLines(text)
      : options.format === "json"
        ? parseJsonDocument(text, options.records)
        : recogniseSurvey(parseDelimited(text, options.format, options.delimiter));
  if (table.columns.length === 0 && !table.problems.some((p) => p.line === 1)) {
    table.problems.push({ line: 1, message: "Line 1: the file holds no header row or objects; nothing to read." });
  }
  return table;
}

/** The tabular format a file name implies, or undefined: `.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`, `.json`, `.xlsx`. */
export function tableFormatOf(path: string): TableFormat | undefined {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext !== undefined && Object.hasOwn(TABLE_EXTENSIONS, ext) ? TABLE_EXTENSIONS[ext] : undefined;
}
