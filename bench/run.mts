/**
 * `npm run bench`: throughput, latency, memory and event-loop numbers of the sentiment engine on the full-size
 * DistilBERT SST-2 int8 graph (random weights: ../shared/models/distilbert-sst2-random, built into bench/models/ when
 * missing). Throughput: every configuration is loaded once and scores the smaller document's paragraphs in interleaved
 * rounds (A B C A B C ...; bench/interleave.mjs), so the machine's drift falls on all alike and ratios are taken within
 * a round:
 *   - raw onnxruntime-node set-ups on the same token ids: the limit is the fastest whose every result stays within 1e-4
 *     of the text alone; "fastest inexact" the fastest of all (batches of the original graph move results);
 *   - our engine (EngineClient on dist/worker.js) with its defaults, and with the WebAssembly backend;
 *   - the anchor: @huggingface/transformers pipeline('text-classification', { dtype: 'q8' }), once per paragraph.
 * Latency, live edit, event loop and worker memory come from bench/engine.mts in a process of its own.
 * Prints the CPU's features and the int8 kernels chosen; writes bench/results/bench-<date>.json.
 *
 * Usage: npx tsx bench/run.mts [--sizes 1000,10000] [--rounds 3]   (needs `npm run build` for dist/worker.js)
 */
import { spawnSync } from "node:child_process";
import * as esbuild from "esbuild";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { EngineClient, engineThread, chooseKernels, describeKernels, segment } from "./engineImports";
import { anchorContender, delta, interleave, ratio, rawContender } from "./interleave.mjs";
import { BENCH_DIR, RANDOM_MODEL, ROOT, documentOf, ensureRandomModel, feedbackParagraphs, fmt, loadTokenizer, machineInfo, readJsonFile } from "./lib.mjs";

const argv = process.argv.slice(2);
const sizesArg = argv.includes("--sizes") ? argv[argv.indexOf("--sizes") + 1] : "1000,10000";
const sizes = sizesArg.split(",").map(Number);
if (sizes.length !== 2 || sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error("--sizes takes two paragraph counts, e.g. 1000,10000");
const [SMALL, LARGE] = sizes;
const ROUNDS = argv.includes("--rounds") ? Number(argv[argv.indexOf("--rounds") + 1]) : 3;
const TARGETS = { engineVsLimit: 0.9, engineVsAnchor: 1.1, editP95Ms: 60, eventLoopMs: 20, workerRssMB: 250 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();
const machine = machineInfo();
const kernels = await chooseKernels(ort);
const features = `avx2 ${machine.avx2}, avx512_vnni ${machine.avx512vnni}, avx_vnni ${machine.avxVnni}, arm ${machine.arm}`;
log(`bench: ${machine.cpuModel}, ${machine.cores} cores (${features}), ${machine.node}, onnxruntime-node ${machine.onnxruntimeNode}, load average ${fmt(machine.loadAverage1m, 2)}`);
log(describeKernels(kernels));
if (machine.loadAverage1m > 1) log(`warning: load average ${fmt(machine.loadAverage1m, 2)} on ${machine.cores} cores: other processes compete, numbers will be noisy`);
ensureRandomModel(log);
const ORIGINAL = join(RANDOM_MODEL, "onnx", "model_quantized.onnx");
if (!existsSync(join(ROOT, "dist", "worker.js"))) throw new Error('dist/worker.js not found: run "npm run build" first');

// ---------------------------------------------------------------------------------------------------------------
// Documents: feedback paragraphs from airline tweets (CSV, deduplicated by tweet_id) and SST-2 dev sentences,
// shuffled with a fixed seed, as markdown with a heading every 100 paragraphs. Each paragraph is checked to be
// exactly one unit for our segmenter, so a document of N paragraphs has N units.
// ---------------------------------------------------------------------------------------------------------------
const docs = join(os.tmpdir(), "inline-sentiment-bench");
rmSync(docs, { recursive: true, force: true });
mkdirSync(docs, { recursive: true });

const pool = feedbackParagraphs(segment);
if (pool.length < LARGE) throw new Error(`only ${pool.length} usable paragraphs for a ${LARGE}-paragraph document`);

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
  const run = spawnSync(process.execPath, [...args, docs, out], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (run.status !== 0) throw new Error(`${name} failed (exit ${run.status ?? run.signal})`);
  return { ...readJsonFile(out), wallSeconds: (performance.now() - t) / 1000, loadAverageBefore: load };
}
// The engine's host code runs bundled by esbuild, as the extension's does (dist/extension.js): run through tsx, the
// loader's own heap (esbuild, source maps) would double the host's garbage-collection pauses that the event-loop
// delay measures. The bundle sits in bench/ so that lib.mjs finds the project from its own location.
/** Bundles a measurement script of bench/ beside it (so that lib.mjs finds the project from its own location). */
async function bundle(name: string): Promise<string> {
  const outfile = join(BENCH_DIR, `.${name}.bundle.mjs`);
  await esbuild.build({
    entryPoints: [join(BENCH_DIR, `${name}.mts`)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    external: ["onnxruntime-node", "onnxruntime-web"],
    // As in esbuild.config.mjs: jsonc-parser's UMD "main" cannot be bundled; its ES module build can.
    alias: { "jsonc-parser": "jsonc-parser/lib/esm/main.js" },
    // CommonJS dependencies inside an ES module bundle need a require.
    banner: { js: 'import { createRequire as bannerRequire } from "node:module"; const require = bannerRequire(import.meta.url);' },
  });
  return outfile;
}
const engine = child("engine", [await bundle("engine")]);
const workerMemory = child("workerMemory", [await bundle("workerMemory")]);

// ---------------------------------------------------------------------------------------------------------------
// Throughput, interleaved: raw set-ups, the engine's settings and the anchor on the smaller document's paragraphs.
// ---------------------------------------------------------------------------------------------------------------
const smallUnits = readJsonFile(join(docs, `units-${SMALL}.json`)) as string[];
const smallRows = smallUnits.map((text) => tokenizer.encode(text));
const chosen = { x64qp: kernels.kernels === "u8u8" };
const RAW = [
  { id: "raw-1x2", name: `${kernels.kernels} kernels, 1 session x 2 threads, one text per run`, file: ORIGINAL, threads: 2, ...chosen },
  { id: "raw-2x1", name: `${kernels.kernels} kernels, 2 sessions x 1 thread, one text per run`, file: ORIGINAL, threads: 1, sessions: 2, ...chosen },
  { id: "raw-default-1x2", name: "default kernels (u8s8), 1 session x 2 threads, one text per run", file: ORIGINAL, threads: 2, x64qp: false },
  { id: "raw-batched-16", name: "original graph, default kernels, sorted padded batches of 16, 1 x 2 threads", file: ORIGINAL, threads: 2, batch: 16, x64qp: false },
  { id: "raw-batched-2x1-8", name: "original graph, default kernels, 2 sessions x 1 thread, sorted padded batches of 8", file: ORIGINAL, threads: 1, sessions: 2, batch: 8, x64qp: false },
].filter((setup, i, all) => all.findIndex((other) => other.name === setup.name) === i);
/** Our engine as an interleaved contender: EngineClient.classify(all texts), p of POSITIVE. */
function engineContender(id: string, name: string, spec: object) {
  let engine: EngineClient | undefined;
  return {
    id,
    name,
    kind: "engine",
    async start() {
      engine = new EngineClient(engineThread(join(ROOT, "dist", "worker.js")), { dir: RANDOM_MODEL, kind: "custom", dtype: "q8", ...spec });
      await engine.modelInfo();
    },
    async run(_rows: unknown, texts: string[]) {
      const t = performance.now();
      const results = await engine!.classify(texts);
      return { p: Float64Array.from(results, (r) => r.probabilities.POSITIVE), ms: performance.now() - t };
    },
    async stop() {
      engine?.dispose();
    },
  };
}
const contenders = [
  ...RAW.map((setup) => rawContender(setup)),
  engineContender("engine", "our engine, defaults (bulk work on 2 sessions where cores allow)", {}),
  // The same engine with one session of all cores (what engine.threads = N gives): the helper session pays only if
  // the defaults beat this by 15 % or more.
  engineContender("engine-one", `our engine, one session x ${os.availableParallelism()} threads (engine.threads = ${os.availableParallelism()})`, { intraOpThreads: os.availableParallelism() }),
  // The WebAssembly backend (onnxruntime-web) with its default threads, for platforms without a native binary.
  engineContender("engine-wasm", "our engine, WASM backend (onnxruntime-web), default threads", { backend: "wasm" }),
  { ...anchorContender(RANDOM_MODEL), id: "anchor" },
];
log(`throughput, interleaved: ${contenders.length} configurations x ${ROUNDS} rounds on ${SMALL} paragraphs ...`);
const timed = await interleave(contenders, smallRows, smallUnits, { rounds: ROUNDS, log });
const byId = new Map(timed.map((t) => [(t.contender as { id: string }).id, t]));
// "Alone": each text in its own run, with the chosen kernels (the engine's reference) and with the default kernels.
const alone = byId.get("raw-1x2")!.p;
const defaultAlone = byId.get("raw-default-1x2")!.p;
const throughput = timed.map((t) => {
  const c = t.contender as { id: string; name: string; kind?: string; x64qp?: boolean; file?: string; batch?: number };
  // The same text alone in the same graph and kernels: raw-1x2 for the chosen kernels, raw-default-1x2 for default.
  const own = c.kind === "raw" && !c.x64qp && kernels.kernels === "u8u8" ? defaultAlone : alone;
  return { id: c.id, name: c.name, kind: c.kind, rates: t.rates, median: t.median, vsAlone: delta(t.p, own), vsChosenAlone: delta(t.p, alone) };
});
const exactRaw = throughput.filter((r) => r.kind === "raw" && r.vsAlone.max <= 1e-4 && r.vsChosenAlone.max <= 1e-4);
const best = (rows: typeof throughput) => rows.reduce((a, b) => (b.median > a.median ? b : a));
const limitRow = best(exactRaw);
const inexactRow = best(throughput.filter((r) => r.kind === "raw"));
const get = (id: string) => byId.get(id)!;
const ratios = {
  engineVsLimit: ratio(get("engine"), get(limitRow.id)),
  engineVsAnchor: ratio(get("engine"), get("anchor")),
  engineVsInexact: ratio(get("engine"), get(inexactRow.id)),
  engineVsOneSession: ratio(get("engine"), get("engine-one")),
  wasmVsNative: ratio(get("engine-wasm"), get("engine")),
};

// ---------------------------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------------------------
const workerRss = workerMemory.peakMB;
const workerEnd = workerMemory.phases[`after${LARGE}`];
const processRss = engine.rssMB.peak - engine.rssMB.beforeWorker;
const oneThread128 = engine.latency["1 thread"]["128"];
const targets = {
  [`engine/limit >= ${TARGETS.engineVsLimit} (${SMALL} paragraphs, interleaved)`]: ratios.engineVsLimit >= TARGETS.engineVsLimit,
  [`engine/anchor >= ${TARGETS.engineVsAnchor} (${SMALL} paragraphs, interleaved)`]: ratios.engineVsAnchor >= TARGETS.engineVsAnchor,
  [`edit -> result p95 <= ${TARGETS.editP95Ms} ms (<=128 tokens, default settings)`]: engine.edit.p95 <= TARGETS.editP95Ms,
  [`host event-loop delay <= ${TARGETS.eventLoopMs} ms (${LARGE} paragraphs)`]: engine.runs[LARGE].eventLoopDelayMaxMs <= TARGETS.eventLoopMs,
  [`worker RSS <= ${TARGETS.workerRssMB} MB (int8)`]: workerRss <= TARGETS.workerRssMB,
  [`the helper session pays: engine / one session >= 1.15 (interleaved)`]: ratios.engineVsOneSession >= 1.15,
  [`engine within 1e-4 of each text alone`]: throughput.find((r) => r.id === "engine")!.vsChosenAlone.max <= 1e-4,
};

const n0 = SMALL.toLocaleString("en-US");
const n1 = LARGE.toLocaleString("en-US");
const e = (x: number) => (x === 0 ? "0" : x.toExponential(1));
const lat = (key: string) => LATENCY_TOKENS.map((t) => `${fmt(engine.latency[key][t].p50)} / ${fmt(engine.latency[key][t].p95)}`).join(" | ");
const ok = (pass: boolean) => (pass ? "pass" : "**fail**");
const role = (id: string) => (id === limitRow.id ? " **(limit: fastest exact)**" : id === inexactRow.id ? " **(fastest, inexact)**" : "");
const lines = [
  `Benchmark: DistilBERT SST-2 int8 graph (distilbert-sst2-random: the real model's graph and size, random weights), ${machine.cpuModel}, ${machine.cores} cores (${features}), Node ${machine.node}, onnxruntime-node ${machine.onnxruntimeNode}, ${machine.date.slice(0, 10)}. ${describeKernels(kernels)}. Feedback documents: markdown, airline tweets + SST-2 dev sentences, mean ${fmt(docInfo[LARGE].meanTokens)} tokens a paragraph.`,
  "",
  `Throughput on the ${n0}-paragraph document's paragraphs, ${ROUNDS} interleaved rounds (median, then each round); exactness: largest |Δp| against each text alone (rows over 1e-4).`,
  "",
  "| configuration | paragraphs/s | rounds | vs text alone |",
  "| --- | --- | --- | --- |",
  ...throughput.map((r) => `| ${r.name}${role(r.id)} | ${fmt(r.median)} | ${r.rates.map((x) => fmt(x, 0)).join(", ")} | ${r.kind === "anchor" ? `${e(r.vsChosenAlone.max)} (own kernels)` : `${e(r.vsAlone.max)} (${r.vsAlone.over1e4})`} |`),
  `| engine / limit (target >= ${TARGETS.engineVsLimit}), median of per-round ratios | ${fmt(ratios.engineVsLimit, 2)} | | |`,
  `| engine / anchor (target >= ${TARGETS.engineVsAnchor}) | ${fmt(ratios.engineVsAnchor, 2)} | | |`,
  `| engine / fastest inexact | ${fmt(ratios.engineVsInexact, 2)} | | |`,
  `| engine (defaults) / engine with one session (the helper session stays only at >= 1.15) | ${fmt(ratios.engineVsOneSession, 2)} | | |`,
  `| engine with the WASM backend / engine (native) | ${fmt(ratios.wasmVsNative, 2)} | | |`,
  "",
  `Engine end to end with segmentation, not interleaved (bench/engine.mts; ${engine.sessions}; runs per session ${engine.stats.sessions.map((s: { name: string; runs: number }) => `${s.name} ${s.runs}`).join(", ") || "-"}, helper starts ${engine.stats.helperStarts}): ${sizes.map((n) => `${n.toLocaleString("en-US")} paragraphs ${fmt(engine.runs[n].paragraphsPerSecond)} /s`).join(", ")}.`,
  "",
  `| engine, single paragraph, p50 / p95 ms | 32 tokens | 64 tokens | 128 tokens | 512 tokens |`,
  "| --- | --- | --- | --- | --- |",
  `| default settings (${engine.sessions}) | ${lat("default threads")} |`,
  `| 1 intra-op thread | ${lat("1 thread")} |`,
  "",
  "| measure | value | target | |",
  "| --- | --- | --- | --- |",
  `| worker RSS: peak RSS (VmHWM) of a process that only scores the ${n0}- and ${n1}-paragraph documents, minus its RSS before the worker started (${workerMemory.sessions}; helper starts ${workerMemory.stats.helperStarts}) | ${fmt(workerRss, 0)} MB (after load ${fmt(workerMemory.phases.afterLoad.peak, 0)} MB; at the end ${fmt(workerEnd.anon, 0)} MB anonymous + ${fmt(workerEnd.file, 0)} MB file-backed (${fmt(workerMemory.fileGrowthMB.node, 0)} MB Node's own code, resident in the extension host before any worker but first touched here; ${fmt(workerMemory.fileGrowthMB.onnxruntime, 0)} MB onnxruntime's library; ${fmt(workerMemory.fileGrowthMB.weights, 0)} MB pages of the weights file that each session maps, counted once per mapping); proportional set size then ${fmt(workerEnd.pss, 0)} MB, where a page mapped twice counts once; host + worker in the end-to-end process, with its segmenters and score cache: ${fmt(processRss, 0)} MB) | <= ${TARGETS.workerRssMB} MB | ${ok(workerRss <= TARGETS.workerRssMB)} |`,
  `| host's largest event-loop delay, ${n1} paragraphs (segmentation on the host: ${fmt(engine.runs[LARGE].segmentMs, 0)} ms) | ${fmt(engine.runs[LARGE].eventLoopDelayMaxMs)} ms (while the worker scores: ${fmt(engine.runs[LARGE].eventLoopDelayMaxModelPhaseMs)} ms) | <= ${TARGETS.eventLoopMs} ms | ${ok(engine.runs[LARGE].eventLoopDelayMaxMs <= TARGETS.eventLoopMs)} |`,
  `| live edit, ${n1}-paragraph document, one paragraph edited: texts re-scored | at most ${engine.edit.textsRescored.max} per edit (${changedUnits} unit changed; without the text cache it would be ${editedDocUnits.length.toLocaleString("en-US")}) | 1 | ${ok(engine.edit.textsRescored.max === 1)} |`,
  `| edit -> result: incremental segmentation + cache + classify of the changed paragraph, default settings, 100 edits of 16-128 tokens | p50 ${fmt(engine.edit.p50)} ms, p95 ${fmt(engine.edit.p95)} ms (128 tokens alone: p95 ${fmt(oneThread128.p95)} ms) | p95 <= ${TARGETS.editP95Ms} ms | ${ok(engine.edit.p95 <= TARGETS.editP95Ms)} |`,
];
const notes = [
  "",
  "What is measured:",
  `- throughput: every configuration loaded and warmed up once, then all score the same ${n0} paragraphs in turn, ${ROUNDS} rounds, the order rotating each round; raw set-ups get token ids prepared beforehand, the engine and the anchor get the texts. Ratios are medians of per-round ratios, so drift between rounds cancels.`,
  `- limit: the fastest raw set-up whose every result is within 1e-4 of the text alone with the kernels chosen here (${kernels.kernels}); raw set-ups named "default kernels" run onnxruntime's defaults whatever this CPU needs.`,
  `- worker RSS: bench/workerMemory.mts, a process whose host thread holds only the paragraphs (read before its baseline) and the client: its peak RSS minus its RSS just before the worker was created. The end-to-end process (bench/engine.mts) also keeps segmenters, a score cache and histograms on its host thread; its growth is given beside it.`,
  `- event-loop delay: perf_hooks.monitorEventLoopDelay (1 ms resolution) on the host thread, from before segmentation to the last result.`,
  `- edit -> result: what the extension does after the debounce, on the ${n1}-paragraph document: incremental segmentation (only the edited chunk is parsed again), cache lookup by text, and the changed paragraph classified at high priority by the engine with default settings (${engine.sessions}).`,
  `- machine load: 1-minute load average ${fmt(machine.loadAverage1m, 2)} at the start, ${fmt(engine.loadAverageBefore, 2)} before the engine process (2 cores; anything above ~0.2 means another process competed).`,
];
const totalSeconds = (performance.now() - started) / 1000;
console.log([...lines, ...notes, "", "Targets:", ...Object.entries(targets).map(([name, pass]) => `- ${name}: ${pass ? "PASS" : "FAIL"}`), "", `Run time ${fmt(totalSeconds, 0)} s.`].join("\n"));

mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
const file = join(BENCH_DIR, "results", `bench-${machine.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ machine, kernels, transformers: "4.3.1", model: RANDOM_MODEL, documents: docInfo, throughput: { rounds: ROUNDS, paragraphs: SMALL, rows: throughput, limit: limitRow.id, fastestInexact: inexactRow.id, ratios }, engine, workerMemory, workerRssMB: workerRss, liveEdit: { textsRescoredWithoutCache: editedDocUnits.length, unitsChanged: changedUnits, editToResult: engine.edit }, targets, runSeconds: totalSeconds }, null, 2)}\n`,
);
console.log(`\nwritten: ${file}`);
