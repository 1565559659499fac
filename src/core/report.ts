/**
 * Sentiment reports (CSV, JSON, Markdown) from panel data. Pure TypeScript: the CLI and the extension's export share it,
 * so a report says the same whichever wrote it.
 *
 * A report holds the unit rows (file, lines, label, score, polarity, text, and a tabular row's other fields), the
 * files with the rows that could not be read, and on request the group table and the themes (core/summary/aggregate.ts).
 * JSON and Markdown hold all of it in one document. A CSV file holds one table, so `renderReport(.., "csv")` is the unit
 * rows, the table a spreadsheet filters and pivots; the group table and the themes are CSV tables of their own
 * (`renderCsvTables`), written beside it as NAME.groups.csv and NAME.themes.csv (`csvTablePath`).
 */
import { stringify } from "csv-stringify/sync";
import { aggregate, type Aggregates, type AggregateOptions } from "./summary/aggregate";
import type { Theme } from "./summary/themes";
import { describeNotScored, notScored as reasonOf } from "./judge";
import { ownValue } from "./own";
import type { SummaryFile, SummaryModel, SummaryNotScored, SummaryUnit } from "./summary/summaryModel";

export type ReportFormat = "csv" | "json" | "markdown";

/** What a report carries besides the unit rows: `groupBy` adds the group table, `themes` the themes. */
export type ReportOptions = AggregateOptions;

/**
 * The columns every unit row has, in order. A tabular row's other fields follow them (see `reportTable`). A unit that
 * was not scored has no label, score or polarity, and says why in `reason` (empty, missing, non-answer, language,
 * no-words) and `reason_detail` (the marker or non-answer, or the language found).
 */
export const REPORT_COLUMNS = ["file", "start_line", "end_line", "label", "score", "polarity", "reason", "reason_detail", "text"] as const;

/** The group table's columns: shares are fractions of the group's count, mean polarity is in [-1, 1]. */
export const GROUP_COLUMNS = ["group", "count", "share_negative", "share_neutral", "share_positive", "mean_polarity"] as const;

/** A theme's figures: uses in the set, items of the set holding it, uses in the rest, z-score, log-odds ratio. */
export const THEME_FIGURES = ["term", "phrase", "count", "items", "rest_count", "z", "log_odds"] as const;

/**
 * The themes CSV's columns: `scope` is "all" (the whole set) or "group" (`group` names it); `polarity` says which
 * items the theme sets apart (negative or positive, against all the others of the scope); `rank` is 1 for the best.
 */
export const THEME_COLUMNS = ["scope", "group", "polarity", "rank", ...THEME_FIGURES] as const;

type Cell = string | number | boolean;

/** One of a file's units in a report: scored, or not scored with its reason. */
export type ReportUnit = { scored: true; unit: SummaryUnit } | { scored: false; unit: SummaryNotScored };

/**
 * A file's units in document order, scored and not scored together, so that a report accounts for every row once.
 * Both lists are in document order already; a tie on the start line (sentences of one line) puts the scored first.
 */
export function unitsInOrder(file: SummaryFile): ReportUnit[] {
  const skipped = file.notScored ?? [];
  if (skipped.length === 0) return file.units.map((unit) => ({ scored: true, unit }));
  const out: ReportUnit[] = [];
  let k = 0;
  for (const unit of file.units) {
    for (; k < skipped.length && skipped[k].startLine < unit.startLine; k++) out.push({ scored: false, unit: skipped[k] });
    out.push({ scored: true, unit });
  }
  for (; k < skipped.length; k++) out.push({ scored: false, unit: skipped[k] });
  return out;
}

/** One row per unit, in document order: file, lines, label, score, polarity, reason, detail, text (`REPORT_COLUMNS`). */
export function reportRows(model: SummaryModel): (string | number)[][] {
  return model.files.flatMap((file) =>
    unitsInOrder(file).map(({ scored, unit }) =>
      scored
        ? [file.name, unit.startLine, unit.endLine, unit.label, round(unit.score, 4), unit.mixed ? "mixed" : unit.polarity, "", "", unit.text]
        : [file.name, unit.startLine, unit.endLine, "", "", "", unit.reason, unit.detail ?? "", unit.text],
    ),
  );
}

/** The one line saying how many units of the model were not scored and why, or "" when every unit was. */
export function notScoredLine(model: SummaryModel): string {
  return describeNotScored(model.files.flatMap((file) => (file.notScored ?? []).map((unit) => reasonOf(unit.reason, unit.detail))));
}

/**
 * The names of tabular rows' other fields over all files: each scored file's columns in source order (its text column
 * left out, as the text is the `text` column), then field names seen on units but not among the file's columns, first
 * seen first. Files without fields (markdown, plain text) add none.
 */
export function fieldNames(model: SummaryModel): string[] {
  const names = new Set<string>();
  for (const file of model.files) {
    // A file without a text column (it was missing) scored nothing: its columns are no report's fields.
    if (file.textColumn !== undefined) for (const column of file.columns ?? []) if (column !== file.textColumn) names.add(column);
    for (const { unit } of unitsInOrder(file)) {
      for (const name of Object.keys(unit.fields ?? {})) if (name !== file.textColumn) names.add(name);
    }
  }
  return [...names];
}

/**
 * The unit rows as one table: `REPORT_COLUMNS`, then one column per field name (`fieldNames`), "" where a row has no
 * such field. A field named like a report column is headed `field:NAME` so that no header appears twice.
 */
export function reportTable(model: SummaryModel): { header: string[]; rows: (string | number)[][] } {
  const names = fieldNames(model);
  const reserved = new Set<string>(REPORT_COLUMNS);
  const header = [...REPORT_COLUMNS, ...names.map((name) => (reserved.has(name) ? `field:${name}` : name))];
  const base = reportRows(model);
  let i = 0;
  const rows = model.files.flatMap((file) =>
    unitsInOrder(file).map(({ unit }) => [...base[i++], ...names.map((name) => ownValue(unit.fields, name) ?? "")]),
  );
  return { header, rows };
}

/** The group table's rows (`GROUP_COLUMNS`), largest group first; the group of items without a value is "". */
export function groupRows(summary: Aggregates): (string | number)[][] {
  return (summary.groups ?? []).map((g) => [g.key, g.count, round(g.share.negative, 4), round(g.share.neutral, 4), round(g.share.positive, 4), round(g.mean, 4)]);
}

/** The themes as rows (`THEME_COLUMNS`): the whole set first, then each themed group; negative before positive. */
export function themeRows(summary: Aggregates): Cell[][] {
  if (!summary.themes) return [];
  const rows: Cell[][] = [];
  const add = (scope: "all" | "group", group: string, polarity: "negative" | "positive", list: Theme[]) =>
    list.forEach((theme, k) => rows.push([scope, group, polarity, k + 1, ...themeFigures(theme)]));
  add("all", "", "negative", summary.themes.all.negative);
  add("all", "", "positive", summary.themes.all.positive);
  for (const { group, themes } of summary.themes.groups ?? []) {
    add("group", group, "negative", themes.negative);
    add("group", group, "positive", themes.positive);
  }
  return rows;
}

/** A theme's `THEME_FIGURES`. */
function themeFigures(theme: Theme): Cell[] {
  return [theme.term, theme.phrase, theme.count, theme.targetItems, theme.restCount, round(theme.z, 3), round(theme.delta, 4)];
}

/**
 * The report in one format. JSON and Markdown carry the rows, the files with their unreadable rows, and (per
 * `options`) the group table and the themes. CSV carries the unit rows only, as a CSV file holds one table: use
 * `renderCsvTables` for the group and theme tables.
 */
export function renderReport(model: SummaryModel, format: ReportFormat, options: ReportOptions = {}): string {
  if (format === "csv") return csvOf(reportTable(model));
  const summary = aggregate(model, options);
  return format === "json" ? jsonReport(model, summary) : markdownReport(model, summary);
}

/** The report as CSV tables: the unit rows, and the group table and the themes when `options` ask for them. */
export function renderCsvTables(model: SummaryModel, options: ReportOptions = {}): { units: string; groups?: string; themes?: string } {
  const summary = aggregate(model, options);
  return {
    units: csvOf(reportTable(model)),
    ...(summary.groups && { groups: csvOf({ header: [...GROUP_COLUMNS], rows: groupRows(summary) }) }),
    ...(summary.themes && { themes: csvOf({ header: [...THEME_COLUMNS], rows: themeRows(summary) }) }),
  };
}

/** Where a CSV report's group or theme table goes: beside it, "report.csv" -> "report.groups.csv". */
export function csvTablePath(path: string, table: "groups" | "themes"): string {
  return /\.csv$/i.test(path) ? `${path.slice(0, -4)}.${table}${path.slice(-4)}` : `${path}.${table}.csv`;
}

function csvOf(table: { header: string[]; rows: Cell[][] }): string {
  // csv-stringify writes booleans as "1" and ""; a spreadsheet reads "true" and "false" better.
  const rows = [table.header, ...table.rows].map((row) => row.map((cell) => (typeof cell === "string" ? inertCell(cell) : cell)));
  return stringify(rows, { cast: { boolean: (value) => String(value) } });
}

/** What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell as a spreadsheet shows it rather than runs it: one that starts like a formula gets a leading apostrophe
 * (OWASP's advice for CSV injection). The texts and fields come from the documents analysed, which anyone may have
 * written (`=HYPERLINK(...)` in a survey answer). Numbers are written as numbers, so a negative mean stays a number.
 */
export function inertCell(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function jsonReport(model: SummaryModel, summary: Aggregates): string {
  const names = fieldNames(model);
  const rows = reportRows(model);
  let i = 0;
  const units = model.files.flatMap((file) =>
    unitsInOrder(file).map(({ scored, unit }) => {
      const row = rows[i++];
      const object: Record<string, unknown> = { file: row[0], start_line: row[1], end_line: row[2], scored };
      if (scored) {
        // JSON is read by programs: the score as computed, not rounded for reading as in CSV and Markdown.
        // A mixed paragraph says so in place of its polarity; its own label and score stay beside it.
        Object.assign(object, { label: unit.label, score: unit.score, polarity: unit.mixed ? "mixed" : unit.polarity });
      } else {
        object.reason = unit.reason;
        if (unit.detail !== undefined) object[unit.reason === "language" ? "language" : "detail"] = unit.detail;
      }
      object.text = unit.text;
      if (unit.fields) object.fields = Object.fromEntries(names.filter((name) => Object.hasOwn(unit.fields!, name)).map((name) => [name, unit.fields![name]]));
      return object;
    }),
  );
  const files = model.files.map((file) => ({
    file: file.name,
    ...(file.textColumn !== undefined && { text_column: file.textColumn }),
    ...(file.columns && { columns: file.columns }),
    units: file.units.length,
    ...(file.notScored?.length && { not_scored: file.notScored.length }),
    problems: file.problems ?? [],
  }));
  const report: Record<string, unknown> = { title: model.title, model: model.model, units, files };
  const skipped = notScoredLine(model);
  if (skipped) report.not_scored = skipped;
  if (summary.groups) {
    report.group_by = summary.groupBy;
    report.groups = groupRows(summary).map((row) => Object.fromEntries(GROUP_COLUMNS.map((column, c) => [column, row[c]])));
  }
  if (summary.themes) {
    const list = (themes: Theme[]) => themes.map((theme) => Object.fromEntries(THEME_FIGURES.map((name, c) => [name, themeFigures(theme)[c]])));
    report.themes = {
      all: { negative: list(summary.themes.all.negative), positive: list(summary.themes.all.positive) },
      ...(summary.themes.groups && {
        groups: summary.themes.groups.map(({ group, themes }) => ({ group, negative: list(themes.negative), positive: list(themes.positive) })),
      }),
    };
  }
  return JSON.stringify(report, null, 2) + "\n";
}

function markdownReport(model: SummaryModel, summary: Aggregates): string {
  const out = [`# ${escapeMarkdownCell(model.title)}`, `Model: ${escapeMarkdownCell(model.model)}`];
  const skipped = notScoredLine(model);
  if (skipped) out.push(`${escapeMarkdownCell(skipped)}; the counts, groups and themes leave them out.`);
  if (summary.groups) {
    out.push(`## Groups by ${escapeMarkdownCell(summary.groupBy ?? "")}`);
    out.push(markdownTable([...GROUP_COLUMNS], groupRows(summary).map(([key, ...rest]) => [groupLabel(String(key)), ...rest])));
  }
  if (summary.themes) {
    out.push("## Themes", themeNote(summary));
    const section = (title: string, themes: { negative: Theme[]; positive: Theme[] }) => {
      for (const polarity of ["negative", "positive"] as const) {
        out.push(`### ${escapeMarkdownCell(title)}: ${polarity}`);
        out.push(themes[polarity].length ? markdownTable([...THEME_FIGURES], themes[polarity].map(themeFigures)) : "No theme stands out.");
      }
    };
    section("All items", summary.themes.all);
    for (const { group, themes } of summary.themes.groups ?? []) section(`${summary.groupBy} = ${groupLabel(group)}`, themes);
  }
  const problems = model.files.flatMap((file) => (file.problems ?? []).map((p) => `- ${escapeMarkdownCell(`${file.name}:${p.line}`)}: ${escapeMarkdownCell(p.message)}`));
  if (problems.length) out.push("## Rows not read", problems.join("\n"));
  const { header, rows } = reportTable(model);
  out.push("## Units", markdownTable(header, rows));
  return out.join("\n\n") + "\n";
}

/** What the themes tables mean, in one line for a reader of the Markdown report. */
function themeNote(summary: Aggregates): string {
  const groups = summary.themes?.groups;
  const scope = groups ? `, for all items and for ${groups.length === summary.groups?.length ? "each group" : `the ${groups.length} largest groups`}` : "";
  return (
    `Words and two-word phrases that set negative (or positive) items apart from the others${scope}: weighted log-odds ` +
    "with an informative Dirichlet prior; count = uses in those items, items = how many of them hold it, rest_count = " +
    "uses in the other items."
  );
}

/** The report's own column names, written as they are; other headers (field names) are escaped like any cell. */
const OWN_COLUMNS = new Set<string>([...REPORT_COLUMNS, ...GROUP_COLUMNS, ...THEME_COLUMNS]);

function markdownTable(header: string[], rows: Cell[][]): string {
  const head = `| ${header.map((name) => (OWN_COLUMNS.has(name) ? name : escapeMarkdownCell(name))).join(" | ")} |\n| ${header.map(() => "---").join(" | ")} |`;
  return [head, ...rows.map((row) => `| ${row.map((cell) => (typeof cell === "string" ? escapeMarkdownCell(cell) : String(cell))).join(" | ")} |`)].join("\n");
}

/** A group's name as shown to a reader: the group of items without a value reads "(empty)". */
export function groupLabel(key: string): string {
  return key === "" ? "(empty)" : key;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** A report's format from a file name, or undefined. */
export function formatOfPath(path: string): ReportFormat | undefined {
  if (/\.csv$/i.test(path)) return "csv";
  if (/\.json$/i.test(path)) return "json";
  if (/\.(md|markdown)$/i.test(path)) return "markdown";
  return undefined;
}

/**
 * Text inside a markdown table cell, shown as text: markdown and HTML syntax are backslash-escaped (so `<script>`,
 * links and emphasis render literally), line breaks become spaces.
 */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\r\n|\r|\n/g, " ").replace(/[\\`*_{}[\]()<>#+\-.!|~]/g, "\\$&");
}
