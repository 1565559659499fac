/**
 * The summary: what the summary panel shows and a report holds (a document's or a folder run's scored units as rows,
 * and those not scored), plain data posted to the webview as JSON. No `vscode` import.
 */
import type { NotScoredReason } from "../notScored";
import type { Polarity, ScoredUnit } from "../types";

export interface SummaryUnit {
  /** 1-based first and last line of the unit in its file. */
  startLine: number;
  endLine: number;
  /** The unit's text, shown as text (never as HTML) in the page. */
  text: string;
  label: string;
  score: number;
  polarity: Polarity;
  probabilities: Record<string, number>;
  /**
   * Its sentences disagree: one reads negative and another positive, each at least the mixed threshold's confidence
   * (core/mixed.ts). Reports then say "mixed" as its polarity; counts, groups and themes keep `polarity`.
   */
  mixed?: true;
  /** A tabular source's row: its other columns (group by them, show them). */
  fields?: Record<string, string>;
  /**
   * On the host only, in place of `fields`: the same as JSON text (a table row's, as the table worker sent it), which
   * the panel's feed writes into the page's JSON as it is (panel/wire.ts), so 15,000 rows' fields are never objects on
   * the host. The page always receives `fields`.
   */
  fieldsJson?: string;
}

/**
 * A scored unit as a row of the panel and of reports: its 1-based lines, its text and scores, and a table row's other
 * columns (`row`: parsed, or as JSON text on the host). The one mapping, for the editor's results and the CLI alike.
 */
export function summaryUnitOf(
  scored: Pick<ScoredUnit, "text" | "label" | "score" | "polarity" | "probabilities">,
  lines: { startLine: number; endLine: number },
  row?: { fields: Record<string, string> } | { fieldsJson: string },
): SummaryUnit {
  const { text, label, score, polarity, probabilities } = scored;
  return { startLine: lines.startLine, endLine: lines.endLine, text, label, score, polarity, probabilities, ...row };
}

/** A unit that was not scored (a table's row, a paragraph), with the reason: listed, counted apart, never scored. */
export interface SummaryNotScored {
  /** 1-based first and last line of the unit in its file. */
  startLine: number;
  endLine: number;
  /** The unit's text as it is (the marker, the non-answer; "" for an empty cell). */
  text: string;
  reason: NotScoredReason;
  /** The marker or non-answer matched, or the language found. */
  detail?: string;
  /** A tabular source's row: its other columns. */
  fields?: Record<string, string>;
  /** On the host only, in place of `fields`: the same as JSON text (see SummaryUnit). */
  fieldsJson?: string;
}

export interface SummaryFile {
  /** `vscode.Uri.toString()` of the file; the page sends it back in reveal requests. */
  uri: string;
  /** Path shown to the user (workspace-relative where possible). */
  name: string;
  units: SummaryUnit[];
  /** A tabular source: its columns, and the one whose cells were scored. */
  columns?: string[];
  textColumn?: string;
  /** Rows or lines that could not be read, each named by its 1-based line: listed, never dropped silently. */
  problems?: { line: number; message: string }[];
  /**
   * The units not scored, each with its reason, in document order (every row of a table is in `units` or here). Kept
   * out of every count, share, mean, group, theme and arc.
   */
  notScored?: SummaryNotScored[];
}

export interface SummaryModel {
  /** "document": the active document's results; "folder": an Analyze Folder run, grouped by file. */
  kind: "document" | "folder";
  title: string;
  /** Which model scored these results, as shown to the user. */
  model: string;
  files: SummaryFile[];
  /** True while only part of the document (e.g. the visible units) has been scored; the page says so. */
  partial?: boolean;
  /** The labelMap setting: how label names that do not say their polarity read. */
  labelMap?: Record<string, Polarity>;
}

/**
 * A SummaryModel whose units are made when asked for, one at a time: the panel's feed writes each into the page's JSON
 * as it is made (panel/wire.ts), so a 15,000-row table is never held on the host as 15,000 SummaryUnit objects with their
 * fields' JSON text across the many event-loop turns the writing takes (they outlived the young generation's
 * collections, which then copied them all: 50-100 ms pauses).
 */
export interface SummaryFeed extends Omit<SummaryModel, "files"> {
  files: SummaryFileFeed[];
}

export interface SummaryFileFeed extends Omit<SummaryFile, "units" | "notScored"> {
  /** How many units the file has. */
  count: number;
  /** Unit `i` (0 <= i < count), made anew on each call. */
  unit(i: number): SummaryUnit;
  /** How many units were not scored (10,000 `NA` rows are written a few at a time too). */
  notScoredCount?: number;
  /** Not-scored unit `i` (0 <= i < notScoredCount), made anew on each call. */
  notScoredUnit?(i: number): SummaryNotScored;
}

/** A model already built (a folder run's, a test's), as a feed. */
export function feedOf(model: SummaryModel): SummaryFeed {
  return {
    ...model,
    files: model.files.map(({ units, notScored, ...file }) => ({
      ...file,
      count: units.length,
      unit: (i) => units[i],
      ...(notScored?.length && { notScoredCount: notScored.length, notScoredUnit: (i: number) => notScored[i] }),
    })),
  };
}

/** The feed's model without units (every file's `units` empty). */
export function headOf(feed: SummaryFeed): SummaryModel {
  return { ...feed, files: feed.files.map(({ count: _count, unit: _unit, notScoredCount: _n, notScoredUnit: _u, ...file }) => ({ ...file, units: [] })) };
}

/** A feed's model, every unit made. */
export function modelOf(feed: SummaryFeed): SummaryModel {
  const model = headOf(feed);
  model.files.forEach((file, f) => {
    const { count, unit, notScoredCount, notScoredUnit } = feed.files[f];
    file.units = Array.from({ length: count }, (_, i) => unit(i));
    if (notScoredCount && notScoredUnit) file.notScored = Array.from({ length: notScoredCount }, (_, i) => notScoredUnit(i));
  });
  return model;
}
