/**
 * Feedback review on 15,000 rows (the airline tweets, topped up from their start): parse, text units, term index,
 * themes (whole set and per airline), groups, date axis, and the list's filter/sort/group changes. Prints the median
 * and the worst of several runs per step, with the machine; writes nothing. Run: npx tsx bench/feedback.mts [runs]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildTermIndex, dateSeries, SummaryList, groupItems, groupThemes, polarityThemes, sortGroups, type ListItem } from "../src/core/summary";
import { chooseTextColumn, decodeText, parseTable, textUnits } from "../src/core/tables";
import type { Polarity } from "../src/core/types";
import { DATA, fmt, machineInfo, median } from "./lib.mjs";

const RUNS = Number(process.argv[2] ?? 7);
const ROWS = 15_000;
const times = new Map<string, number[]>();

function time<T>(name: string, run: () => T): T {
  const t0 = performance.now();
  const out = run();
  const list = times.get(name) ?? [];
  list.push(performance.now() - t0);
  times.set(name, list);
  return out;
}

const bytes = readFileSync(join(DATA, "airline-tweets.csv"));
const original = decodeText(bytes).text;
// Top up to 15,000 rows by repeating the first data rows (by their parsed spans: some cells hold line breaks).
const firstRows = parseTable(original, { format: "csv" }).rows;
const extra = ROWS - firstRows.length;
const text = `${original.replace(/\n?$/, "\n")}${original.slice(firstRows[0].start, firstRows[extra - 1].end)}\n`;

for (let r = 0; r < RUNS; r++) {
  const table = time("parse CSV (papaparse + offsets)", () => parseTable(text, { format: "csv" }));
  if (table.rows.length !== ROWS || table.problems.length > 0) throw new Error(`${table.rows.length} rows, ${table.problems.length} problems`);
  const column = time("choose text column", () => chooseTextColumn(table)!);
  const { units } = time("text units", () => textUnits(table, column));
  // Gold labels stand in for model scores: same sizes, and the themes can be read.
  const items: ListItem[] = units.map((u) => {
    const fields = table.rows[u.row].cells;
    const polarity = (fields.airline_sentiment as Polarity) ?? "neutral";
    return { polarity, sentiment: polarity === "positive" ? 0.9 : polarity === "negative" ? -0.9 : 0, text: u.text, fields };
  });
  const polarities = items.map((i) => i.polarity);
  const index = time("term index (tokenize once)", () => buildTermIndex(units.map((u) => u.text)));
  const whole = time("themes: negative and positive vs rest", () => polarityThemes(index, polarities));
  time("themes per airline (6 groups)", () => groupThemes(index, polarities, items.map((i) => i.fields.airline)));
  const groups = time("group by airline", () => groupItems(items, "airline"));
  time("sort groups by mean", () => sortGroups(groups, "mean"));
  time("date axis (tweet_created, by day)", () => dateSeries(items, "tweet_created"));
  const list = time("list: prepare", () => new SummaryList(items));
  time("list: filter negative", () => list.query({ polarities: ["negative"] }));
  time("list: search 'delayed'", () => list.query({ search: "delayed" }));
  time("list: group United + sort by sentiment", () =>
    list.query({ group: { column: "airline", value: "United" }, sort: { by: "sentiment" } }),
  );
  time("list: theme filter + sort by group", () => list.query({ items: whole.negative[0].items, sort: { by: "group", column: "airline" } }));
  if (r === 0) {
    console.log(`negative themes: ${whole.negative.slice(0, 10).map((t) => `${t.term} (z ${fmt(t.z)}, ${t.count}/${t.restCount})`).join(", ")}`);
    console.log(`positive themes: ${whole.positive.slice(0, 10).map((t) => `${t.term} (z ${fmt(t.z)}, ${t.count}/${t.restCount})`).join(", ")}`);
  }
}

const info = machineInfo();
console.log(`\n${ROWS} rows, ${RUNS} runs; ${info.cpuModel}, ${info.cores} cores, AVX2 ${info.avx2}, AVX-512 VNNI ${info.avx512vnni}, AVX-VNNI ${info.avxVnni}; load ${fmt(info.loadAverage1m)}; Node ${info.node}`);
console.log("step".padEnd(44), "median ms".padStart(10), "max ms".padStart(10));
for (const [name, list] of times) console.log(name.padEnd(44), fmt(median(list)).padStart(10), fmt(Math.max(...list)).padStart(10));
