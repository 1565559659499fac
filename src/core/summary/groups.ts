/** Groups of scored items: counts, polarity shares and mean sentiment per value of a column (or per file). */
import type { Polarity } from "../types";
import { ownValue } from "../own";

/** A scored row (or unit) as groups, dates and the list see it. */
export interface ScoredItem {
  polarity: Polarity;
  /** Signed sentiment in [-1, 1]: positive probability minus negative probability, or the caller's equivalent. */
  sentiment: number;
  /** The row's other fields by column name (the file path in a folder run, for instance). */
  fields: Readonly<Record<string, string>>;
}

/** One group's figures. */
export interface GroupStats {
  /** The column's value; "" for items with an empty or missing cell (the UI shows it as "(empty)"). */
  key: string;
  count: number;
  counts: Record<Polarity, number>;
  /** counts / count, each in [0, 1]. */
  share: Record<Polarity, number>;
  /** Mean signed sentiment of the group's items. */
  mean: number;
  /** Indices of the group's items, ascending: what clicking the group filters to. */
  items: number[];
}

/** Columns a group table sorts by. */
export type GroupSortKey = "key" | "count" | "negative" | "neutral" | "positive" | "mean";

/**
 * Groups items by a column's value (or by any key function) and computes each group's figures. Groups come largest
 * first, ties by key; use `sortGroups` for another order.
 */
export function groupItems(items: readonly ScoredItem[], by: string | ((item: ScoredItem, index: number) => string)): GroupStats[] {
  const keyOf = typeof by === "string" ? (item: ScoredItem) => ownValue(item.fields, by) ?? "" : by;
  const groups = new Map<string, { counts: Record<Polarity, number>; sum: number; items: number[] }>();
  items.forEach((item, i) => {
    const key = keyOf(item, i).trim();
    let g = groups.get(key);
    if (!g) {
      g = { counts: { negative: 0, neutral: 0, positive: 0 }, sum: 0, items: [] };
      groups.set(key, g);
    }
    g.counts[item.polarity]++;
    g.sum += item.sentiment;
    g.items.push(i);
  });
  const out: GroupStats[] = [];
  for (const [key, g] of groups) {
    const count = g.items.length;
    out.push({
      key,
      count,
      counts: g.counts,
      share: { negative: g.counts.negative / count, neutral: g.counts.neutral / count, positive: g.counts.positive / count },
      mean: g.sum / count,
      items: g.items,
    });
  }
  return sortGroups(out, "count", "desc");
}

/** A sorted copy of a group table; ties are broken by key (ascending) so the order is stable across updates. */
export function sortGroups(groups: readonly GroupStats[], by: GroupSortKey, direction: "asc" | "desc" = "desc"): GroupStats[] {
  const sign = direction === "asc" ? 1 : -1;
  const value = (g: GroupStats): number | string =>
    by === "key" ? g.key : by === "count" ? g.count : by === "mean" ? g.mean : g.share[by];
  return [...groups].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const primary = typeof x === "string" ? x.localeCompare(y as string) : x - (y as number);
    return primary !== 0 ? sign * primary : a.key.localeCompare(b.key);
  });
}

/**
 * Items shown before the arc switches from one point per item to a rolling mean: up to a few hundred points stay
 * readable on an arc a few hundred pixels wide.
 */
export const ROLLING_THRESHOLD = 300;

/**
 * The rolling-mean window for `n` items: none (1) up to `ROLLING_THRESHOLD` items, then the odd number nearest √n, at
 * least 15. √n balances the two costs: the mean of w items wavers by about 1/√w of the items' spread, and the arc keeps
 * n/w independent windows; with w = √n both shrink alike as n grows (15,000 items: window 123, 122 windows).
 */
export function rollingWindow(n: number): number {
  if (n <= ROLLING_THRESHOLD) return 1;
  const w = Math.max(15, Math.round(Math.sqrt(n)));
  return w % 2 === 1 ? w : w + 1;
}

/**
 * Centred rolling mean over values in item order: point i is the mean of the `window` values around it (fewer at the
 * ends, where the window is cut). The window is returned so the UI can state it ("rolling mean of 123 items").
 */
export function rollingMean(values: readonly number[], window = rollingWindow(values.length)): { window: number; means: number[] } {
  const half = Math.floor(window / 2);
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = prefix[i] + values[i];
  const means = values.map((_, i) => {
    const from = Math.max(0, i - half);
    const to = Math.min(values.length, i + half + 1);
    return (prefix[to] - prefix[from]) / (to - from);
  });
  return { window, means };
}
