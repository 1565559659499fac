/**
 * The summary page's view: groups, themes, search, the list's order and the arc's series over a
 * SummaryModel that may hold 15,000 units. Pure TypeScript (no `vscode`, no DOM): the page bundle runs it, plain mocha
 * tests it.
 *
 * Everything that costs more than a pass over typed arrays is done once per model and cached (the list's prepared
 * keys, each group table, each scope's themes); the term index is built once per set of texts and reused when only
 * the scores change (live scoring posts a new model per batch, with the same texts).
 */
import { LruCache } from "../core/cache";
import type { ReportOptions } from "../core/report";
import {
  SummaryList,
  buildTermIndex,
  dateSeries,
  detectDateColumns,
  groupItems,
  polarityThemes,
  rollingMean,
  rollingWindow,
  sortGroups,
  themeMatches,
  type DateBucket,
  type DateColumn,
  type DatePoint,
  type GroupSortKey,
  type GroupStats,
  type ListItem,
  type PolarityThemes,
  type ScoredItem,
  type TermIndex,
} from "../core/summary";
import { describeNotScored, notScored, notScoredLabel } from "../core/judge";
import type { SummaryModel, SummaryNotScored } from "../core/summary/summaryModel";
import type { Polarity } from "../core/types";
import type { GroupBy, PanelState } from "./protocol";
import { entriesOf, type UnitEntry } from "./overview";

/** Shared by every unit without fields, so 15,000 plain paragraphs do not allocate 15,000 empty objects. */
const NO_FIELDS: Readonly<Record<string, string>> = Object.freeze({});

/** Rows sampled to find a model's columns when its files do not list them, and to recognise date columns. */
const COLUMN_SAMPLE = 200;
/** Groups' themes and searched terms' items a view keeps, the most recent first (docs/RELIABILITY.md "Bounds"). */
export const VIEW_CACHED = 256;

/** Most points drawn for a rolling mean: more than an arc a few hundred pixels wide can show. */
export const MAX_ARC_POINTS = 600;

/** A row of a file that could not be read, with the file it belongs to. */
export interface ProblemEntry {
  fileName: string;
  line: number;
  message: string;
}

/** A unit that was not scored, with where it is and its reason as shown ("French", "missing (NA)"). */
export interface NotScoredEntry {
  unit: SummaryNotScored;
  uri: string;
  fileName: string;
  /** The reason as a badge says it after "not scored: ". */
  label: string;
}

/** A stable string key for a group-by choice (cache keys, select option values). */
export function groupByKey(groupBy: GroupBy | null): string {
  if (!groupBy) return "none";
  return groupBy.kind === "file" ? "file" : `column:${groupBy.column}`;
}

/** How a group-by choice reads in the page. */
export function groupByLabel(groupBy: GroupBy | null): string {
  if (!groupBy) return "none";
  return groupBy.kind === "file" ? "file" : groupBy.column;
}

/** The columns of a model, in first-seen order: the files' own lists, else the fields of the first units. */
export function columnsOf(model: SummaryModel): string[] {
  const seen = new Set<string>();
  for (const file of model.files) {
    if (file.columns) for (const column of file.columns) seen.add(column);
    else for (const unit of file.units.slice(0, COLUMN_SAMPLE)) for (const column of Object.keys(unit.fields ?? {})) seen.add(column);
  }
  return [...seen];
}

/** What the page offers to group by: none, the file in a folder run, and every column but the scored text column. */
export function groupByOptions(model: SummaryModel): (GroupBy | null)[] {
  const text = new Set(model.files.map((file) => file.textColumn).filter((c): c is string => !!c));
  const options: (GroupBy | null)[] = [null];
  if (model.kind === "folder") options.push({ kind: "file" });
  for (const column of columnsOf(model)) if (!text.has(column)) options.push({ kind: "column", column });
  return options;
}

/**
 * The group-by in effect: the saved choice when this model offers it, the default (by file in a folder run) when
 * nothing was chosen, else none.
 */
export function effectiveGroupBy(state: Pick<PanelState, "groupBy">, model: SummaryModel): GroupBy | null {
  const options = groupByOptions(model);
  if (state.groupBy === undefined) return model.kind === "folder" ? { kind: "file" } : null;
  const key = groupByKey(state.groupBy);
  return options.find((option) => groupByKey(option) === key) ?? null;
}

/**
 * What an exported report should carry, from the page's last view message: the group-by only when the model offers it
 * (a page cannot make the report group by a column that does not exist), "file" for a folder run's files.
 */
export function exportOptionsOf(model: SummaryModel, view: { groupBy: GroupBy | null; themes: boolean } | undefined): ReportOptions {
  if (!view) return {};
  const groupBy = view.groupBy && groupByOptions(model).find((option) => groupByKey(option) === groupByKey(view.groupBy));
  return { ...(groupBy && { groupBy: groupBy.kind === "file" ? "file" : groupBy.column }), themes: view.themes };
}

/** Every item that contains `term` (a word or a two-word phrase of the index), ascending. */
export function itemsWithTerm(index: TermIndex, term: string): number[] {
  const id = index.terms.indexOf(term);
  if (id < 0) return [];
  const out: number[] = [];
  for (let i = 0; i < index.itemCount; i++) {
    for (let k = index.offsets[i]; k < index.offsets[i + 1]; k++) {
      if (index.occurrenceTerm[k] === id) {
        out.push(i);
        break;
      }
    }
  }
  return out;
}

/** A piece of an item's text, marked when it is part of a highlighted theme. */
export interface TextPiece {
  text: string;
  mark: boolean;
}

/** Cuts `text` into plain and marked pieces at `spans` (UTF-16 offsets; overlapping or unordered spans are merged). */
export function highlightPieces(text: string, spans: readonly { start: number; end: number }[]): TextPiece[] {
  const sorted = spans
    .filter((s) => s.end > s.start && s.start < text.length)
    .map((s) => ({ start: Math.max(0, s.start), end: Math.min(text.length, s.end) }))
    .sort((a, b) => a.start - b.start);
  const pieces: TextPiece[] = [];
  let at = 0;
  for (const span of sorted) {
    if (span.end <= at) continue;
    const start = Math.max(at, span.start);
    if (start > at) pieces.push({ text: text.slice(at, start), mark: false });
    const last = pieces[pieces.length - 1];
    // Overlapping or touching spans make one mark, so a phrase and its word do not split the highlight.
    if (start === at && last?.mark) last.text += text.slice(start, span.end);
    else pieces.push({ text: text.slice(start, span.end), mark: true });
    at = span.end;
  }
  if (at < text.length || pieces.length === 0) pieces.push({ text: text.slice(at), mark: false });
  return pieces;
}

/** The arc's data: one point per unit, a rolling mean, or means per day or week of a date column. */
export type ArcSeries =
  | { kind: "points"; entries: readonly UnitEntry[] }
  | { kind: "rolling"; window: number; total: number; points: { index: number; mean: number }[] }
  | { kind: "dates"; column: string; bucket: DateBucket; points: DatePoint[]; unreadable: number };

/** The sentence under the arc that says what it shows. */
export function describeSeries(series: ArcSeries): string {
  switch (series.kind) {
    case "points":
      return `One point per unit (${series.entries.length}), in document order.`;
    case "rolling":
      return `Rolling mean over ${series.window} items (of ${series.total}), in document order.`;
    case "dates": {
      const unread = series.unreadable > 0 ? `; ${series.unreadable} item${series.unreadable === 1 ? "" : "s"} without a readable date left out` : "";
      return `Mean per ${series.bucket} of ${series.column} (${series.points.length} ${series.bucket}${series.points.length === 1 ? "" : "s"})${unread}.`;
    }
  }
}

/** The list's query result and what produced it. */
export interface ListView {
  /** Entry indices to show, in display order. */
  order: Uint32Array;
  /** The selected group's figures, when a group filter is active and exists. */
  group?: GroupStats;
  /** True when a theme filter is set but the term index is not built yet (the theme is not applied). */
  themePending: boolean;
}

/**
 * A model prepared for the page. Build one per posted model (`SummaryView.of` reuses the previous one's term index
 * when the texts are the same); ask it for groups, the list, themes and the arc.
 */
export class SummaryView {
  readonly entries: UnitEntry[];
  /** Item i is entry i; `sentiment` is the signed sentiment (group means, date axis, rolling mean). */
  readonly items: ScoredItem[];
  readonly polarities: Polarity[];
  readonly columns: string[];
  readonly groupOptions: (GroupBy | null)[];
  readonly dateColumns: DateColumn[];
  readonly problems: ProblemEntry[];
  /** The units not scored, in file then document order; none of them is in `entries`. */
  readonly notScored: NotScoredEntry[];
  /** How many were not scored and why, in one line ("10,115 missing (NA), 412 in French: not scored"); "" if none. */
  readonly notScoredLine: string;
  readonly texts: string[];
  /** The entries whose paragraphs are mixed, in order. */
  readonly mixed: number[];
  private readonly list: SummaryList;
  private readonly groupCache = new Map<string, GroupStats[]>();
  /** Per group the user opened, and per theme or term searched: the most recent VIEW_CACHED (a column may have 15,000 values). */
  private readonly themeCache = new LruCache<string, PolarityThemes>(VIEW_CACHED);
  private readonly termItems = new LruCache<string, number[]>(VIEW_CACHED);
  private termIndex: TermIndex | undefined;

  constructor(readonly model: SummaryModel, previous?: SummaryView) {
    this.entries = entriesOf(model);
    this.items = this.entries.map((entry) => ({ polarity: entry.unit.polarity, sentiment: entry.signed, fields: entry.unit.fields ?? NO_FIELDS }));
    this.polarities = this.entries.map((entry) => entry.unit.polarity);
    this.texts = this.entries.map((entry) => entry.unit.text);
    this.mixed = this.entries.flatMap((entry, i) => (entry.unit.mixed ? [i] : []));
    // The list sorts by negativity (P(negative labels), or the shown polarity when no label reads as negative), as
    // the panel always has: "most negative first" is ascending -negativity.
    const listItems: ListItem[] = this.entries.map((entry, i) => ({ ...this.items[i], sentiment: -entry.negativity, text: entry.unit.text }));
    this.list = new SummaryList(listItems);
    this.columns = columnsOf(model);
    this.groupOptions = groupByOptions(model);
    const sample = this.items.slice(0, COLUMN_SAMPLE).map((item) => item.fields);
    this.dateColumns = this.columns.length > 0 ? detectDateColumns(sample, this.columns) : [];
    this.problems = model.files.flatMap((file) => (file.problems ?? []).map((p) => ({ fileName: file.name, line: p.line, message: p.message })));
    this.notScored = model.files.flatMap((file) =>
      (file.notScored ?? []).map((unit) => ({ unit, uri: file.uri, fileName: file.name, label: notScoredLabel(notScored(unit.reason, unit.detail)) })),
    );
    this.notScoredLine = describeNotScored(this.notScored.map(({ unit }) => notScored(unit.reason, unit.detail)));
    if (previous?.termIndex && sameTexts(previous.texts, this.texts)) this.termIndex = previous.termIndex;
  }

  /** The term index, if built. */
  get index(): TermIndex | undefined {
    return this.termIndex;
  }

  /** Builds the term index (the costly step: tokenizing every text) unless it exists. */
  buildIndex(): TermIndex {
    this.termIndex ??= buildTermIndex(this.texts);
    return this.termIndex;
  }

  /** The group table for a group-by, largest first (cached per group-by; sorting a copy is cheap). */
  groups(groupBy: GroupBy | null, sort?: { key: GroupSortKey; direction: "asc" | "desc" }): GroupStats[] {
    if (!groupBy) return [];
    const key = groupByKey(groupBy);
    let groups = this.groupCache.get(key);
    if (!groups) {
      groups =
        groupBy.kind === "file"
          ? groupItems(this.items, (_item, i) => this.entries[i].fileName)
          : groupItems(this.items, groupBy.column);
      this.groupCache.set(key, groups);
    }
    return sort ? sortGroups(groups, sort.key, sort.direction) : groups;
  }

  /** One group's figures, or undefined when the group-by has no such value. */
  group(groupBy: GroupBy | null, value: string): GroupStats | undefined {
    return this.groups(groupBy).find((g) => g.key === value);
  }

  /** The list for the page's state: polarity filters, selected group, selected theme, search and order. */
  query(state: Pick<PanelState, "filters" | "group" | "theme" | "search" | "sort"> & Partial<Pick<PanelState, "mixedOnly">>, groupBy: GroupBy | null): ListView {
    let only: readonly number[] | undefined;
    const group = state.group !== undefined ? this.group(groupBy, state.group) : undefined;
    if (state.group !== undefined) only = group?.items ?? [];
    if (state.mixedOnly) only = only ? intersect(only, this.mixed) : this.mixed;
    let themePending = false;
    if (state.theme) {
      if (this.termIndex) only = only ? intersect(only, this.itemsWithTerm(state.theme)) : this.itemsWithTerm(state.theme);
      else themePending = true;
    }
    const polarities = (Object.keys(state.filters) as Polarity[]).filter((p) => state.filters[p]);
    const order = this.list.query({
      polarities,
      items: only,
      search: state.search,
      sort: state.sort === "order" ? undefined : { by: "sentiment", direction: state.sort === "negative" ? "asc" : "desc" },
    });
    return { order, group, themePending };
  }

  /** Items containing a theme (cached per term). Needs the term index. */
  itemsWithTerm(term: string): number[] {
    let items = this.termItems.get(term);
    if (!items) {
      items = this.termIndex ? itemsWithTerm(this.termIndex, term) : [];
      if (this.termIndex) this.termItems.set(term, items);
    }
    return items;
  }

  /** Where a theme occurs in entry `item`'s text, or nothing before the index is built. */
  matches(item: number, term: string): { start: number; end: number }[] {
    return this.termIndex ? themeMatches(this.termIndex, item, term) : [];
  }

  /**
   * Negative and positive themes of the whole set, or of one group (against the rest of that group), cached per scope.
   * Builds the term index on first use.
   */
  themes(groupBy: GroupBy | null, groupValue: string | undefined): PolarityThemes {
    const group = groupValue !== undefined ? this.group(groupBy, groupValue) : undefined;
    const key = group ? `${groupByKey(groupBy)}\u0000${group.key}` : "all";
    let result = this.themeCache.get(key);
    if (!result) {
      const index = this.buildIndex();
      result = polarityThemes(index, this.polarities, group ? { scope: group.items } : {});
      this.themeCache.set(key, result);
    }
    return result;
  }

  /** True when `themes` for this scope would be answered from the cache. */
  hasThemes(groupBy: GroupBy | null, groupValue: string | undefined): boolean {
    const group = groupValue !== undefined ? this.group(groupBy, groupValue) : undefined;
    return this.themeCache.get(group ? `${groupByKey(groupBy)}\u0000${group.key}` : "all") !== undefined;
  }

  /** The arc: per date bucket for a date column axis, else points up to a few hundred units, else a rolling mean. */
  series(axis: string | undefined): ArcSeries {
    const date = axis !== undefined ? this.dateColumns.find((c) => c.column === axis) : undefined;
    if (date) {
      const { bucket, points, unreadable } = dateSeries(this.items, date.column, { order: date.order });
      return { kind: "dates", column: date.column, bucket, points, unreadable: unreadable.length };
    }
    const n = this.entries.length;
    const window = rollingWindow(n);
    if (window <= 1) return { kind: "points", entries: this.entries };
    const { means } = rollingMean(
      this.entries.map((e) => e.signed),
      window,
    );
    const step = Math.max(1, Math.ceil(n / MAX_ARC_POINTS));
    const points: { index: number; mean: number }[] = [];
    for (let i = 0; i < n; i += step) points.push({ index: i, mean: means[i] });
    if (points[points.length - 1].index !== n - 1) points.push({ index: n - 1, mean: means[n - 1] });
    return { kind: "rolling", window, total: n, points };
  }
}

function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sorted intersection of two ascending index lists. */
function intersect(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return out;
}
