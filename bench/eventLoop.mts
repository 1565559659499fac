/**
 * The host's event loop alone, for profiling: the same work as bench/engine.mts's end-to-end run on the large document
 * (segmentation on this thread, then the extension's scores step: ScoreCache.classifyTexts over EngineClient.scores),
 * repeated, with the longest turns named by when they happened (segmentation, the scores step, after). Not part of
 * `npm run bench`.
 * Usage: node bench/eventLoop.mjs is not possible (TypeScript); run `npm run -s build`, then
 *   npx esbuild bench/eventLoop.mts --bundle --platform=node --format=esm --external:onnxruntime-node \
 *     --alias:jsonc-parser=jsonc-parser/lib/esm/main.js --outfile=bench/.eventLoop.bundle.mjs \
 *     --banner:js='import { createRequire as r } from "node:module"; const require = r(import.meta.url);'
 *   node [--cpu-prof] bench/.eventLoop.bundle.mjs [PARAGRAPHS=10000] [RUNS=5] [mini]
 * `mini`: the bundled mini model instead of the DistilBERT-sized one: the host's work per answer is the same (two
 * labels), the worker's much less, for runs on a loaded machine where the engine's low-priority threads crawl.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PerformanceObserver, monitorEventLoopDelay, constants as perfConstants } from "node:perf_hooks";
import { DocumentSegmenter, EngineClient, engineThread, ScoreCache, segment } from "./engineImports";
import { MINI_MODEL, RANDOM_MODEL, ROOT, documentOf, ensureRandomModel, feedbackParagraphs, machineInfo } from "./lib.mjs";

const [n = 10_000, runs = 5] = process.argv.slice(2, 4).map(Number);
const MODEL = process.argv[4] === "mini" ? MINI_MODEL : RANDOM_MODEL;
const WORKER = join(ROOT, "dist", "worker.js");
if (!existsSync(WORKER)) throw new Error(`${WORKER}: not found; run "npm run build" first`);
const log = (line: string) => process.stderr.write(`${line}\n`);
const machine = machineInfo();
log(`${MODEL.split("/").pop()}; ${machine.cpuModel}, ${machine.cores} cores (avx2 ${machine.avx2}, avx512_vnni ${machine.avx512vnni}), Node ${machine.node}, load average ${machine.loadAverage1m.toFixed(2)}`);
ensureRandomModel(log);

// Only the document's text stays alive: the paragraphs it is made of would be 10,000 strings more in the heap the
// collector works on, which the extension's host does not hold.
const text = documentOf(feedbackParagraphs(segment).slice(0, n));

/** Garbage collections of this thread: when they started, how long they held it, and their kind (V8's flags). */
const gcs: { start: number; duration: number; kind: string }[] = [];
const GC_KINDS: Record<number, string> = {
  [perfConstants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
};
new PerformanceObserver((list) =>
  gcs.push(...list.getEntries().map(({ startTime, duration, detail }) => ({ start: startTime, duration, kind: GC_KINDS[(detail as { kind?: number } | undefined)?.kind ?? 0] ?? "gc" }))),
).observe({ entryTypes: ["gc"] });
/** Turns longer than 10 ms, with the phase they fell in and the collections inside them. */
let phase = "idle";
const long: string[] = [];
let last = performance.now();
const ticker = setInterval(() => {
  const now = performance.now();
  if (now - last > 10) {
    const inside = gcs.filter((g) => g.start >= last && g.start < now);
    const gc = inside.map((g) => `${g.kind} ${g.duration.toFixed(1)} ms`).join(", ");
    long.push(`${(now - last).toFixed(1)} ms in ${phase}${gc ? ` (gc: ${gc})` : ""}`);
  }
  last = now;
}, 1);

const pool2 = new EngineClient(engineThread(WORKER), { dir: MODEL, kind: "custom", dtype: "q8" });
await pool2.modelInfo();
await pool2.classify(Array.from({ length: 200 }, (_, i) => `warm up the engine ${i}`));
const maxima: number[] = [];
for (let r = 0; r < runs; r++) {
  const scores = new ScoreCache(pool2);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  long.length = 0;
  await new Promise((resolve) => setTimeout(resolve, 20));
  const runStart = performance.now();
  const phases: { name: string; at: number }[] = [];
  const enter = (name: string) => {
    phase = name;
    phases.push({ name, at: performance.now() });
  };
  enter("segmentation");
  const segmenter = new DocumentSegmenter("markdown", "paragraph");
  const units = (await segmenter.segmentAsync(text))!;
  enter("classify");
  // The extension's scores step (AnalysisPipeline): cache look-ups, EngineClient.scores, the answers stored, in slices.
  const results = await scores.classifyTexts(units.map((unit) => unit.text));
  if (results.length !== units.length) throw new Error(`${results.length} scores for ${units.length} units`);
  enter("after");
  await new Promise((resolve) => setTimeout(resolve, 20));
  enter("idle");
  // Collections of the run by phase (a collection is counted in the phase it started in): where the host allocates.
  const byPhase = new Map<string, { count: number; ms: number }>();
  for (const g of gcs) {
    if (g.start < runStart || g.kind !== "major") continue;
    const name = phases.findLast((p) => p.at <= g.start)?.name ?? "before";
    const entry = byPhase.get(name) ?? { count: 0, ms: 0 };
    entry.count++;
    entry.ms += g.duration;
    byPhase.set(name, entry);
  }
  const majors = [...byPhase].map(([name, { count, ms }]) => `${count} in ${name} (${ms.toFixed(1)} ms)`).join(", ") || "none";
  delay.disable();
  maxima.push(delay.max / 1e6);
  log(`run ${r + 1}: ${units.length} units, event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB; major collections: ${majors}; turns over 10 ms: ${long.join("; ") || "none"}`);
}
clearInterval(ticker);
log(`max per run: ${maxima.map((m) => m.toFixed(1)).join(", ")} ms`);
pool2.dispose();
