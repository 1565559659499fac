/**
 * Date columns as the arc's axis: recognising them, reading their values and averaging sentiment per day or week.
 * A value's day is the calendar day written in it (a tweet stamped "2015-02-24 23:10:00 -0800" is on the 24th, as its
 * writer saw it), not the UTC day, so buckets match what the reader sees in the column.
 */
import type { Polarity } from "../types";
import type { ScoredItem } from "./groups";
import { ownValue } from "../own";

/** Order of day and month in slashed or dotted dates; undefined for formats that say it themselves. */
export type DayOrder = "mdy" | "dmy";

/** A read date. */
export interface ParsedDate {
  /** The written calendar day, as days since 1970-01-01. */
  day: number;
  /** Milliseconds since the epoch: exact when the value states a zone or offset, else read as UTC. For ordering. */
  time: number;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const NUMERIC = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$/i;
const NAMED_MDY = /^(?:[a-z]{3,9},?\s+)?([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$/i;
const NAMED_DMY = /^(?:[a-z]{3,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$/i;
/** Twitter's API format: "Tue Feb 24 11:35:52 +0000 2015". */
const TWITTER = /^[a-z]{3}\s+([a-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+([+-]\d{4})\s+(\d{4})$/i;

/**
 * Reads a date in one of the common forms: ISO 8601 and its space-separated cousins ("2015-02-24 11:35:52 -0800"),
 * "2015/02/24", "02/24/2015" or "24.02.2015" (day order from `order`, default month first), "Feb 24, 2015",
 * "24 February 2015", Twitter's "Tue Feb 24 11:35:52 +0000 2015". Undefined when the value is none of these or is not
 * a real date (Feb 30).
 */
export function parseDate(value: string, order: DayOrder = "mdy"): ParsedDate | undefined {
  const v = value.trim();
  if (v.length < 6 || v.length > 40) return undefined;
  let m = ISO.exec(v);
  if (m) return build(+m[1], +m[2], +m[3], m[4], m[5], m[6], undefined, m[7]);
  m = NUMERIC.exec(v);
  if (m) {
    const [a, b] = [+m[1], +m[2]];
    const year = m[3].length === 2 ? 2000 + +m[3] : +m[3];
    return order === "dmy" ? build(year, b, a, m[4], m[5], m[6], m[7]) : build(year, a, b, m[4], m[5], m[6], m[7]);
  }
  m = NAMED_MDY.exec(v);
  if (m) return build(+m[3], monthOf(m[1]), +m[2], m[4], m[5], m[6], m[7]);
  m = NAMED_DMY.exec(v);
  if (m) return build(+m[3], monthOf(m[2]), +m[1], m[4], m[5], m[6], m[7]);
  m = TWITTER.exec(v);
  if (m) return build(+m[7], monthOf(m[1]), +m[2], m[3], m[4], m[5], undefined, m[6]);
  return undefined;
}

function monthOf(name: string): number {
  const i = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return i < 0 ? 0 : i + 1;
}

function build(
  year: number,
  month: number,
  day: number,
  hour?: string,
  minute?: string,
  second?: string,
  meridiem?: string,
  zone?: string,
): ParsedDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const dayMs = Date.UTC(year, month - 1, day);
  if (new Date(dayMs).getUTCDate() !== day) return undefined;
  let h = hour ? +hour : 0;
  if (meridiem) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (/^p/i.test(meridiem) ? 12 : 0);
  }
  if (h > 23 || (minute && +minute > 59) || (second && +second > 60)) return undefined;
  let offset = 0;
  if (zone && /^[+-]/.test(zone)) {
    const digits = zone.replace(":", "");
    offset = (zone[0] === "-" ? -1 : 1) * (+digits.slice(1, 3) * 60 + +digits.slice(3, 5));
  }
  const time = dayMs + ((h * 60 + (minute ? +minute : 0) - offset) * 60 + (second ? +second : 0)) * 1000;
  return { day: dayMs / 86_400_000, time };
}

/** A column that holds dates. */
export interface DateColumn {
  column: string;
  /** Day order of slashed or dotted values. */
  order: DayOrder;
  /** True when no value told day from month (every part 12 or less): `order` is then a guess (month first). */
  ambiguous: boolean;
  /** Share of the sampled non-empty values that read as dates. */
  share: number;
}

/** Values sampled per column to recognise dates. */
const DATE_SAMPLE = 200;

/**
 * The columns whose non-empty values (sampled from the first rows) read as dates, at least 90 % of them. Day order is
 * settled per column: a first part above 12 means day first, a second part above 12 month first.
 */
export function detectDateColumns(rows: readonly Readonly<Record<string, string>>[], columns: readonly string[]): DateColumn[] {
  const out: DateColumn[] = [];
  for (const column of columns) {
    const values: string[] = [];
    for (const row of rows) {
      const v = ownValue(row, column)?.trim();
      if (v) values.push(v);
      if (values.length >= DATE_SAMPLE) break;
    }
    if (values.length === 0) continue;
    let dayFirst = false;
    let monthFirst = false;
    for (const v of values) {
      const m = NUMERIC.exec(v);
      if (!m) continue;
      if (+m[1] > 12) dayFirst = true;
      if (+m[2] > 12) monthFirst = true;
    }
    const order: DayOrder = dayFirst && !monthFirst ? "dmy" : "mdy";
    const read = values.filter((v) => parseDate(v, order)).length;
    const share = read / values.length;
    if (share >= 0.9) out.push({ column, order, ambiguous: !dayFirst && !monthFirst && values.some((v) => NUMERIC.test(v)), share });
  }
  return out;
}

/** Width of one point of the date axis. */
export type DateBucket = "day" | "week";

/** One point of the date axis. */
export interface DatePoint {
  /** First day of the bucket, "YYYY-MM-DD" (weeks start on Monday, ISO 8601). */
  start: string;
  count: number;
  counts: Record<Polarity, number>;
  /** Mean signed sentiment of the bucket's items. */
  mean: number;
}

/** Spans up to this many days are shown per day; longer ones per week, so the axis keeps at most a few dozen points. */
export const DAILY_SPAN_LIMIT = 60;

/**
 * Mean sentiment per day or week of a date column. `bucket` "auto" (the default) picks days for spans up to
 * `DAILY_SPAN_LIMIT` days and weeks beyond. Buckets without items are left out. Items whose date could not be read are
 * listed (indices) in `unreadable`, never silently dropped.
 */
export function dateSeries(
  items: readonly ScoredItem[],
  column: string,
  options: { bucket?: DateBucket | "auto"; order?: DayOrder } = {},
): { bucket: DateBucket; points: DatePoint[]; unreadable: number[] } {
  const days: number[] = [];
  const unreadable: number[] = [];
  let first = Infinity;
  let last = -Infinity;
  items.forEach((item, i) => {
    const parsed = parseDate(ownValue(item.fields, column) ?? "", options.order);
    if (!parsed) {
      unreadable.push(i);
      days.push(NaN);
      return;
    }
    days.push(parsed.day);
    first = Math.min(first, parsed.day);
    last = Math.max(last, parsed.day);
  });
  const bucket: DateBucket =
    options.bucket && options.bucket !== "auto" ? options.bucket : last - first <= DAILY_SPAN_LIMIT ? "day" : "week";
  const sums = new Map<number, { counts: Record<Polarity, number>; sum: number; count: number }>();
  items.forEach((item, i) => {
    const day = days[i];
    if (Number.isNaN(day)) return;
    // 1970-01-01 was a Thursday: (day + 3) % 7 is days since Monday.
    const key = bucket === "day" ? day : day - (((day + 3) % 7) + 7) % 7;
    let s = sums.get(key);
    if (!s) {
      s = { counts: { negative: 0, neutral: 0, positive: 0 }, sum: 0, count: 0 };
      sums.set(key, s);
    }
    s.counts[item.polarity]++;
    s.sum += item.sentiment;
    s.count++;
  });
  const points = [...sums.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([key, s]) => ({
      start: new Date(key * 86_400_000).toISOString().slice(0, 10),
      count: s.count,
      counts: s.counts,
      mean: s.sum / s.count,
    }));
  return { bucket, points, unreadable };
}
