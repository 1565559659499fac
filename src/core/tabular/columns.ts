/** Choosing the text column and turning its cells into scoreable units. */
import type { Span, Table } from "./table";

/** One cell of the text column, to be scored as one item. */
export interface TextUnit extends Span {
  /** The cell's value (unescaped: CSV `""` and JSON escapes resolved); what the model reads. */
  text: string;
  /** Index of the row in `table.rows`. */
  row: number;
  /** 1-based first and last line of the cell's source. */
  line: number;
  endLine: number;
}

/** The text column named does not exist. `columns` lists the ones there are. */
export class MissingColumnError extends Error {
  constructor(
    readonly column: string,
    readonly columns: readonly string[],
  ) {
    super(
      columns.length === 0
        ? `Column "${column}" does not exist: the file has no columns.`
        : `Column "${column}" does not exist; the columns are ${columns.map((c) => `"${c}"`).join(", ")}.`,
    );
    this.name = "MissingColumnError";
  }
}

/** Rows looked at to choose a column or take samples: enough to be representative, cheap on any file. */
const SAMPLE_ROWS = 1000;

const WORD = /\p{L}{2,}/gu;

/**
 * The column the text most likely is in, which the column quick pick preselects: the one with the most words per row
 * on average (runs of two or more letters), so that ids, hashes, numbers and timestamps lose to prose even when they
 * are long; ties go to the longer mean length. Undefined for a table without columns.
 */
export function chooseTextColumn(table: Table): string | undefined {
  const rows = table.rows.slice(0, SAMPLE_ROWS);
  let best: string | undefined;
  let bestWords = -1;
  let bestLength = -1;
  for (const column of table.columns) {
    let words = 0;
    let length = 0;
    for (const row of rows) {
      const value = row.cells[column];
      if (!value) continue;
      length += value.length;
      words += value.match(WORD)?.length ?? 0;
    }
    if (words > bestWords || (words === bestWords && length > bestLength)) {
      best = column;
      bestWords = words;
      bestLength = length;
    }
  }
  return best;
}

/**
 * Up to `n` distinct non-empty values of a column, in row order, each cut to `maxLength` characters with an ellipsis
 * and its line breaks shown as spaces: what the quick pick shows beside a column's name.
 */
export function sampleValues(table: Table, column: string, n = 3, maxLength = 80): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const row of table.rows) {
    if (out.length >= n) break;
    const value = row.cells[column]?.trim();
    if (!value || seen.has(value)) continue;
    seen.add(value);
    const flat = value.replace(/\s+/g, " ");
    out.push(flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat);
  }
  return out;
}

/**
 * The text column's cells as units, in row order: `units` the non-empty ones, `empty` the rows with nothing to score
 * (an empty or blank cell, or no cell at all: `absent`), which a report lists as not scored. `start`/`end` span the
 * cell's content in the source (inside the quotes of a quoted CSV field or a JSON string), so decorations and hovers
 * land on the text's own lines; a row without the cell is placed at the row's end. Throws `MissingColumnError` when the
 * column does not exist.
 */
export function textUnits(table: Table, column: string): { units: TextUnit[]; empty: (TextUnit & { absent?: true })[] } {
  if (!table.columns.includes(column)) throw new MissingColumnError(column, table.columns);
  const units: TextUnit[] = [];
  const empty: (TextUnit & { absent?: true })[] = [];
  for (const row of table.rows) {
    const text = row.cells[column];
    const span = row.spans[column];
    if (text === undefined || !span) {
      empty.push({ start: row.end, end: row.end, text: "", row: row.index, line: row.line, endLine: row.endLine, absent: true });
      continue;
    }
    let { start, end } = span;
    if (span.quoted) {
      start++;
      end--;
    }
    (text.trim() === "" ? empty : units).push({ start, end, text, row: row.index, line: row.line, endLine: row.endLine });
  }
  return { units, empty };
}
