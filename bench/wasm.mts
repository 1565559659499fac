/**
 * The WebAssembly backend's figures beside the native one's (issue 14):
 *   1. parity with the reference pipeline: the mini model (int8) on SST-2 dev (872 texts, one text per run), largest
 *      |Δp(POSITIVE)|, rows over 1e-4, and labels that flip against the reference and against the native backend;
 *   2. live edit of a 128-token paragraph on the full-size int8 graph (distilbert-sst2-random), 2 threads: a word is
 *      inserted, the paragraph is classified at high priority; edit -> result p50 / p95 (the host's cache lookup and
 *      incremental segmentation add well under a millisecond: bench/engine.mts measures them with the native backend).
 * Prints the CPU's features with the figures; timings drift with the machine's load (printed too).
 *
 * Usage: npm run build && npx tsx bench/wasm.mts [--edits 100]
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { EngineClient, engineThread } from "./engineImports";
import { MINI_MODEL, MINI_REFERENCE, RANDOM_MODEL, ROOT, ensureRandomModel, fmt, loadTokenizer, machineInfo, quantile } from "./lib.mjs";

const argv = process.argv.slice(2);
const EDITS = argv.includes("--edits") ? Number(argv[argv.indexOf("--edits") + 1]) : 100;
const WORKER = join(ROOT, "dist", "worker.js");
const BACKENDS = ["native", "wasm"] as const;
const log = (line: string) => process.stderr.write(`${line}\n`);

const machine = machineInfo();
const features = `avx2 ${machine.avx2}, avx512_vnni ${machine.avx512vnni}, avx_vnni ${machine.avxVnni}, arm ${machine.arm}`;
log(`${machine.cpuModel}, ${machine.cores} cores (${features}), Node ${machine.node}, load average ${fmt(machine.loadAverage1m, 2)}`);

// ---------------------------------------------------------------------------------------------------------------
// 1. Parity with the reference (the mini model's reference/sst2-dev.json: @huggingface/transformers, one text a call).
// ---------------------------------------------------------------------------------------------------------------
interface ReferenceRow {
  text: string;
  label: number;
  p_positive: number;
}
const rows: ReferenceRow[] = JSON.parse(readFileSync(MINI_REFERENCE, "utf8"));
const probabilities: Record<string, number[]> = {};
const parity: string[] = [];
for (const backend of BACKENDS) {
  const engine = new EngineClient(engineThread(WORKER), { dir: MINI_MODEL, kind: "custom", dtype: "q8", backend, intraOpThreads: 2 });
  try {
    const info = await engine.modelInfo();
    const t = performance.now();
    const results = await engine.classify(rows.map((row) => row.text));
    const seconds = (performance.now() - t) / 1000;
    const p = results.map((r) => r.probabilities.POSITIVE);
    probabilities[backend] = p;
    const errors = p.map((value, i) => Math.abs(value - rows[i].p_positive));
    const flips = p.filter((value, i) => value >= 0.5 !== rows[i].p_positive >= 0.5).length;
    const accuracy = p.filter((value, i) => (value >= 0.5 ? 1 : 0) === rows[i].label).length / rows.length;
    parity.push(
      `| ${info.backend} | ${Math.max(...errors).toExponential(2)} | ${errors.filter((e) => e > 1e-4).length} | ${flips} | ${fmt(accuracy * 100, 2)} % | ${fmt(rows.length / seconds, 0)} | ${info.kernelsReason} |`,
    );
  } finally {
    engine.dispose();
  }
}
const vsNative = probabilities.wasm.map((p, i) => Math.abs(p - probabilities.native[i]));
const flipsVsNative = probabilities.wasm.filter((p, i) => p >= 0.5 !== probabilities.native[i] >= 0.5).length;

// ---------------------------------------------------------------------------------------------------------------
// 2. Live edit of a 128-token paragraph, full-size int8 graph, 2 threads.
// ---------------------------------------------------------------------------------------------------------------
ensureRandomModel(log);
const tokenizer = await loadTokenizer(RANDOM_MODEL);
const words = rows.map((row) => row.text).join(" ").split(/\s+/).filter(Boolean);
/** A paragraph of exactly `tokens` model tokens ([CLS] and [SEP] included) from words starting at `from`. */
function paragraphOf(tokens: number, from: number): string {
  const parts: string[] = [];
  let count = 0;
  for (let i = from; count < tokens - 2; i++) {
    const word = words[i % words.length];
    const cost = tokenizer.count(word);
    if (count + cost > tokens - 2) break;
    parts.push(word);
    count += cost;
  }
  while (count < tokens - 2) {
    parts.push("ok");
    count++;
  }
  return parts.join(" ");
}
const edit = (paragraph: string, i: number) => {
  // One word inserted at a spread-out position, one word dropped at the end: the paragraph stays at ~128 tokens.
  const parts = paragraph.split(" ");
  parts.splice(1 + ((i * 7) % (parts.length - 2)), 0, "really");
  parts.pop();
  return parts.join(" ");
};
const latency: string[] = [];
for (const backend of BACKENDS) {
  const engine = new EngineClient(engineThread(WORKER), { dir: RANDOM_MODEL, kind: "custom", dtype: "q8", backend, intraOpThreads: 2 });
  try {
    const t = performance.now();
    const info = await engine.modelInfo();
    const loadMs = performance.now() - t;
    const times: number[] = [];
    const tokenCounts: number[] = [];
    for (let i = -5; i < EDITS; i++) {
      const text = edit(paragraphOf(128, Math.abs(i) * 37), i);
      const start = performance.now();
      const [result] = await engine.classify([text], { priority: "high" });
      if (i >= 0) {
        times.push(performance.now() - start);
        tokenCounts.push(result.tokens + 2);
      }
    }
    latency.push(
      `| ${info.backend} | ${fmt(quantile(times, 0.5))} | ${fmt(quantile(times, 0.95))} | ${fmt(Math.max(...times))} | ${Math.min(...tokenCounts)}-${Math.max(...tokenCounts)} | ${fmt(loadMs / 1000, 1)} s |`,
    );
  } finally {
    engine.dispose();
  }
}

console.log(
  [
    `WebAssembly backend vs native: ${machine.cpuModel}, ${machine.cores} cores (${features}), Node ${machine.node}, ${machine.date.slice(0, 10)}, load average ${fmt(machine.loadAverage1m, 2)} at the start, ${fmt(os.loadavg()[0], 2)} at the end.`,
    "",
    `Parity with the reference pipeline: mini model int8, SST-2 dev (${rows.length} texts, one text per run), 2 threads.`,
    "",
    "| backend | max abs diff p(POSITIVE) | rows > 1e-4 | label flips vs reference | accuracy | texts/s | int8 kernels |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...parity,
    "",
    `WebAssembly vs native on the same texts: max |Δp| ${Math.max(...vsNative).toExponential(2)}, rows > 1e-4: ${vsNative.filter((d) => d > 1e-4).length}, label flips: ${flipsVsNative}.`,
    "",
    `Live edit: a 128-token paragraph edited (one word inserted) and classified at high priority, ${EDITS} edits after 5 warm-up, full-size DistilBERT int8 graph (random weights), 2 threads; ms from classify() to its result on the host.`,
    "",
    "| backend | p50 ms | p95 ms | max ms | tokens | model load |",
    "| --- | --- | --- | --- | --- | --- |",
    ...latency,
  ].join("\n"),
);
