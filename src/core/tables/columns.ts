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

/** A word: two or more letters, not part of a token with digits or underscores (`R_2YPOQ602ER1` is an id). */
const WORD = /(?<![\p{L}\p{N}_])\p{L}{2,}(?![\p{L}\p{N}_])/gu;

/** What joins the choices of a checkbox question in a cell (Google Forms: ", "; others: ";"). */
const CHOICES = /[,;]\s+/;

/** A cell that holds JSON (a nested array from a JSON file, a Qualtrics import id): not free text. */
const JSON_CELL = /^\s*[[{]/;

/** A cell that is only a link or an e-mail address (a profile URL, a photo's URI): its letters are no free text. */
const LINK_CELL = /^(?:(?:https?|ftp|mailto):\S*|www\.\S+|[^\s@]+@[^\s@]+\.\S+)$/i;

/**
 * Letters of scripts written without spaces (Chinese, Japanese): a sentence of them is one run of letters, so each two
 * count as a word, or a column of Japanese reviews would lose to one of URLs.
 */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/**
 * The column the text most likely is in, which the column quick pick preselects: the one with the most distinct free
 * text, counted as the words (runs of two or more letters) of its distinct values, so that ids, hashes, numbers and
 * timestamps lose to prose even when they are long, and a choice column's few canned answers count once (a checkbox
 * question's cells are cut at ", " first, so that each choice counts once however it is combined). A column in
 * which one value of four or more words fills more than half the cells, and three or more of them (an informed-consent
 * text, a canned choice), is never chosen while another column has words. Ties go to the longer mean length.
 * Undefined for a table without columns.
 */
export function chooseTextColumn(table: Table): string | undefined {
  const rows = table.rows.slice(0, SAMPLE_ROWS);
  let best: string | undefined;
  let bestRank = [-1, -1, -1];
  for (const column of table.columns) {
    const counts = new Map<string, number>();
    let filled = 0;
    let length = 0;
    for (const row of rows) {
      const value = Object.hasOwn(row.cells, column) ? row.cells[column].trim() : "";
      if (!value) continue;
      filled++;
      length += value.length;
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    let repeated = false;
    const parts = new Set<string>();
    for (const [value, count] of counts) {
      if (JSON_CELL.test(value) || LINK_CELL.test(value)) continue;
      if (count >= 3 && count * 2 > filled && (value.match(WORD)?.length ?? 0) >= 4) repeated = true;
      // A checkbox question's cells join its choices with ", ": each choice counts once, however it is combined.
      for (const part of value.split(CHOICES)) parts.add(part.trim().toLowerCase());
    }
    let words = 0;
    for (const part of parts) words += (part.match(WORD)?.length ?? 0) + Math.floor((part.match(UNSPACED)?.length ?? 0) / 2);
    // Compared in order: not a repeated text, distinct words, total length.
    const rank = [repeated ? 0 : 1, words, length];
    const better = rank[0] !== bestRank[0] ? rank[0] > bestRank[0] : rank[1] !== bestRank[1] ? rank[1] > bestRank[1] : rank[2] > bestRank[2];
    if (better) {
      best = column;
      bestRank = rank;
    }
  }
  return best;
}

/**
 * The columns a name given by a person stands for: the column with that id, else those whose question text (a survey
 * export's, see Table.questions) is that text, compared without case and runs of white space. Empty when none.
 */
export function columnsNamed(table: Table, name: string): string[] {
  if (table.columns.includes(name)) return [name];
  const wanted = name.replace(/\s+/g, " ").trim().toLowerCase();
  if (wanted === "" || !table.questions) return [];
  return table.columns.filter((column) => table.questions?.get(column)?.toLowerCase() === wanted);
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
    const value = Object.hasOwn(row.cells, column) ? row.cells[column].trim() : "";
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
