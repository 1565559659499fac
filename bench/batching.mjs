/**
 * Research: what does batching do to int8 results, and what does it buy in speed?
 *
 * (a) accuracy on the mini model (int8) vs ../shared/models/sentiment-mini/reference/sst2-dev.json (872 rows), vs
 *     batch 1 and vs the fp32 mini model, for several batching policies;
 * (b) speed (rows/s) of the same policies on the full-size random int8 model on airline tweets, with and without
 *     session.x64quantprecision, intra-op threads 1 and 2;
 * (c) whether any policy keeps every row within 1e-4 of batch 1.
 *
 * Raw onnxruntime-node + @huggingface/tokenizers (the engine's tokenizer). Every policy runs in worker threads
 * (bench/ortWorker.mjs), timed after load and warm-up. Usage:
 *   node bench/batching.mjs [--accuracy] [--speed] [--rows 800] [--x64qp on|off]   (neither of the first two: both)
 * Writes bench/results/batching-<date>.json and prints a markdown table.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { BENCH_DIR, MINI_MODEL, MINI_REFERENCE, ensureRandomModel, fmt, loadTokenizer, loadTweets, machineInfo, quantile, runInWorkers, sessionOptions } from "./lib.mjs";

const args = process.argv.slice(2);
const wantAccuracy = args.includes("--accuracy") || !args.includes("--speed");
const wantSpeed = args.includes("--speed") || !args.includes("--accuracy");
const speedRows = Number(args[args.indexOf("--rows") + 1]) || 800;

/** Batching policies: workers x rows per session.run (sorted by length), at most `spread` padding tokens per row. */
const POLICIES = [
  { name: "batch 1", workers: 1, batch: 1 },
  { name: "batch 1, 2 worker threads", workers: 2, batch: 1 },
  { name: "equal length only, <=32 rows", workers: 1, batch: 32, spread: 0 },
  { name: "sorted, <=2 padding tokens, <=32 rows", workers: 1, batch: 32, spread: 2 },
  { name: "sorted, padded, 8 rows", workers: 1, batch: 8 },
  { name: "sorted, padded, 16 rows", workers: 1, batch: 16 },
  { name: "sorted, padded, 32 rows", workers: 1, batch: 32 },
];
const ALL_CONFIGS = [
  { x64qp: true, threads: 1 },
  { x64qp: true, threads: 2 },
  { x64qp: false, threads: 1 },
  { x64qp: false, threads: 2 },
];
// --x64qp on|off: only the configurations with (or without) session.x64quantprecision.
const x64qpOnly = args.includes("--x64qp") ? args[args.indexOf("--x64qp") + 1] === "on" : undefined;
const CONFIGS = ALL_CONFIGS.filter((c) => x64qpOnly === undefined || c.x64qp === x64qpOnly);

function diffStats(p, reference) {
  const d = Array.from(p, (x, i) => Math.abs(x - reference[i]));
  return { max: Math.max(...d), p99: quantile(d, 0.99), over1e4: d.filter((x) => x > 1e-4).length };
}
const e = (x) => (x === 0 ? "0" : x.toExponential(1));
// 2 workers x 2 intra-op threads would oversubscribe this 2-core machine: worker policies run with 1 thread each.
const applicable = (policy, config) => policy.workers === 1 || config.threads === 1;

async function accuracy() {
  const reference = JSON.parse(readFileSync(MINI_REFERENCE, "utf8"));
  const tokenizer = await loadTokenizer(MINI_MODEL);
  const rows = reference.map((row) => tokenizer.encode(row.text));
  const refP = reference.map((row) => row.p_positive);
  const gold = reference.map((row) => row.label);
  const accuracyOf = (p) => (100 * gold.filter((label, i) => (p[i] > 0.5 ? 1 : 0) === label).length) / gold.length;
  const fp32 = (await runInWorkers(join(MINI_MODEL, "onnx", "model.onnx"), sessionOptions({ threads: 2, x64qp: false }), rows)).p;
  const results = [{ model: "sentiment-mini fp32", policy: "batch 1", vsReference: diffStats(fp32, refP), accuracy: accuracyOf(fp32) }];
  const file = join(MINI_MODEL, "onnx", "model_quantized.onnx");
  for (const config of CONFIGS) {
    let base;
    for (const policy of POLICIES) {
      if (!applicable(policy, config)) continue;
      const run = await runInWorkers(file, sessionOptions(config), rows, policy);
      base ??= run;
      results.push({
        model: "sentiment-mini int8",
        x64quantprecision: config.x64qp,
        threads: config.threads,
        policy: policy.name,
        vsReference: diffStats(run.p, refP),
        vsBatch1: diffStats(run.p, base.p),
        vsFp32: diffStats(run.p, fp32),
        accuracy: accuracyOf(run.p),
        labelFlipsVsBatch1: Array.from(run.p).filter((x, i) => x > 0.5 !== base.p[i] > 0.5).length,
      });
    }
  }
  return results;
}

async function speed() {
  const dir = ensureRandomModel();
  const tokenizer = await loadTokenizer(dir);
  const rows = loadTweets().slice(0, speedRows).map((text) => tokenizer.encode(text));
  const file = join(dir, "onnx", "model_quantized.onnx");
  const results = [];
  for (const config of CONFIGS) {
    for (const policy of POLICIES) {
      if (!applicable(policy, config)) continue;
      const load = os.loadavg()[0];
      const run = await runInWorkers(file, sessionOptions(config), rows, policy);
      const rowsPerSecond = (rows.length / run.ms) * 1000;
      results.push({ x64quantprecision: config.x64qp, threads: config.threads, policy: policy.name, rows: rows.length, ms: run.ms, rowsPerSecond, loadAverageBefore: load });
      process.stderr.write(`  speed x64qp=${config.x64qp} threads=${config.threads} ${policy.name}: ${fmt(rowsPerSecond)} rows/s (load ${fmt(load, 2)})\n`);
    }
  }
  const lengths = rows.map((row) => row.length);
  return { results, tokens: { mean: lengths.reduce((a, b) => a + b, 0) / lengths.length, p50: quantile(lengths, 0.5), max: Math.max(...lengths) } };
}

const machine = machineInfo();
const report = { machine };
if (wantAccuracy) {
  process.stderr.write("accuracy on the mini model ...\n");
  report.accuracy = await accuracy();
}
if (wantSpeed) {
  process.stderr.write(`speed on the full-size random model, ${speedRows} tweets ...\n`);
  report.speed = await speed();
}
report.loadAverageEnd = os.loadavg()[0];

const out = join(BENCH_DIR, "results");
mkdirSync(out, { recursive: true });
const file = join(out, `batching-${wantAccuracy ? "a" : ""}${wantSpeed ? "s" : ""}-${machine.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

const lines = [`Machine: ${machine.cpuModel}, ${machine.cores} cores, AVX2 ${machine.avx2}, AVX-512 VNNI ${machine.avx512vnni}, ${machine.node}, onnxruntime-node ${machine.onnxruntimeNode}; load average ${fmt(machine.loadAverage1m, 2)} at start, ${fmt(report.loadAverageEnd, 2)} at end`, ""];
if (report.accuracy) {
  const fp = report.accuracy[0];
  lines.push(`(a) |Δp_positive| on SST-2 dev (872 rows), sentiment-mini int8. fp32 mini, batch 1: max ${e(fp.vsReference.max)} / p99 ${e(fp.vsReference.p99)} from the int8 reference, SST-2 accuracy ${fmt(fp.accuracy, 2)} %`, "");
  lines.push("| x64quantprecision | threads | policy | max / p99 vs reference | rows >1e-4 vs reference | max vs batch 1 | rows >1e-4 vs batch 1 | label flips vs batch 1 | max / p99 vs fp32 | SST-2 accuracy % |");
  lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const a of report.accuracy.slice(1)) {
    lines.push(
      `| ${a.x64quantprecision ? "1" : "off"} | ${a.threads} | ${a.policy} | ${e(a.vsReference.max)} / ${e(a.vsReference.p99)} | ${a.vsReference.over1e4} | ${e(a.vsBatch1.max)} | ${a.vsBatch1.over1e4} | ${a.labelFlipsVsBatch1} | ${e(a.vsFp32.max)} / ${e(a.vsFp32.p99)} | ${fmt(a.accuracy, 2)} |`,
    );
  }
  lines.push("");
}
if (report.speed) {
  const t = report.speed.tokens;
  lines.push(`(b) speed, distilbert-sst2-random int8, ${report.speed.results[0].rows} airline tweets (tokens incl. [CLS]/[SEP]: mean ${fmt(t.mean)}, p50 ${t.p50}, max ${t.max})`, "");
  lines.push(`| policy | ${CONFIGS.map((c) => `x64qp ${c.x64qp ? "=1" : "off"}, ${c.threads} thread${c.threads > 1 ? "s" : ""}`).join(" | ")} |`);
  lines.push(`| --- |${CONFIGS.map(() => " --- |").join("")}`);
  for (const policy of POLICIES) {
    const cells = CONFIGS.map((c) => report.speed.results.find((r) => r.policy === policy.name && r.x64quantprecision === c.x64qp && r.threads === c.threads));
    lines.push(`| ${policy.name} | ${cells.map((r) => (r ? `${fmt(r.rowsPerSecond)} rows/s` : "n/a")).join(" | ")} |`);
  }
}
console.log(lines.join("\n"));
console.log(`\nwritten: ${file}`);
