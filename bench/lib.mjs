/**
 * Shared helpers of the benchmarks: the data (../shared/data), the random full-size model folder, machine info,
 * percentiles. Plain ESM so both bench/run.ts (tsx) and bench/batching.mjs (node) import it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(BENCH_DIR, "..");
export const SHARED = resolve(ROOT, "../shared");
export const DATA = join(SHARED, "data");
export const RANDOM_MODEL = join(BENCH_DIR, "models", "distilbert-sst2-random");
export const MINI_MODEL = join(SHARED, "models", "sentiment-mini");
export const MINI_REFERENCE = join(MINI_MODEL, "reference", "sst2-dev.json");

const require = createRequire(import.meta.url);

/** Builds the random full-size model folder (bench/models/, gitignored) when it is missing. */
export function ensureRandomModel(log = (line) => process.stderr.write(`${line}\n`)) {
  const onnx = join(RANDOM_MODEL, "onnx", "model_quantized.onnx");
  const weights = join(RANDOM_MODEL, "onnx", "base_quantized.weights.bin");
  if (existsSync(onnx) && existsSync(weights) && existsSync(join(RANDOM_MODEL, "tokenizer.json"))) return RANDOM_MODEL;
  const maker = join(SHARED, "models", "distilbert-sst2-random", "make-weights.mjs");
  if (!existsSync(maker)) throw new Error(`${maker}: not found (the benchmark needs ../shared beside the project)`);
  log(`building ${RANDOM_MODEL} (random weights, ~330 MB, about 15 s) ...`);
  execFileSync(process.execPath, [maker, RANDOM_MODEL], { stdio: ["ignore", "ignore", "inherit"] });
  return RANDOM_MODEL;
}

/** Airline tweets: parsed as CSV (texts hold newlines and quotes), deduplicated by tweet_id, in file order. */
export function loadTweets() {
  const rows = parse(readFileSync(join(DATA, "airline-tweets.csv")), { columns: true, skip_empty_lines: true, bom: true });
  const seen = new Set();
  const tweets = [];
  for (const row of rows) {
    if (seen.has(row.tweet_id)) continue;
    seen.add(row.tweet_id);
    tweets.push(row.text);
  }
  return tweets;
}

/** SST-2 dev sentences (872), in file order. */
export function loadSst2() {
  return readFileSync(join(DATA, "sst2-dev.tsv"), "utf8")
    .split("\n")
    .slice(1)
    .filter((line) => line.trim())
    .map((line) => line.split("\t")[0].trim());
}

/** A seeded random number generator (mulberry32): the documents are the same in every run. */
export function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Feedback paragraphs: airline tweets (deduplicated) and SST-2 dev sentences, blank lines folded, shuffled with a
 * fixed seed; only texts that `segment` (src/core/segment's, passed in so this file stays plain ESM) sees as exactly
 * one markdown unit.
 */
export function feedbackParagraphs(segment) {
  const random = mulberry32(20240611);
  const pool = [...loadTweets(), ...loadSst2()]
    .map((text) => text.replace(/\r\n?/g, "\n").replace(/\n[ \t]*(\n[ \t]*)+/g, "\n").trim())
    .filter((text) => text && !/^\s*(<|```|~~~)/m.test(text) && segment(text, "markdown").length === 1);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool;
}

/** A feedback document of `paragraphs`: a title, a heading before every 100 paragraphs, a blank line between blocks. */
export function documentOf(paragraphs) {
  const parts = ["# Customer feedback\n"];
  paragraphs.forEach((p, i) => {
    if (i % 100 === 0) parts.push(`## Feedback ${i + 1}-${Math.min(i + 100, paragraphs.length)}\n`);
    parts.push(`${p}\n`);
  });
  return parts.join("\n");
}

/** Value at quantile q (0..1) of numbers, nearest-rank. */
export function quantile(values, q) {
  if (!values.length) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function median(values) {
  return quantile(values, 0.5);
}

export function machineInfo() {
  const cpus = os.cpus();
  let flags = "";
  try {
    flags = readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1] ?? "";
  } catch {
    /* not Linux */
  }
  const has = (flag) => new RegExp(`\\b${flag}\\b`).test(flags);
  return {
    cpuModel: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    avx2: has("avx2"),
    avx512vnni: has("avx512_vnni"),
    avxVnni: has("avx_vnni") || has("avxvnni"),
    avx512bw: has("avx512bw"),
    arm: os.arch() === "arm64" || os.arch() === "arm",
    totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    onnxruntimeNode: require("onnxruntime-node/package.json").version,
    loadAverage1m: os.loadavg()[0],
    date: new Date().toISOString(),
  };
}

/** Current RSS of this process (all threads, incl. workers) in MB, and the peak (VmHWM) from /proc when available. */
export function rssMB() {
  const current = process.memoryUsage.rss() / 2 ** 20;
  let peak = NaN;
  try {
    const hwm = readFileSync("/proc/self/status", "utf8").match(/^VmHWM:\s+(\d+) kB/m);
    if (hwm) peak = Number(hwm[1]) / 1024;
  } catch {
    /* not Linux */
  }
  return { current, peak };
}

export const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/** Session options of the benchmarks: the engine's (spinning off; x64quantprecision unless turned off). */
export function sessionOptions({ threads, x64qp = true }) {
  const session = { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } };
  if (x64qp) session.x64quantprecision = "1";
  return { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all", extra: { session } };
}

/**
 * Raw onnxruntime-node in `workers` worker threads (bench/ortWorker.mjs), rows dealt round-robin, each worker running
 * sorted batches of `batch` rows (at most `spread` padding tokens a row). Timed from when every worker has loaded its
 * session and warmed up; returns p_positive per row (input order), wall ms, and each worker's own ms.
 */
export async function runInWorkers(file, options, rows, { workers = 1, batch = 1, spread = Infinity } = {}) {
  const { Worker } = await import("node:worker_threads");
  const shares = Array.from({ length: workers }, (_, w) => rows.map((_, i) => i).filter((i) => i % workers === w));
  const pool = shares.map(
    (share) =>
      new Worker(new URL("./ortWorker.mjs", import.meta.url), {
        workerData: { file, options, rows: share.map((i) => rows[i]), batch, spread },
      }),
  );
  const message = (worker, type) =>
    new Promise((resolve, reject) => {
      const on = (m) => {
        if (m.type !== type) return;
        worker.off("message", on);
        resolve(m);
      };
      worker.on("message", on);
      worker.once("error", reject);
    });
  try {
    await Promise.all(pool.map((w) => message(w, "ready")));
    const start = performance.now();
    const done = Promise.all(pool.map((w) => message(w, "done")));
    pool.forEach((w) => w.postMessage("go"));
    const answers = await done;
    const ms = performance.now() - start;
    const p = new Float64Array(rows.length);
    answers.forEach((answer, w) => shares[w].forEach((i, k) => (p[i] = answer.p[k])));
    return { p, ms, workerMs: answers.map((a) => a.ms) };
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** The tokenizer of a model folder, as the engine uses it (@huggingface/tokenizers); returns ids with [CLS]/[SEP]. */
export async function loadTokenizer(dir) {
  const { Tokenizer } = await import("@huggingface/tokenizers");
  const json = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8"));
  const config = JSON.parse(readFileSync(join(dir, "tokenizer_config.json"), "utf8"));
  const tokenizer = new Tokenizer(json, config);
  return {
    /** Model input ids, special tokens included. */
    encode: (text) => tokenizer.encode(text).ids,
    /** Content tokens only. */
    count: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids.length,
  };
}

/** Reads a JSON file. */
export function readJsonFile(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}
