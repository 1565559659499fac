/**
 * Parse times of hostile tables (issue 24): one-column CSV files (the span scan was quadratic there), a JSON Lines
 * file with one line nested 100,000 deep. Prints the CPU first. `npx tsx bench/tabular.mts`. Not part of `npm run
 * bench` (it loads no model): a check that parse time grows linearly, the unit tests assert the mechanisms.
 */
import { cpuFeatures } from "../src/engine/node/cpu";
import { parseTable } from "../src/core/tables";

const cpu = cpuFeatures();
const has = (flag: string) => (cpu.flags?.includes(flag) ? "yes" : "no");
console.log(`CPU: ${cpu.model} (${cpu.arch}); avx2 ${has("avx2")}, avx512_vnni ${has("avx512_vnni")}, avx_vnni ${has("avx_vnni")}`);

/** The shortest of three runs, in ms. */
function fastest(run: () => void): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    run();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

const line = "this is one answer of a single column file, ok\n";
for (const mb of [1.5, 3, 6]) {
  const text = "text\n" + line.repeat(Math.round((mb * 1e6) / line.length));
  let rows = 0;
  const ms = fastest(() => (rows = parseTable(text, { format: "csv" }).rows.length));
  console.log(`one-column CSV ${mb} MB (${rows} rows): ${ms.toFixed(0)} ms (main at 4dfcbe8: 1.5 MB 0.3 s, 3 MB 2 s, 6 MB 13.3 s)`);
}

const deep = '{"text": "fine"}\n' + "[".repeat(100_000) + '\n{"text": "also fine"}\n';
let kept = 0;
const ms = fastest(() => (kept = parseTable(deep, { format: "jsonl" }).rows.length));
console.log(`JSON Lines with one line of 100,000 "[": ${kept} of 2 valid lines kept, ${ms.toFixed(0)} ms`);
