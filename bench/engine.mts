/**
 * Measurement 2, "our engine end to end": segmentation (src/core/segment.ts, on this host thread), then the
 * extension's scores step (src/editor/analysis/scoreCache.ts: the cache by text over EngineClient.scores) with the built
 * worker dist/worker.js (tokenization, worker, batching, onnxruntime). Runs in its own process; its RSS growth after the
 * worker starts is host + worker (this host thread also keeps segmenters and a score cache): the worker's own memory is measured by bench/workerMemory.mts.
 * Usage (run by bench/run.ts): npx tsx bench/engine.mts DOCS_DIR OUT.json
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { DocumentSegmenter, EngineClient, engineThread, ScoreCache } from "./engineImports";
import { RANDOM_MODEL, ROOT, quantile, readJsonFile, rssMB } from "./lib.mjs";

const [docs, out] = process.argv.slice(2);
const WORKER = join(ROOT, "dist", "worker.js");
if (!existsSync(WORKER)) throw new Error(`${WORKER}: not found; run "npm run build" first`);

const ms = (since: number) => performance.now() - since;
const log = (line: string) => process.stderr.write(`  ${line}\n`);
const summary = (values: number[]) => ({ n: values.length, p50: quantile(values, 0.5), p95: quantile(values, 0.95), max: Math.max(...values) });

const result: Record<string, unknown> = {};
const rss: Record<string, number> = { beforeWorker: rssMB().current };

// Default engine settings, as in the extension: int8 one text per call, one worker, intra-op threads chosen by
// onnxruntime (0 = one per core).
const pool = new EngineClient(engineThread(WORKER), { dir: RANDOM_MODEL, kind: "custom", dtype: "q8" });
let start = performance.now();
const info = await pool.modelInfo();
result.loadMs = ms(start);
result.batching = info.batching;
result.sessions = info.sessions;
rss.afterLoad = rssMB().current;
await pool.classify(Array.from({ length: 200 }, (_, i) => `warm up the engine ${i}`));
/** The extension's path: an incremental segmenter per document and a score cache by text (AnalysisService). */
const segmenters = new Map<number, DocumentSegmenter>();
const cache = new ScoreCache(pool);

const runs: Record<number, unknown> = {};
const { sizes } = readJsonFile(join(docs, "manifest.json")) as { sizes: number[] };
for (const n of sizes) {
  const text = readFileSync(join(docs, `doc-${n}.md`), "utf8");
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const modelPhaseDelay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  // Let the histogram's timer start before the synchronous segmentation begins.
  await new Promise((resolve) => setTimeout(resolve, 20));
  start = performance.now();
  const segmenter = new DocumentSegmenter("markdown", "paragraph");
  segmenters.set(n, segmenter);
  const units = (await segmenter.segmentAsync(text))!;
  const segmentMs = ms(start);
  modelPhaseDelay.enable();
  // The extension's scores step (AnalysisPipeline): cache look-ups, EngineClient.scores, the answers stored, in slices.
  const results = await cache.classifyTexts(units.map((unit) => unit.text));
  const totalMs = ms(start);
  await new Promise((resolve) => setTimeout(resolve, 20));
  delay.disable();
  modelPhaseDelay.disable();
  if (results.length !== units.length) throw new Error(`engine returned ${results.length} results for ${units.length} units`);
  runs[n] = {
    paragraphs: units.length,
    segmentMs,
    totalMs,
    paragraphsPerSecond: (units.length / totalMs) * 1000,
    eventLoopDelayMaxMs: delay.max / 1e6,
    eventLoopDelayMaxModelPhaseMs: modelPhaseDelay.max / 1e6,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
  };
  rss[`after${n}`] = rssMB().current;
  log(`engine, ${n} paragraphs: ${((units.length / totalMs) * 1000).toFixed(1)} paragraphs/s (segmentation ${segmentMs.toFixed(0)} ms), host event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms`);
}
result.runs = runs;
result.stats = await pool.stats();
log(`engine sessions: ${info.sessions}; runs per session ${JSON.stringify(result.stats)}`);
rss.peak = rssMB().peak;

// Bulk throughput of the engine's settings against raw onnxruntime and the anchor is measured interleaved by
// bench/run.mts; this process measures what needs a process of its own (memory, event loop, latency, live edit).
/** classify([text]) latency, `repeat` times over the given texts, after one warm-up each. */
let client: EngineClient = pool;
async function latency(texts: string[], repeat: number) {
  const times: number[] = [];
  for (const text of texts) await client.classify([text]);
  for (let r = 0; r < repeat; r++) {
    for (const text of texts) {
      const t = performance.now();
      await client.classify([text]);
      times.push(ms(t));
    }
  }
  return summary(times);
}

const latencyTexts = readJsonFile(join(docs, "latency.json")) as Record<string, string[]>;
const latencyResults: Record<string, Record<string, unknown>> = {};
const editTexts = readJsonFile(join(docs, "edits.json")) as { texts: string[]; tokens: number[] };
// 1 thread first, on a client of its own; then the default client, which the live edit below uses as the extension does.
for (const threads of [1, 0]) {
  client = threads === 1 ? new EngineClient(engineThread(WORKER), { dir: RANDOM_MODEL, kind: "custom", dtype: "q8", intraOpThreads: 1 }) : pool;
  await client.modelInfo();
  const key = threads === 0 ? "default threads" : "1 thread";
  latencyResults[key] = {};
  for (const [tokens, texts] of Object.entries(latencyTexts)) {
    latencyResults[key][tokens] = await latency(texts, Number(tokens) >= 512 ? 2 : 4);
    const s = latencyResults[key][tokens] as ReturnType<typeof summary>;
    log(`engine latency, ${key}, ${tokens} tokens: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms`);
  }
  if (threads === 1) client.dispose();
}
result.latency = latencyResults;

// Live edit, as the extension does it: the largest document, one paragraph replaced by an edited one (16 to 128
// tokens); incremental segmentation, cache lookup, the changed text classified at high priority, default settings.
const largest = Math.max(...sizes);
const segmenter = segmenters.get(largest)!;
let documentText = readFileSync(join(docs, `doc-${largest}.md`), "utf8");
const editTimes: number[] = [];
const rescored: number[] = [];
for (const [i, edited] of editTexts.texts.entries()) {
  const units = segmenter.segmentSync(documentText);
  const target = units[Math.floor(((i + 0.5) / editTexts.texts.length) * units.length)];
  documentText = documentText.slice(0, target.start) + edited + documentText.slice(target.end);
  const t = performance.now();
  const next = (await segmenter.segmentAsync(documentText))!;
  const asked = pool.counters().textsSent;
  await cache.classifyTexts(next.map((unit) => unit.text), { priority: "high" });
  editTimes.push(ms(t));
  rescored.push(pool.counters().textsSent - asked);
}
const edit = summary(editTimes);
result.edit = { ...edit, tokens: summary(editTexts.tokens), textsRescored: summary(rescored), document: largest };
log(
  `engine edit -> result in the ${largest}-paragraph document (segment + cache + classify, default settings): ` +
    `re-scored ${Math.min(...rescored)}-${Math.max(...rescored)} text(s) per edit, p50 ${edit.p50.toFixed(1)} ms, p95 ${edit.p95.toFixed(1)} ms`,
);
result.rssMB = rss;
client.dispose();
writeFileSync(out, JSON.stringify(result, null, 2));
