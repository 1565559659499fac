/**
 * Research for issue 12: which raw onnxruntime-node set-up scores bulk text fastest on this CPU, and which of them
 * keep every text's result within 1e-4 of the text alone. All set-ups run interleaved (A B C A B C ...) on the same
 * 1,000 feedback paragraphs (bench/lib.mjs) of the full-size random int8 model; then their exactness against each text
 * alone (same graph and kernels) and, on the mini model, against ../shared's SST-2 dev reference; then each set-up's
 * memory in a fresh process (bench/setupRss.mjs).
 * Usage: npx tsx bench/kernels.mts [--rows 1000] [--rounds 3] [--no-rss]
 * Writes bench/results/kernels-<date>.json and prints a markdown table.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { segment } from "../src/core/segment";
import { chooseKernels, describeKernels } from "../src/engine/kernels";
import { rowwiseModelFile } from "../src/engine/rowwise";
import { anchorContender, delta, interleave, ratio, rawContender } from "./interleave.mjs";
import { BENCH_DIR, MINI_MODEL, MINI_REFERENCE, ensureRandomModel, feedbackParagraphs, fmt, loadTokenizer, machineInfo } from "./lib.mjs";

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const ROWS = arg("--rows", 1000);
const ROUNDS = arg("--rounds", 3);
const log = (line: string) => process.stderr.write(`${line}\n`);
const e = (x: number) => (x === 0 ? "0" : x.toExponential(1));

const machine = machineInfo();
const choice = await chooseKernels(ort);
log(`${machine.cpuModel}, ${machine.cores} cores, avx2 ${machine.avx2}, avx512_vnni ${machine.avx512vnni}, avx_vnni ${machine.avxVnni}, arm ${machine.arm}; ${describeKernels(choice)}`);
const dir = ensureRandomModel(log);
const original = join(dir, "onnx", "model_quantized.onnx");
const cache = join(tmpdir(), "inline-sentiment-graphs");
const rowwiseU8 = rowwiseModelFile(original, cache, "uint8");
const rowwiseI8 = rowwiseModelFile(original, cache, "int8");
const tokenizer = await loadTokenizer(dir);
const texts = feedbackParagraphs(segment).slice(0, ROWS);
const rows = texts.map((text: string) => tokenizer.encode(text));
log(`${rows.length} paragraphs, mean ${fmt(rows.reduce((s: number, r: number[]) => s + r.length, 0) / rows.length)} tokens`);

/** Set-ups; `alone` names the set-up whose results are "the same text alone" for this one (same graph and kernels). */
const SETUPS = [
  { id: "1", name: "default kernels (u8s8), 1 session x 2 threads, one text per run", file: original, threads: 2, x64qp: false },
  { id: "2", name: "default kernels (u8s8), 2 sessions x 1 thread, one text per run", file: original, threads: 1, x64qp: false, sessions: 2, alone: "1" },
  { id: "3", name: "x64quantprecision=1 (u8u8), 1 session x 2 threads, one text per run", file: original, threads: 2, x64qp: true },
  { id: "3b", name: "x64quantprecision=1 (u8u8), 2 sessions x 1 thread, one text per run", file: original, threads: 1, x64qp: true, sessions: 2, alone: "3" },
  { id: "4", name: "original graph, default kernels, sorted padded batches of 16, 1 x 2 threads (inexact)", file: original, threads: 2, x64qp: false, batch: 16, alone: "1" },
  { id: "4b", name: "original graph, default kernels, sorted batches <=32 rows <=2 padding, 1 x 2 threads (inexact)", file: original, threads: 2, x64qp: false, batch: 32, spread: 2, alone: "1" },
  { id: "5", name: "row-wise graph, uint8 weights (u8u8), batches of 16, 1 x 2 threads", file: rowwiseU8, threads: 2, x64qp: true, batch: 16, alone: "5-alone" },
  { id: "6-8", name: "row-wise graph, int8 weights (u8s8), batches of 8, 1 x 2 threads", file: rowwiseI8, threads: 2, x64qp: false, batch: 8, alone: "6-alone" },
  { id: "6-16", name: "row-wise graph, int8 weights (u8s8), batches of 16, 1 x 2 threads", file: rowwiseI8, threads: 2, x64qp: false, batch: 16, alone: "6-alone" },
  { id: "6-32", name: "row-wise graph, int8 weights (u8s8), batches of 32, 1 x 2 threads", file: rowwiseI8, threads: 2, x64qp: false, batch: 32, alone: "6-alone" },
  { id: "6-16x2", name: "row-wise graph, int8 weights (u8s8), batches of 16, 2 sessions x 1 thread", file: rowwiseI8, threads: 1, x64qp: false, batch: 16, sessions: 2, alone: "6-alone" },
];
const contenders = [...SETUPS.map((s) => rawContender(s)), anchorContender(dir)];
log(`interleaved: ${contenders.length} set-ups x ${ROUNDS} rounds ...`);
const timed = await interleave(contenders, rows, texts, { rounds: ROUNDS, log });

// Each text alone through the row-wise graphs (not timed): what their batches must reproduce.
const aloneP: Record<string, Float64Array> = {};
for (const [id, file, x64qp] of [["5-alone", rowwiseU8, true], ["6-alone", rowwiseI8, false]] as const) {
  const c = rawContender({ name: id, file, threads: 2, x64qp });
  await c.start();
  aloneP[id] = (await c.run(rows)).p;
  await c.stop();
}
const byId = new Map(timed.map((t) => [(t.contender as { id?: string }).id ?? "anchor", t]));
for (const [id, t] of byId) aloneP[id] ??= t.p;
const defaultAlone = byId.get("1")!;
const report = timed.map((t) => {
  const c = t.contender as { id?: string; alone?: string; name: string };
  const id = c.id ?? "anchor";
  return {
    id,
    name: c.name,
    rates: t.rates,
    medianRowsPerSecond: t.median,
    vsDefault1: ratio(t, defaultAlone),
    vsAlone: delta(t.p, aloneP[c.alone ?? id]),
    vsDefaultAlone: delta(t.p, defaultAlone.p),
  };
});

// Exactness on the mini model against the reference (SST-2 dev, 872 rows).
const reference = JSON.parse(readFileSync(MINI_REFERENCE, "utf8")) as { text: string; p_positive: number }[];
const miniTokenizer = await loadTokenizer(MINI_MODEL);
const miniRows = reference.map((r) => miniTokenizer.encode(r.text));
const refP = reference.map((r) => r.p_positive);
const miniOriginal = join(MINI_MODEL, "onnx", "model_quantized.onnx");
const miniSetups = [
  { id: "1", name: "default kernels, one text per run", file: miniOriginal, x64qp: false },
  { id: "3", name: "x64quantprecision=1, one text per run", file: miniOriginal, x64qp: true },
  { id: "4", name: "original graph, default kernels, padded batches of 16", file: miniOriginal, x64qp: false, batch: 16 },
  { id: "5", name: "row-wise uint8 weights, batches of 16", file: rowwiseModelFile(miniOriginal, cache, "uint8"), x64qp: true, batch: 16 },
  { id: "6", name: "row-wise int8 weights, batches of 16", file: rowwiseModelFile(miniOriginal, cache, "int8"), x64qp: false, batch: 16 },
  { id: "6-alone", name: "row-wise int8 weights, one text per run", file: rowwiseModelFile(miniOriginal, cache, "int8"), x64qp: false },
];
const mini = [];
for (const s of miniSetups) {
  const c = rawContender({ ...s, threads: 2 });
  await c.start();
  const { p } = await c.run(miniRows);
  await c.stop();
  mini.push({ id: s.id, name: s.name, vsReference: delta(p, refP) });
}

// Memory of each set-up, each in a fresh process: peak RSS growth while loading and scoring 200 paragraphs.
const memory: Record<string, unknown> = {};
if (!argv.includes("--no-rss")) {
  const rssRows = join(tmpdir(), "inline-sentiment-rss-rows.json");
  writeFileSync(rssRows, JSON.stringify({ rows: rows.slice(0, 200), texts: texts.slice(0, 200) }));
  for (const s of [...SETUPS.filter((s) => ["1", "2", "3", "5", "6-16", "6-16x2"].includes(s.id)), { id: "anchor", kind: "anchor", dir }]) {
    const run = spawnSync(process.execPath, [join(BENCH_DIR, "setupRss.mjs"), JSON.stringify(s), rssRows], { encoding: "utf8" });
    memory[s.id] = run.status === 0 ? JSON.parse(run.stdout.trim().split("\n").pop()!) : { error: run.stderr.slice(-300) };
    log(`  RSS ${s.id}: ${JSON.stringify(memory[s.id])}`);
  }
}

const lines = [
  `Machine: ${machine.cpuModel}, ${machine.cores} cores, avx2 ${machine.avx2}, avx512_vnni ${machine.avx512vnni}, avx_vnni ${machine.avxVnni}, arm ${machine.arm}, ${machine.node}, onnxruntime-node ${machine.onnxruntimeNode}. ${describeKernels(choice)}.`,
  `${rows.length} feedback paragraphs, ${ROUNDS} interleaved rounds; rows/s median (each round); x = median of per-round ratios to set-up 1; exactness on the random model vs the same text alone (same graph and kernels) and vs set-up 1.`,
  "",
  "| id | set-up | rows/s median (rounds) | x set-up 1 | max vs alone (rows > 1e-4) | max vs default kernels alone | RSS growth MB |",
  "| --- | --- | --- | --- | --- | --- | --- |",
  ...report.map(
    (r) =>
      `| ${r.id} | ${r.name} | ${fmt(r.medianRowsPerSecond)} (${r.rates.map((x) => fmt(x, 0)).join(", ")}) | ${fmt(r.vsDefault1, 2)} | ${e(r.vsAlone.max)} (${r.vsAlone.over1e4}) | ${e(r.vsDefaultAlone.max)} | ${(memory[r.id] as { growthMB?: number })?.growthMB ?? ""} |`,
  ),
  "",
  "Mini model (sentiment-mini int8) vs ../shared reference, SST-2 dev 872 rows:",
  "",
  "| set-up | max vs reference | rows > 1e-4 |",
  "| --- | --- | --- |",
  ...mini.map((m) => `| ${m.id}: ${m.name} | ${e(m.vsReference.max)} | ${m.vsReference.over1e4} |`),
];
console.log(lines.join("\n"));
mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
const file = join(BENCH_DIR, "results", `kernels-${machine.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify({ machine, kernels: choice, rows: rows.length, rounds: ROUNDS, setups: report, mini, memory }, null, 2)}\n`);
console.log(`\nwritten: ${file}`);
