/**
 * Excel workbooks: a 15,000-row sheet of the airline tweets (topped up from their start), written as Excel writes it
 * (shared strings) and as streaming writers do (inline strings), read through the built table worker as the editor
 * reads it (bytes in, summary, then the text column's units), and the same rows as CSV for comparison. Prints the median
 * and the worst of several runs, with the machine; writes nothing. Needs `npm run build`.
 * Run: npx tsx bench/xlsx.mts [runs]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeText, parseTable } from "../src/core/tables";
import { TableClient } from "../src/engine/tables/tableClient";
import { writeXlsx, type XlsxCell } from "../test/xlsxWriter";
import { DATA, fmt, machineInfo, median } from "./lib.mjs";

const RUNS = Number(process.argv[2] ?? 5);
const ROWS = 15_000;

const csv = decodeText(readFileSync(join(DATA, "airline-tweets.csv"))).text;
const table = parseTable(csv, { format: "csv" });
const numeric = new Set(["airline_sentiment_confidence", "negativereason_confidence", "retweet_count"]);
const rows: XlsxCell[][] = [table.columns];
for (let i = 0; rows.length <= ROWS; i++) {
  const cells = table.rows[i % table.rows.length].cells;
  rows.push(table.columns.map((column) => (numeric.has(column) && cells[column] !== "" ? Number(cells[column]) : (cells[column] ?? ""))));
}
const shared = await writeXlsx([{ name: "Tweets", rows }]);
const inline = await writeXlsx([{ name: "Tweets", rows: rows.map((row, r) => (r === 0 ? row : row.map((cell) => (typeof cell === "string" ? { inline: cell } : cell)))) }]);
const csvText = [table.columns.join(","), ...rows.slice(1).map((row) => row.map((cell) => `"${String(cell).replace(/"/g, '""')}"`).join(","))].join("\n") + "\n";

const client = new TableClient(join(import.meta.dirname, "..", "dist", "tableWorker.js"));
const times = new Map<string, number[]>();
async function time(name: string, run: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await run();
  times.set(name, [...(times.get(name) ?? []), performance.now() - t0]);
}

let key = 0;
for (let r = 0; r < RUNS; r++) {
  for (const [name, bytes] of [["xlsx, shared strings", shared], ["xlsx, inline strings", inline]] as const) {
    await time(`${name} (${(bytes.length / 2 ** 20).toFixed(1)} MB): read + summary`, async () => {
      const read = await client.read({ key: `k${key++}`, source: { bytes }, format: "xlsx" });
      if (read.summary.rows !== ROWS) throw new Error(`${read.summary.rows} rows`);
    });
    await time(`${name}: read + ${ROWS} units of "text"`, async () => {
      const read = await client.read({ key: `k${key++}`, source: { bytes }, format: "xlsx", column: "text" });
      if (read.units.length !== ROWS) throw new Error(`${read.units.length} units`);
    });
  }
  await time(`CSV of the same rows (${(csvText.length / 2 ** 20).toFixed(1)} MB): read + ${ROWS} units of "text"`, async () => {
    const read = await client.read({ key: `k${key++}`, source: { text: csvText }, format: "csv", column: "text" });
    if (read.units.length !== ROWS) throw new Error(`${read.units.length} units`);
  });
}
client.dispose();

const info = machineInfo();
console.log(`CPU: ${info.cpuModel} (${info.cores} cores; avx2 ${info.avx2}, avx512_vnni ${info.avx512vnni}, avx_vnni ${info.avxVnni}); load ${info.loadAverage1m.toFixed(1)}; Node ${info.node}`);
console.log(`${ROWS} rows, ${RUNS} runs, through the built table worker (dist/tableWorker.js): median / worst`);
for (const [name, list] of times) console.log(`  ${name}: ${fmt(median(list))} / ${fmt(Math.max(...list))} ms`);
