/**
 * The summary's list: its filter and sort over many items (15,000 tweets): what needs preparing (lower-cased text, sort
 * keys) is prepared once, so each change of filter, sort or group is a pass over typed arrays.
 */
import type { Polarity } from "../types";
import type { ScoredItem } from "./groups";
import { ownValue } from "../own";

/** An item of the list. */
export interface ListItem extends ScoredItem {
  text: string;
}

/** What the list shows. Absent fields do not filter. */
export interface ListQuery {
  polarities?: readonly Polarity[];
  /** Only items whose `column` cell is `value` ("" for empty). */
  group?: { column: string; value: string };
  /** Only these items (a theme's `items`). */
  items?: readonly number[];
  /** Case-insensitive; every whitespace-separated word must occur in the text. */
  search?: string;
  /** Default: source order. "group" sorts by `column`'s value, then source order. */
  sort?: { by: "order" | "sentiment" | "group"; column?: string; direction?: "asc" | "desc" };
}

/** Prepared items; `query` returns the indices to show, in display order. */
export class SummaryList {
  private readonly lower: string[];
  private readonly sentiment: Float64Array;
  private readonly polarity: Uint8Array;
  private readonly columnKeys = new Map<string, Uint32Array>();

  constructor(private readonly items: readonly ListItem[]) {
    this.lower = items.map((item) => item.text.toLowerCase());
    this.sentiment = Float64Array.from(items, (item) => item.sentiment);
    this.polarity = Uint8Array.from(items, (item) => POLARITY_CODE[item.polarity]);
  }

  /** The indices of the items the query keeps, in the query's order. */
  query(q: ListQuery): Uint32Array {
    const n = this.items.length;
    let keep: Uint8Array | undefined;
    const restrict = (test: (i: number) => boolean) => {
      if (!keep) keep = new Uint8Array(n).fill(1);
      for (let i = 0; i < n; i++) if (keep[i] && !test(i)) keep[i] = 0;
    };
    if (q.items) {
      const only = new Uint8Array(n);
      for (const i of q.items) only[i] = 1;
      restrict((i) => only[i] === 1);
    }
    if (q.polarities && q.polarities.length < 3) {
      const allowed = new Set(q.polarities.map((p) => POLARITY_CODE[p]));
      restrict((i) => allowed.has(this.polarity[i]));
    }
    if (q.group) {
      const { column, value } = q.group;
      restrict((i) => (ownValue(this.items[i].fields, column) ?? "").trim() === value);
    }
    const needles = q.search?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
    if (needles.length > 0) restrict((i) => needles.every((w) => this.lower[i].includes(w)));
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (!keep || keep[i]) out.push(i);
    const sort = q.sort;
    if (sort && sort.by !== "order") {
      const sign = sort.direction === "desc" ? -1 : 1;
      if (sort.by === "sentiment") {
        const s = this.sentiment;
        out.sort((a, b) => sign * (s[a] - s[b]) || a - b);
      } else if (sort.column) {
        const keys = this.rankOf(sort.column);
        out.sort((a, b) => sign * (keys[a] - keys[b]) || a - b);
      }
    } else if (sort?.direction === "desc") out.reverse();
    return Uint32Array.from(out);
  }

  /** Each item's rank by a column's value (computed once per column), so sorting compares integers. */
  private rankOf(column: string): Uint32Array {
    let ranks = this.columnKeys.get(column);
    if (!ranks) {
      const values = this.items.map((item) => (ownValue(item.fields, column) ?? "").trim());
      const distinct = [...new Set(values)].sort((a, b) => a.localeCompare(b));
      const rank = new Map(distinct.map((v, i) => [v, i]));
      ranks = Uint32Array.from(values, (v) => rank.get(v) ?? 0);
      this.columnKeys.set(column, ranks);
    }
    return ranks;
  }
}

const POLARITY_CODE: Record<Polarity, number> = { negative: 0, neutral: 1, positive: 2 };
