/** The shape every tabular parser returns. Offsets are UTF-16 offsets into the text that was parsed. */

/** A half-open range of the parsed text. */
export interface Span {
  /** Offset of the first character. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

/** One data row (or one JSON object). */
export interface Row extends Span {
  /** 0-based position among the table's rows. */
  index: number;
  /** 1-based line where the row starts. */
  line: number;
  /** 1-based line where the row ends (later than `line` when a quoted cell holds line breaks). */
  endLine: number;
  /**
   * Cell values by column name. A column the row has no cell for (a short CSV row, a JSON object without the key) is
   * absent, so it can be told from an empty cell. A null-prototype object (a column may be named `__proto__` or
   * `constructor`): read it with `Object.hasOwn`, never with `in` or a bare `cells[name]` on a copy.
   */
  cells: Record<string, string>;
  /**
   * Where each cell's source is: for CSV the field as written, quotes included; for JSON the value token (a string
   * with its quotes). `text.slice(span.start, span.end)` is the source. A line break inside a quoted cell makes the
   * span cover several lines. A null-prototype object, like `cells`.
   */
  spans: Record<string, CellSpan>;
}

/** Where a cell's source is. */
export interface CellSpan extends Span {
  /** True when the source is a quoted CSV field or a JSON string: the content is then `start + 1` to `end - 1`. */
  quoted?: boolean;
}

/** Something in the source that could not be read as it stands. */
export interface Problem {
  /** 1-based line it is on (for an unclosed quote: the line where the quote opened). */
  line: number;
  message: string;
  /**
   * True when nothing was lost: the row or file was read, with something worth saying (a repeated column name, a short
   * row). The CLI's exit status is 1 only for problems that lost rows.
   */
  caveat?: boolean;
}

/**
 * The tabular formats: `parseTable` reads the text ones; "xlsx" (an Excel workbook) is read from its bytes by
 * `readWorkbook` (xlsx.ts), whose rows' `line` is the spreadsheet row number and whose spans are empty.
 */
export type TableFormat = "csv" | "tsv" | "jsonl" | "json" | "xlsx";

/** A parsed table. */
export interface Table {
  format: TableFormat;
  /** Column names in source order: the CSV header row, or the JSON keys in the order they first appear. */
  columns: string[];
  rows: Row[];
  /** Rows or lines that were not read, or read with a caveat; each names its line. Never silently empty-handed. */
  problems: Problem[];
  /** The CSV field delimiter used (given or detected); "" for JSON formats. */
  delimiter: string;
  /** What was done without being a problem (delimiter detected, byte order mark skipped). */
  notes: string[];
  /**
   * Of `notes`, those a reader must be told even when not asking for details, once per file: how the rows were found
   * (the array read in a JSON object; survey header rows that are not data).
   */
  notices?: string[];
  /**
   * Each column's question text, where the file holds one apart from the column's id (a Qualtrics or SurveyMonkey
   * export's second header row). A Map: column names are data.
   */
  questions?: Map<string, string>;
}

/** How `parseTable` reads a text. */
export interface ParseOptions {
  format: TableFormat;
  /** CSV/TSV field delimiter; detected among `,` `;` and tab when absent (TSV: tab). */
  delimiter?: string;
  /**
   * JSON: the dotted path of the array whose objects are the rows, in a file holding a JSON object ("reviews",
   * "data.items"; through an array of objects, each one's: "places.reviews"). Absent: the largest array of objects.
   */
  records?: string;
}
