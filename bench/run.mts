/**
 * `npm run bench`: throughput, latency, memory and event-loop numbers of the sentiment engine on the full-size
 * DistilBERT SST-2 int8 graph (random weights: ../shared/models/distilbert-sst2-random, built into bench/models/ when
 * missing), side by side with
 *   1. the limit: raw onnxruntime-node on the same token ids, batched the fastest way found (bench/limit.mjs);
 *   2. our engine end to end: segmentation + EngineClient + dist/worker.js (bench/engine.ts);
 *   3. the anchor: @huggingface/transformers pipeline('text-classification', { dtype: 'q8' }), once per paragraph
 *      (bench/anchor.mjs).
 * Each runs in its own process, one after the other (never two heavy measurements at once).
 * Prints a markdown table and pass/fail against the targets, writes bench/results/bench-<date>.json.
 *
 * Usage: npx tsx bench/run.mts [--sizes 1000,10000]   (needs `npm run build` for dist/worker.js)
 */
import { spawnSync } from "node:child_process";
import * as esbuild from "esbuild";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { segment } from "../src/core/segment";
import { DEFAULT_GRAPH_CACHE, rowwiseModelFile } from "../src/engine/graph/rowwise";
import { BENCH_DIR, RANDOM_MODEL, ROOT, ensureRandomModel, fmt, loadSst2, loadTokenizer, loadTweets, machineInfo, readJsonFile } from "./lib.mjs";

const argv = process.argv.slice(2);
const sizesArg = argv.includes("--sizes") ? argv[argv.indexOf("--sizes") + 1] : "1000,10000";
const sizes = sizesArg.split(",").map(Number);
if (sizes.length !== 2 || sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error("--sizes takes two paragraph counts, e.g. 1000,10000");
const [SMALL, LARGE] = sizes;
/** Time caps of the anchor (one pipeline call per paragraph is the slow one), in seconds. */
const ANCHOR_CAP = { small: 60, large: 30 };
const TARGETS = { engineVsLimit: 0.9, engineVsAnchor: 1.9, editP95Ms: 60, eventLoopMs: 20, workerRssMB: 250 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();
const machine = machineInfo();
log(`bench: ${machine.cpuModel}, ${machine.cores} cores, ${machine.node}, onnxruntime-node ${machine.onnxruntimeNode}, load average ${fmt(machine.loadAverage1m, 2)}`);
if (machine.loadAverage1m > 1) log(`warning: load average ${fmt(machine.loadAverage1m, 2)} on ${machine.cores} cores: other processes compete, numbers will be noisy`);
ensureRandomModel(log);
{
  // The row-wise int8 graph the engine runs (src/engine/rowwise.ts), made now as a user's first load makes it once.
  const t = performance.now();
  const file = rowwiseModelFile(join(RANDOM_MODEL, "onnx", "model_quantized.onnx"), DEFAULT_GRAPH_CACHE);
  log(`row-wise graph: ${file} (${fmt(performance.now() - t, 0)} ms; made once per model)`);
}
if (!existsSync(join(ROOT, "dist", "worker.js"))) throw new Error('dist/worker.js not found: run "npm run build" first');

// ---------------------------------------------------------------------------------------------------------------
// Documents: feedback paragraphs from airline tweets (CSV, deduplicated by tweet_id) and SST-2 dev sentences,
// shuffled with a fixed seed, as markdown with a heading every 100 paragraphs. Each paragraph is checked to be
// exactly one unit for our segmenter, so a document of N paragraphs has N units.
// ---------------------------------------------------------------------------------------------------------------
const docs = join(os.tmpdir(), "inline-sentiment-bench");
rmSync(docs, { recursive: true, force: true });
mkdirSync(docs, { recursive: true });

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20240611);
const pool = [...loadTweets(), ...loadSst2()]
  .map((text) => text.replace(/\r\n?/g, "\n").replace(/\n[ \t]*(\n[ \t]*)+/g, "\n").trim())
  .filter((text) => text && !/^\s*(<|```|~~~)/m.test(text) && segment(text, "markdown").length === 1);
for (let i = pool.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [pool[i], pool[j]] = [pool[j], pool[i]];
}
if (pool.length < LARGE) throw new Error(`only ${pool.length} usable paragraphs for a ${LARGE}-paragraph document`);

function documentOf(paragraphs: readonly string[]): string {
  const parts = ["# Customer feedback\n"];
  paragraphs.forEach((p, i) => {
    if (i % 100 === 0) parts.push(`## Feedback ${i + 1}-${Math.min(i + 100, paragraphs.length)}\n`);
    parts.push(`${p}\n`);
  });
  return parts.join("\n");
}
const docInfo: Record<number, { paragraphs: number; units: number; chars: number; meanTokens: number }> = {};
const tokenizer = await loadTokenizer(RANDOM_MODEL);
for (const n of sizes) {
  const text = documentOf(pool.slice(0, n));
  const units = segment(text, "markdown").map((unit) => unit.text);
  if (units.length !== n) throw new Error(`the ${n}-paragraph document has ${units.length} units`);
  writeFileSync(join(docs, `doc-${n}.md`), text);
  writeFileSync(join(docs, `units-${n}.json`), JSON.stringify(units));
  const tokens = units.reduce((sum, unit) => sum + tokenizer.count(unit) + 2, 0);
  docInfo[n] = { paragraphs: n, units: units.length, chars: text.length, meanTokens: tokens / n };
}

/** Words from the documents, in order, for texts of an exact token count. */
const words = pool.slice(LARGE).join(" ").split(/\s+/).filter(Boolean);
let wordAt = 0;
/** A text of exactly `tokens` model tokens ([CLS] and [SEP] included): document words, topped up with "ok". */
function textOfTokens(tokens: number): string {
  const target = tokens - 2;
  const parts: string[] = [];
  let count = 0;
  for (let tries = 0; count < target && tries < 10_000; tries++) {
    const word = words[wordAt++ % words.length];
    const cost = tokenizer.count(word);
    if (count + cost > target) continue;
    parts.push(word);
    count += cost;
  }
  while (count < target) {
    parts.push("ok");
    count += 1;
  }
  const text = parts.join(" ");
  if (tokenizer.count(text) !== target) throw new Error(`text of ${tokens} tokens has ${tokenizer.count(text) + 2}`);
  return text;
}
const LATENCY_TOKENS = [32, 64, 128, 512];
writeFileSync(join(docs, "latency.json"), JSON.stringify(Object.fromEntries(LATENCY_TOKENS.map((t) => [t, Array.from({ length: 8 }, () => textOfTokens(t))]))));

// Live edit: 100 paragraphs of the large document, each edited by inserting a word; their lengths are spread evenly
// over 16..128 tokens (a paragraph is extended with the next words when it is shorter than its slot).
const largeUnits = readJsonFile(join(docs, `units-${LARGE}.json`)) as string[];
const edits = { texts: [] as string[], tokens: [] as number[] };
for (let i = 0; i < 100; i++) {
  const target = 16 + Math.round((i * (128 - 16)) / 99);
  let base = largeUnits[Math.floor((i * largeUnits.length) / 100)];
  if (tokenizer.count(base) + 3 > target) base = base.split(/\s+/).slice(0, Math.max(1, Math.floor(target / 3))).join(" ");
  const extra = tokenizer.count(base) + 3 < target ? textOfTokens(target - tokenizer.count(base) - 1) : "";
  const edited = `${base} really ${extra}`.trim();
  edits.texts.push(edited);
  edits.tokens.push(tokenizer.encode(edited).length);
}
if (Math.max(...edits.tokens) > 128) throw new Error(`an edited paragraph has ${Math.max(...edits.tokens)} tokens`);
// What an edit sends back to the model without a text cache (the whole document) and with one (the changed units).
const editedDocUnits = segment(documentOf([...pool.slice(0, LARGE / 2), edits.texts[50], ...pool.slice(LARGE / 2 + 1, LARGE)]), "markdown").map((u) => u.text);
const changedUnits = editedDocUnits.filter((text, i) => text !== largeUnits[i]).length;
writeFileSync(join(docs, "edits.json"), JSON.stringify(edits));
writeFileSync(join(docs, "manifest.json"), JSON.stringify({ sizes }));
log(`documents: ${sizes.map((n) => `${n} paragraphs (${fmt(docInfo[n].chars / 1024, 0)} KiB, mean ${fmt(docInfo[n].meanTokens)} tokens)`).join(", ")}`);

// ---------------------------------------------------------------------------------------------------------------
// The three measurements, one process each, one after the other.
// ---------------------------------------------------------------------------------------------------------------
function child(name: string, args: string[]): any {
  const out = join(docs, `${name}.json`);
  const t = performance.now();
  const load = os.loadavg()[0];
  log(`${name} ...`);
  const run = spawnSync(process.execPath, [...args, docs, out, ...(name === "anchor" ? [String(ANCHOR_CAP.small), String(ANCHOR_CAP.large)] : [])], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.status !== 0) throw new Error(`${name} failed (exit ${run.status ?? run.signal})`);
  return { ...readJsonFile(out), wallSeconds: (performance.now() - t) / 1000, loadAverageBefore: load };
}
const limit = child("limit", [join(BENCH_DIR, "limit.mjs")]);
// The engine's host code runs bundled by esbuild, as the extension's does (dist/extension.js): run through tsx, the
// loader's own heap (esbuild, source maps) would double the host's garbage-collection pauses that the event-loop
// delay measures. The bundle sits in bench/ so that lib.mjs finds the project from its own location.
const engineBundle = join(BENCH_DIR, ".engine.bundle.mjs");
await esbuild.build({
  entryPoints: [join(BENCH_DIR, "engine.mts")],
  outfile: engineBundle,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  external: ["onnxruntime-node"],
  // CommonJS dependencies inside an ES module bundle need a require.
  banner: { js: 'import { createRequire as bannerRequire } from "node:module"; const require = bannerRequire(import.meta.url);' },
});
const engine = child("engine", [engineBundle]);
const anchor = child("anchor", [join(BENCH_DIR, "anchor.mjs")]);

// ---------------------------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------------------------
const rate = (r: any, n: number) => r.runs[n].paragraphsPerSecond as number;
const ratios = Object.fromEntries(
  sizes.map((n) => [n, { engineVsLimit: rate(engine, n) / rate(limit, n), engineVsAnchor: rate(engine, n) / rate(anchor, n) }]),
);
const workerRss = engine.rssMB.peak - engine.rssMB.beforeWorker;
const oneThread128 = engine.latency["1 thread"]["128"];
const targets = {
  [`engine/limit >= ${TARGETS.engineVsLimit}`]: sizes.every((n) => ratios[n].engineVsLimit >= TARGETS.engineVsLimit),
  [`engine/anchor >= ${TARGETS.engineVsAnchor}`]: sizes.every((n) => ratios[n].engineVsAnchor >= TARGETS.engineVsAnchor),
  [`edit -> result p95 <= ${TARGETS.editP95Ms} ms (<=128 tokens, 1 thread)`]: engine.edit.p95 <= TARGETS.editP95Ms,
  [`host event-loop delay <= ${TARGETS.eventLoopMs} ms (${LARGE} paragraphs)`]: engine.runs[LARGE].eventLoopDelayMaxMs <= TARGETS.eventLoopMs,
  [`worker RSS <= ${TARGETS.workerRssMB} MB (int8)`]: workerRss <= TARGETS.workerRssMB,
};

const n0 = SMALL.toLocaleString("en-US");
const n1 = LARGE.toLocaleString("en-US");
const anchorNote = (n: number) => (anchor.runs[n].capped ? ` (first ${anchor.runs[n].measured.toLocaleString("en-US")} paragraphs, ${anchor.runs[n].capSeconds} s cap)` : "");
const lat = (key: string) => LATENCY_TOKENS.map((t) => `${fmt(engine.latency[key][t].p50)} / ${fmt(engine.latency[key][t].p95)}`).join(" | ");
const ok = (pass: boolean) => (pass ? "pass" : "**fail**");
const lines = [
  `Benchmark: DistilBERT SST-2 int8 graph (distilbert-sst2-random: the real model's graph and size, random weights), ${machine.cpuModel}, ${machine.cores} cores (AVX2 ${machine.avx2 ? "yes" : "no"}, AVX-512 VNNI ${machine.avx512vnni ? "yes" : "no"}), Node ${machine.node}, onnxruntime-node ${machine.onnxruntimeNode}, ${machine.date.slice(0, 10)}. Feedback documents: markdown, airline tweets + SST-2 dev sentences, mean ${fmt(docInfo[LARGE].meanTokens)} tokens a paragraph.`,
  "",
  `| | ${n0} paragraphs | ${n1} paragraphs |`,
  "| --- | --- | --- |",
  `| 1. limit: raw onnxruntime-node, ${limit.best} | ${fmt(rate(limit, SMALL))} /s | ${fmt(rate(limit, LARGE))} /s |`,
  `| 2. our engine end to end (segmentation, tokenization, one worker, int8 one text per run: the default) | ${fmt(rate(engine, SMALL))} /s | ${fmt(rate(engine, LARGE))} /s |`,
  `| 2b. our engine, batching on (row-wise int8 graph; segmentation not timed) | ${fmt(engine.batchingOn.paragraphsPerSecond)} /s | |`,
  `| 2c. our engine, engine.workers 2 (a helper worker with its own model copy, one thread; segmentation not timed) | ${fmt(engine.twoWorkers.paragraphsPerSecond)} /s | |`,
  `| 3. anchor: transformers.js pipeline, one call per paragraph | ${fmt(rate(anchor, SMALL))} /s${anchorNote(SMALL)} | ${fmt(rate(anchor, LARGE))} /s${anchorNote(LARGE)} |`,
  `| 2/1 (target >= ${TARGETS.engineVsLimit}) | ${fmt(ratios[SMALL].engineVsLimit, 2)} | ${fmt(ratios[LARGE].engineVsLimit, 2)} |`,
  `| 2/3 (target >= ${TARGETS.engineVsAnchor}) | ${fmt(ratios[SMALL].engineVsAnchor, 2)} | ${fmt(ratios[LARGE].engineVsAnchor, 2)} |`,
  "",
  `| engine, single paragraph, p50 / p95 ms | 32 tokens | 64 tokens | 128 tokens | 512 tokens |`,
  "| --- | --- | --- | --- | --- |",
  `| default threads (onnxruntime's choice: one per core) | ${lat("default threads")} |`,
  `| 1 intra-op thread | ${lat("1 thread")} |`,
  "",
  "| measure | value | target | |",
  "| --- | --- | --- | --- |",
  `| worker RSS: process peak RSS (VmHWM) minus RSS before the worker started, model loaded and ${n1} paragraphs scored | ${fmt(workerRss, 0)} MB (after load ${fmt(engine.rssMB.afterLoad - engine.rssMB.beforeWorker, 0)} MB) | <= ${TARGETS.workerRssMB} MB | ${ok(targets[`worker RSS <= ${TARGETS.workerRssMB} MB (int8)`])} |`,
  `| host's largest event-loop delay, ${n1} paragraphs (segmentation on the host: ${fmt(engine.runs[LARGE].segmentMs, 0)} ms) | ${fmt(engine.runs[LARGE].eventLoopDelayMaxMs)} ms (while the worker scores: ${fmt(engine.runs[LARGE].eventLoopDelayMaxModelPhaseMs)} ms) | <= ${TARGETS.eventLoopMs} ms | ${ok(targets[`host event-loop delay <= ${TARGETS.eventLoopMs} ms (${LARGE} paragraphs)`])} |`,
  `| live edit, ${n1}-paragraph document, one paragraph edited: texts re-scored | at most ${engine.edit.textsRescored.max} per edit (${changedUnits} unit changed; without the text cache it would be ${editedDocUnits.length.toLocaleString("en-US")}) | 1 | ${ok(engine.edit.textsRescored.max === 1)} |`,
  `| edit -> result: incremental segmentation + cache + classify of the changed paragraph, 1 thread, 100 edits of 16-128 tokens | p50 ${fmt(engine.edit.p50)} ms, p95 ${fmt(engine.edit.p95)} ms (128 tokens alone: p95 ${fmt(oneThread128.p95)} ms) | p95 <= ${TARGETS.editP95Ms} ms | ${ok(engine.edit.p95 <= TARGETS.editP95Ms)} |`,
];
const notes = [
  "",
  "What is measured:",
  `- paragraphs per second: wall time of the whole document after the model is loaded and warmed up. Limit: token ids prepared beforehand, runs only, fastest of ${limit.screening.length} batching set-ups tried on the first ${limit.screeningRows} paragraphs; engine: DocumentSegmenter.segmentAsync() + EnginePool.classify(all units) (the defaults: one worker, onnxruntime's threads, int8 one text per call; "batching on": the row-wise int8 graph, up to 16 texts of up to 48 tokens per run); anchor: await pipeline(text) per paragraph${anchor.runs[LARGE].capped || anchor.runs[SMALL].capped ? ", stopped at its time cap, rate of the paragraphs it reached" : ""}.`,
  `- limit and engine use the engine's session options (x64quantprecision=1, spinning off); the anchor uses transformers.js defaults.`,
  `- worker RSS: the engine runs in its own process whose host holds only the client and the segmenter; the figure is that process's peak RSS minus its RSS just before the worker was created.`,
  `- event-loop delay: perf_hooks.monitorEventLoopDelay (1 ms resolution) on the host thread, from before segmentation to the last result.`,
  `- edit -> result: what the extension does after the debounce, on the ${n1}-paragraph document: incremental segmentation (only the edited chunk is parsed again), cache lookup by text, and the changed paragraph classified at high priority by a 1-thread engine.`,
  `- machine load: 1-minute load average ${fmt(limit.loadAverageBefore, 2)} / ${fmt(engine.loadAverageBefore, 2)} / ${fmt(anchor.loadAverageBefore, 2)} before the limit / engine / anchor runs (2 cores; anything above ~0.2 means another process competed).`,
];
const totalSeconds = (performance.now() - started) / 1000;
console.log([...lines, ...notes, "", "Targets:", ...Object.entries(targets).map(([name, pass]) => `- ${name}: ${pass ? "PASS" : "FAIL"}`), "", `Run time ${fmt(totalSeconds, 0)} s.`].join("\n"));

mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
const file = join(BENCH_DIR, "results", `bench-${machine.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ machine, transformers: "4.3.1", model: RANDOM_MODEL, documents: docInfo, limit, engine, anchor, ratios, workerRssMB: workerRss, liveEdit: { textsRescoredWithoutCache: editedDocUnits.length, unitsChanged: changedUnits, editToResult: engine.edit }, targets, runSeconds: totalSeconds }, null, 2)}\n`,
);
console.log(`\nwritten: ${file}`);
