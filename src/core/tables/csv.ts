/**
 * CSV and TSV (RFC 4180, as spreadsheets write it) with exact offsets. Papa Parse splits the text into records (quoted
 * delimiters and line breaks, `""` escapes, line-ending detection) and reports where each record ends; the fields'
 * own offsets are then found by walking that one record, which is unambiguous once the library has bounded it.
 */
import Papa from "papaparse";
import { lineAt, lineStarts } from "../lines";
import type { CellSpan, Problem, Row, Table } from "./table";

/** Delimiters tried when none is given, in Papa Parse's order of preference on a tie. */
export const DELIMITER_CANDIDATES: readonly string[] = [",", ";", "\t"];

/** How many unclosed quotes are stepped over before the rest of the file is given up on (each costs a re-parse). */
const MAX_RECOVERIES = 50;

const QUOTE = 0x22;

/**
 * Picks the delimiter among `,` `;` and tab that splits the first rows into the most consistent number of fields,
 * quotes respected (Papa Parse's guess over its first rows). Falls back to `,` when nothing splits the header.
 */
export function detectDelimiter(text: string): string {
  const result = Papa.parse<string[]>(text, { preview: 10, skipEmptyLines: true, delimitersToGuess: [...DELIMITER_CANDIDATES] });
  return DELIMITER_CANDIDATES.includes(result.meta.delimiter) ? result.meta.delimiter : ",";
}

/**
 * Parses delimited text whose first row is the header. Rows whose field count differs from the header's are kept (a
 * short row lacks the missing cells; a long row's extra fields are dropped) and named in `problems`. A quoted field
 * that never closes (or closes in the middle of a field) makes its row unreadable: the problem names the line where
 * the quote opened, and reading resumes on the next line, so every row before and after it is kept.
 */
export function parseDelimited(text: string, format: "csv" | "tsv", delimiter?: string): Table {
  const notes: string[] = [];
  const problems: Problem[] = [];
  const rows: Row[] = [];
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (bom) notes.push("Byte order mark at the start skipped.");
  const body = bom ? text.slice(1) : text;
  let used = delimiter;
  if (!used) {
    if (format === "tsv") used = "\t";
    else {
      used = detectDelimiter(body);
      notes.push(`Delimiter detected: ${used === "\t" ? "tab" : `"${used}"`}.`);
    }
  }
  const newline = lineEnding(body);
  const starts = lineStarts(text);
  const lineOf = (offset: number) => lineAt(starts, offset) + 1;
  let columns: string[] | undefined;

  const addRow = (values: string[], start: number, end: number) => {
    const line = lineOf(start);
    if (!columns) {
      columns = headerNames(values, line, problems);
      return;
    }
    const fields = cellSpans(text, start, end, used);
    // Null-prototype: a header may name a column `__proto__` or `constructor`.
    const cells: Record<string, string> = Object.create(null);
    const spans: Record<string, CellSpan> = Object.create(null);
    const n = Math.min(values.length, columns.length);
    for (let c = 0; c < n; c++) {
      cells[columns[c]] = values[c];
      spans[columns[c]] = fields.length === values.length * 2 ? fieldSpan(text, fields[c * 2], fields[c * 2 + 1]) : { start, end };
    }
    if (values.length < columns.length) {
      const missing = columns.slice(values.length);
      problems.push({
        line,
        message: `Line ${line}: ${values.length} field${values.length === 1 ? "" : "s"} where the header has ${columns.length}; no cell for ${missing.map((m) => `"${m}"`).join(", ")}.`,
        caveat: true,
      });
    } else if (values.length > columns.length) {
      problems.push({
        line,
        message: `Line ${line}: ${values.length} fields where the header has ${columns.length}; the ${values.length - columns.length} extra ignored (an unquoted delimiter inside a cell?).`,
      });
    }
    rows.push({ index: rows.length, line, endLine: lineOf(end), start, end, cells, spans });
  };

  let from = bom;
  for (let recoveries = 0; from < text.length; recoveries++) {
    const part = from === 0 ? text : text.slice(from);
    let previous = 0;
    let resume = -1;
    Papa.parse<string[]>(part, {
      delimiter: used,
      newline,
      quoteChar: '"',
      escapeChar: '"',
      skipEmptyLines: false,
      step(result, parser) {
        const start = from + previous;
        const withBreak = from + result.meta.cursor;
        previous = result.meta.cursor;
        const quoteError = result.errors.find((e) => e.type === "Quotes");
        if (quoteError) {
          const near = from + Math.min(Math.max((quoteError.index ?? 0), 0), part.length - 1);
          const quoteAt = Math.max(text.lastIndexOf('"', near), start);
          const line = lineOf(quoteAt);
          const next = line < starts.length ? starts[line] : text.length;
          problems.push({
            line,
            message:
              quoteError.code === "MissingQuotes"
                ? `Line ${line}: a quoted field opens here and is never closed; the row could not be read, reading resumes on line ${line + 1}.`
                : `Line ${line}: a quoted field opens here and its closing quote is followed by more text (a quote left unescaped or unclosed?); the row could not be read, reading resumes on line ${line + 1}.`,
          });
          resume = next;
          parser.abort();
          return;
        }
        const values = result.data;
        if (values.length === 1 && values[0] === "") return; // an empty line
        // The record ends before the line ending Papa Parse consumed (none at the end of the file).
        let end = withBreak;
        if (withBreak - start >= newline.length && text.startsWith(newline, withBreak - newline.length)) end -= newline.length;
        if (newline === "\n" && end < withBreak && end > start && text.charCodeAt(end - 1) === 0x0d) {
          end--;
          // Papa Parse picks one line ending for the file; with "\n" a CRLF row's last value keeps the "\r".
          const last = values.length - 1;
          if (values[last].endsWith("\r")) values[last] = values[last].slice(0, -1);
        }
        addRow(values, start, end);
      },
    });
    if (resume < 0) break;
    if (recoveries >= MAX_RECOVERIES) {
      const line = lineOf(resume);
      problems.push({ line, message: `Line ${line}: too many unclosed quotes; lines from here on were not read.` });
      break;
    }
    from = resume;
  }
  return { format, columns: columns ?? [], rows, problems, delimiter: used, notes };
}

/**
 * The line ending of the first line, which Papa Parse uses for the whole file. Given rather than guessed by the library,
 * whose guess copies the first megabyte and strips its quoted parts: most of its parse time on a tweet-sized file.
 */
function lineEnding(text: string): "\r\n" | "\n" | "\r" {
  const at = text.search(/[\r\n]/);
  if (at < 0 || text[at] === "\n") return "\n";
  return text[at + 1] === "\n" ? "\r\n" : "\r";
}

/**
 * Header cells as column names: trimmed, blanks named by `blank` (by position: "column 3"; a workbook by its letter),
 * duplicates numbered (each a problem that loses nothing). Shared by the CSV and the workbook readers.
 */
export function headerNames(values: string[], line: number, problems: Problem[], blank = (i: number) => `column ${i + 1}`): string[] {
  const seen = new Set<string>();
  return values.map((raw, i) => {
    let name = raw.trim() || blank(i);
    if (seen.has(name)) {
      let k = 2;
      while (seen.has(`${name} (${k})`)) k++;
      problems.push({ line, message: `Line ${line}: column "${name}" appears twice; the later one is read as "${name} (${k})".`, caveat: true });
      name = `${name} (${k})`;
    }
    seen.add(name);
    return name;
  });
}

function fieldSpan(text: string, start: number, end: number): CellSpan {
  const quoted = end - start >= 2 && text.charCodeAt(start) === QUOTE && text.charCodeAt(end - 1) === QUOTE;
  return quoted ? { start, end, quoted } : { start, end };
}

/**
 * Field boundaries of one record [start, end) as flat pairs: a field that opens with a quote runs to its closing quote
 * (`""` stays inside), then to the next delimiter. Every search stops at `end`: an `indexOf` from the field would run on
 * past the record to the next delimiter of the file, which in a one-column file is never (a scan to the end of the
 * file per row: quadratic, 13 s for 6 MB).
 */
export function cellSpans(text: string, start: number, end: number, delimiter: string): number[] {
  const out: number[] = [];
  const first = delimiter.charCodeAt(0);
  let i = start;
  for (;;) {
    const fieldStart = i;
    if (i < end && text.charCodeAt(i) === QUOTE) {
      i++;
      while (i < end) {
        if (text.charCodeAt(i) !== QUOTE) i++;
        else if (i + 1 < end && text.charCodeAt(i + 1) === QUOTE) i += 2;
        else {
          i++;
          break;
        }
      }
    }
    let fieldEnd = end;
    for (let j = i; j < end; j++) {
      if (text.charCodeAt(j) === first && (delimiter.length === 1 || text.startsWith(delimiter, j))) {
        fieldEnd = j;
        break;
      }
    }
    out.push(fieldStart, fieldEnd);
    if (fieldEnd >= end) return out;
    i = fieldEnd + delimiter.length;
  }
}
