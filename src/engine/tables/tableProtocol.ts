/** Messages between the host and the table worker (src/engine/node/tableWorker.ts). */
import type { RuleSettings } from "../../core/judge";
import type { DetectedLanguage } from "../../core/language";
import type { Problem, TableFormat } from "../../core/tables";
import type { TableSummary } from "../../core/tables/units";

/** Reads a tabular text: its summary always, and the units of the text column when one is given (or `fallback`). */
export interface ReadRequest {
  id: number;
  type: "read";
  /** Which document or file (its uri): the worker keeps the last parsed table per key while its text is unchanged. */
  key: string;
  /**
   * The text (an open document's), or the file's bytes, decoded in the worker; or `reuse`: the text of `version` sent
   * before for this key (a document's text is megabytes: it is not sent twice when the column pick is followed by
   * the analysis); or `file`: a saved document's path, read by the worker itself, so the host neither builds nor
   * copies its text. The worker refuses a file (`needsText`) unless its bytes decode as UTF-8 to exactly `length`
   * characters, the document's length: then the host sends the text.
   */
  source: { text: string } | { bytes: Uint8Array } | { reuse: true } | { file: string; length: number };
  /** The document version the text is from, if any. */
  version?: number;
  format: TableFormat;
  /** The text column; when absent only the summary comes back (unless `fallback`). */
  column?: string;
  /** Use the suggested column when `column` is absent or not in the table. */
  fallback?: boolean;
  /**
   * Which rows are not answers (core/judge.ts; `language`: the worker detects each row's language, off the host's main
   * thread). Absent: only empty cells are left out.
   */
  rules?: RuleSettings;
  /** An Excel workbook's sheet (format "xlsx", from `bytes`): its name or 1-based position; the first when absent. */
  sheet?: string;
}

export type TableRequest =
  | ReadRequest
  | { id: number; type: "forget"; key: string }
  /** The host took in a slice of units: the next one may come (one at a time, see TableResponse "units"). */
  | { id: number; type: "next" }
  /**
   * The language of each text (a prose document's paragraphs): found here, off the host's main thread, where the
   * detector's tables are loaded once (tens of megabytes, most of a second) and the languages kept per text.
   */
  | { id: number; type: "languages"; texts: string[] };

/**
 * A slice of the text column's units (kind "row"), in columns: a few strings and typed arrays instead of one object
 * per unit and one string per field. As objects, 15,000 rows held the host for 50-80 ms (their decoding, then the
 * collector copying them all: every one survives). Unit k of the slice is `starts[k]`..`ends[k]`.
 */
export interface UnitSlice {
  /** UTF-16 offsets of each unit's first character and just past its last. */
  starts: Uint32Array;
  ends: Uint32Array;
  /**
   * What the model reads, each unit's cell content (a quoted CSV field unescaped, a JSON string decoded), written one
   * after the other, as UTF-8 (`utf8`, its buffer transferred): the host decodes each unit's text into a string of its
   * own, one byte per character unless the text needs two. Slices of one joined string took two bytes per character
   * for every row once a single row of the slice held an emoji: 3.0 MB instead of 1.6 for the 14,640 airline tweets,
   * kept as long as their scores are cached. Texts that are not well-formed UTF-16 (a lone surrogate, which UTF-8
   * cannot carry) come as one `string` instead. Unit k's text is bytes (or characters) `textEnds[k - 1] ?? 0` to
   * `textEnds[k]`.
   */
  texts: { utf8: Uint8Array<ArrayBuffer> } | { string: string };
  textEnds: Uint32Array;
  /** 1-based first and last line of each unit's row, two entries per unit. */
  lines: Uint32Array;
  /**
   * Where each unit is, as the editor counts (CRLF, LF and lone CR end a line): 0-based line and UTF-16 character of
   * its start, then of its end; four entries per unit. The host paints from these without asking the document.
   */
  positions: Uint32Array;
  /** Present on the slices of rows that are not scored (sent after those to score): why, per unit. */
  why?: SliceReasons;
}

/**
 * Why each unit of a slice is not scored, in columns: `reasons[k]` indexes NOT_SCORED_REASONS (rows.ts); `details[k]`
 * is 0 for none, else 1 + an index into `names` (a slice of 200 `NA` rows holds the string "NA" once).
 */
export interface SliceReasons {
  reasons: Uint8Array;
  details: Uint16Array;
  names: string[];
}

/**
 * The fields of every unit of a read (the row's other columns, those it has a cell for), each unit's as one JSON
 * object in UTF-8, written one after the other: unit k's is `bytes.subarray(ends[k - 1] ?? 0, ends[k])`. Sent once,
 * with "done", its buffer transferred: the host takes it in without copying (posted as one string of 6 million
 * characters, it held the host for ~60 ms; thousands of small strings, for their decoding and each scavenge's copying).
 * The host decodes a row's fields only when they are shown (a hover, a report, the panel's feed).
 */
export interface FieldsText {
  bytes: Uint8Array<ArrayBuffer>;
  ends: Uint32Array;
}

export type TableResponse =
  /**
   * A slice of the units, in order. The next slice is sent only when the host asks ("next"): Node hands a port's
   * queued messages to the host in one event-loop turn, so slices sent all at once held it for ~90 ms.
   */
  | { id: number; type: "units"; slice: UnitSlice }
  | {
      id: number;
      type: "done";
      summary: TableSummary;
      /** The column whose cells the units are; absent when no units were made. */
      column?: string;
      /** The units' fields, when units were made. */
      fields?: FieldsText;
      /** The fields of the rows not scored (the slices with `why`), in their order. */
      notScoredFields?: FieldsText;
      /** The column asked for when it is not in the table. */
      missing?: string;
      /** What could not be read, by line. */
      problems: Problem[];
    }
  /** The languages of a "languages" request's texts, in order; null where the detector cannot tell. */
  | { id: number; type: "languages"; found: (DetectedLanguage | null)[] }
  | {
      id: number;
      type: "error";
      error: string;
      /** `reuse` asked for a text the worker no longer holds. */
      stale?: boolean;
      /** `file` could not stand for the document's text (not UTF-8, another length, unreadable): send the text. */
      needsText?: boolean;
    };

/** The table worker's requests by method, with what each answers (engine/channel.ts types the client's calls with it). */
export type TableMethods = {
  /** Answered by "done" after the "units" slices (parts) of the read. */
  read: { params: Omit<ReadRequest, "id" | "type">; result: Extract<TableResponse, { type: "done" }> };
  languages: { params: { texts: string[] }; result: (DetectedLanguage | null)[] };
};
