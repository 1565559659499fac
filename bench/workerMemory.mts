/**
 * Measurement 3, the engine worker's memory: a process whose host thread holds only the documents' paragraphs (read
 * before the baseline) and an EngineClient with the extension's defaults, scores the smaller then the larger document
 * as the extension does (the client's chunks), and reports its peak RSS (VmHWM) minus the RSS just before the worker
 * was created. engine.mts's process also keeps segmenters, a score cache and histograms on its host thread, so its
 * growth is host + worker; this one is the worker's (onnxruntime, the model, the tokenizer, the helper session, their
 * threads' heaps).
 * Usage (run by bench/run.mts): node bench/.workerMemory.bundle.mjs DOCS_DIR OUT.json
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EngineClient, engineThread } from "./engineImports";
import { RANDOM_MODEL, ROOT, readJsonFile, rssMB } from "./lib.mjs";

const [docs, out] = process.argv.slice(2);
const WORKER = join(ROOT, "dist", "worker.js");
if (!existsSync(WORKER)) throw new Error(`${WORKER}: not found; run "npm run build" first`);
const { sizes } = readJsonFile(join(docs, "manifest.json")) as { sizes: number[] };
const units = new Map(sizes.map((n) => [n, JSON.parse(readFileSync(join(docs, `units-${n}.json`), "utf8")) as string[]]));

/** RSS split into anonymous memory and file-backed pages (libonnxruntime's code, the weights file that each session maps). */
function split(): { anon: number; file: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const kB = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"))?.[1] ?? NaN) / 1024;
  return { anon: kB("RssAnon"), file: kB("RssFile") };
}
/**
 * Proportional set size (MB): a page shared by several mappings counts once in all. RSS counts a page of the weights
 * file once per mapping, and onnxruntime maps it once per session (the embedding rows a document touches count twice
 * with the helper's session); PSS counts it once, as physical memory holds it once. The kernel keeps no PSS peak.
 */
function pss(): number {
  const rollup = readFileSync("/proc/self/smaps_rollup", "utf8");
  return Number(rollup.match(/^Pss:\s+(\d+) kB/m)?.[1] ?? NaN) / 1024;
}
/**
 * Resident file-backed pages (MB) by whose they are: Node's own binary (the extension host runs the same code, so its
 * pages are resident there before any worker; this bare process touches many of them only when the worker starts),
 * onnxruntime's libraries, the model's weights file, anything else.
 */
function filePages(): Record<"node" | "onnxruntime" | "weights" | "other", number> {
  const sums = { node: 0, onnxruntime: 0, weights: 0, other: 0 };
  const node = realpathSync(process.execPath);
  let into: keyof typeof sums | undefined;
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const mapping = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ (\d+)\s*(.*)$/);
    if (mapping) {
      const [, inode, path] = mapping;
      into = inode === "0" ? undefined : path === node ? "node" : path.includes("onnxruntime") ? "onnxruntime" : path.startsWith(RANDOM_MODEL) ? "weights" : "other";
      continue;
    }
    const rss = line.match(/^Rss:\s+(\d+) kB/);
    if (rss && into) sums[into] += Number(rss[1]) / 1024;
  }
  return sums;
}
const baseFiles = filePages();
const before = rssMB().current;
const base = split();
const basePss = pss();
const grown = () => {
  const now = split();
  return { current: rssMB().current - before, peak: rssMB().peak - before, anon: now.anon - base.anon, file: now.file - base.file, pss: pss() - basePss };
};
const client = new EngineClient(engineThread(WORKER), { dir: RANDOM_MODEL, kind: "custom", dtype: "q8" });
const info = await client.modelInfo();
const phases: Record<string, ReturnType<typeof grown>> = { afterLoad: grown() };
for (const n of sizes) {
  const results = await client.classify(units.get(n)!);
  if (results.length !== n) throw new Error(`the engine returned ${results.length} results for ${n} paragraphs`);
  phases[`after${n}`] = grown();
}
const stats = await client.stats();
client.dispose();
const files = filePages();
const fileGrowth = Object.fromEntries(Object.entries(files).map(([key, mb]) => [key, mb - baseFiles[key as keyof typeof files]]));
const peak = Math.max(...Object.values(phases).map((phase) => phase.peak));
const last = phases[`after${sizes[sizes.length - 1]}`];
process.stderr.write(
  `  worker memory: peak ${peak.toFixed(0)} MB over the baseline (${info.sessions}; helper starts ${stats.helperStarts}); at the end ${last.anon.toFixed(0)} MB anonymous + ${last.file.toFixed(0)} MB file-backed (RSS ${last.current.toFixed(0)} MB, PSS ${last.pss.toFixed(0)} MB); file-backed growth: Node's own code ${fileGrowth.node.toFixed(0)} MB, onnxruntime ${fileGrowth.onnxruntime.toFixed(0)} MB, weights ${fileGrowth.weights.toFixed(0)} MB, other ${fileGrowth.other.toFixed(0)} MB\n`,
);
writeFileSync(out, JSON.stringify({ rssBeforeMB: before, phases, fileGrowthMB: fileGrowth, peakMB: peak, sessions: info.sessions, stats }, null, 2));
