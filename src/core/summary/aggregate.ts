/**
 * A summary's aggregates, what a report carries besides its rows: the group table and the themes of a SummaryModel,
 * computed once from the model the panel shows, so the CLI, the exported report and the panel agree. Pure: core only.
 */
import { signedSentiment } from "../polarity";
import type { SummaryFile, SummaryModel, SummaryUnit } from "./summaryModel";
import type { Polarity } from "../types";
import { groupItems, type GroupStats, type ScoredItem } from "./groups";
import { buildTermIndex, polarityThemes, type PolarityThemes, type ThemeOptions } from "./themes";
import { ownValue } from "../own";

/** What a report adds to its rows. */
export interface AggregateOptions {
  /** Group by this column (a field of tabular rows), or by "file" (each file's name, unless a file has a "file" column). */
  groupBy?: string;
  /** Add the themes of negative and positive items: for the whole set, and per group when grouped. */
  themes?: boolean;
}

/** The groups and themes of a model. */
export interface Aggregates {
  /** The column grouped by, when grouped. */
  groupBy?: string;
  /** One entry per group, largest first (ties by key); `key` "" holds the items without a value. */
  groups?: GroupStats[];
  /** Themes of the whole set, and of the largest groups (see `MAX_THEMED_GROUPS`) when grouped. */
  themes?: { all: PolarityThemes; groups?: { group: string; themes: PolarityThemes }[] };
}

/**
 * How many groups get their own themes: the largest ones. Themes of a group cost a pass over every item, so a column
 * with thousands of values (an id) would cost thousands of passes for themes nobody reads.
 */
export const MAX_THEMED_GROUPS = 20;

/** How report themes are picked: the theme method's defaults (at most 15 per list, z >= 1.96, at least 3 uses). */
export const REPORT_THEME_OPTIONS: ThemeOptions = {};

/**
 * The group key of each unit of a file for `groupBy`: the unit's field when the file has that column (the text column
 * groups by the text itself), else the file's name when `groupBy` is "file", else "" (no value).
 */
export function groupKeyOf(file: SummaryFile, groupBy: string): (unit: Pick<SummaryUnit, "text" | "fields">) => string {
  if (file.columns?.includes(groupBy)) {
    if (groupBy === file.textColumn) return (unit) => unit.text;
    return (unit) => ownValue(unit.fields, groupBy) ?? "";
  }
  if (groupBy === "file") return () => file.name;
  return () => "";
}

/** True when `groupBy` names something to group by in this model: a column of some file, or "file". */
export function canGroupBy(model: SummaryModel, groupBy: string): boolean {
  return groupBy === "file" || model.files.some((file) => file.columns?.includes(groupBy));
}

/** The groups and themes of every scored unit of the model, in file order then unit order (not-scored units are left out). */
export function aggregate(model: SummaryModel, options: AggregateOptions): Aggregates {
  const summary: Aggregates = {};
  if (!options.groupBy && !options.themes) return summary;
  const items: ScoredItem[] = [];
  const texts: string[] = [];
  const polarities: Polarity[] = [];
  for (const file of model.files) {
    const keyOf = options.groupBy ? groupKeyOf(file, options.groupBy) : undefined;
    for (const unit of file.units) {
      items.push({ polarity: unit.polarity, sentiment: signedSentiment(unit, model.labelMap), fields: { group: keyOf ? keyOf(unit) : "" } });
      texts.push(unit.text);
      polarities.push(unit.polarity);
    }
  }
  if (options.groupBy) {
    summary.groupBy = options.groupBy;
    summary.groups = groupItems(items, "group");
  }
  if (options.themes) {
    const index = buildTermIndex(texts);
    const all = polarityThemes(index, polarities, REPORT_THEME_OPTIONS);
    summary.themes = { all };
    if (summary.groups) {
      summary.themes.groups = summary.groups.slice(0, MAX_THEMED_GROUPS).map((group) => ({
        group: group.key,
        themes: polarityThemes(index, polarities, { ...REPORT_THEME_OPTIONS, scope: group.items }),
      }));
    }
  }
  return summary;
}
