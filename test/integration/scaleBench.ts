/**
 * Scale benchmark in a real VS Code (not part of the suite; prints figures, asserts only that everything was scored):
 * the 14,640-row ../shared/data/airline-tweets.csv analysed with the bundled model, and the extension host's
 * event-loop delay meanwhile, with the summary panel open beside it (it is fed every stored result).
 *
 *   npm run build && IS_SUITE=dist/test/integration/scaleBench.js node test/codeServer/runIntegration.mjs
 *
 * SCALE_THREADS=N sets inlineSentiment.engine.threads for the run (N > 0: one session of N threads, a core left to the
 * host on 2 cores; default: the setting as it is). SCALE_PANEL=0 leaves the panel closed; SCALE_PROFILE=file.cpuprofile writes a CPU profile of the extension host's
 * main thread over the analysis (open it in Chrome DevTools, or summarise it with test/integration/longTasks.mjs) and
 * the late ticks beside it (file.cpuprofile.late.json), so longTasks.mjs can say what ran in each.
 * SCALE_HEAP=file.heapprofile writes a sampling heap profile of the extension host over the analysis: what it left
 * allocated at the end (with SCALE_HEAP_ALL=1, everything it allocated), by allocating function (Chrome DevTools,
 * Memory, Load). SCALE_V8="--trace-gc-nvp" sets V8 flags in the extension host for the run (its collector's trace, per
 * phase, lands in .test-run/integration/code-server.log; other extensions' work shares that heap, so read it as a whole,
 * and every isolate of the process is traced: the engine's and the table reader's threads too).
 * SCALE_CONTROL=engine|idle measures the same window with the extension's analysis left out (see controlRun): the
 * floor this machine sets. Every run prints what one page fault costs here and how many the host took (see pageFaultCost).
 */
import { strict as assert } from "node:assert";
import { existsSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { Session } from "node:inspector/promises";
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from "node:perf_hooks";
import * as vscode from "vscode";
import { withSetting } from "./helpers";
import { parseTable } from "../../src/core/tables";
import { rowUnits } from "../../src/core/tables/units";
import { EngineClient } from "../../src/engine/engineClient";
import { cpuFeatures } from "../../src/engine/node/cpu";
import type { InlineSentimentApi } from "../../src/extension";
import { reportPlainRun } from "./suiteProtocol";
import { engineThread } from "../../src/engine/node/threads";

const EXTENSION_ID = "inline-sentiment.inline-sentiment";

/** CPU time of this thread in ms (Node >= 23.9, as code-server's Node 24 has), else undefined. */
function threadCpu(): number | undefined {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return usage && (usage.user + usage.system) / 1000;
}

interface LateTick {
  /** ms since the start. */
  at: number;
  /** The gap on the monotonic clock a CPU profile's timestamps use (microseconds): where to look in SCALE_PROFILE's profile. */
  fromUs: number;
  toUs: number;
  /** ms later than due. */
  late: number;
  /** ms of CPU this thread used in the gap: close to the gap when our own code held the loop, small when the thread waited for a core (other processes on a loaded machine). */
  cpu?: number;
  /** Minor page faults this thread took in the gap (each costs what pageFaultCost measures). */
  faults?: number;
}

/** Reads the calling thread's minor page faults (Linux: /proc/thread-self/stat) without allocating: it runs on every tick. */
function faultCounter(): () => number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync("/proc/thread-self/stat", "r");
  } catch {
    return () => undefined;
  }
  const buffer = Buffer.alloc(1024);
  return () => {
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    // minflt is the 8th field after the command name, which ends at the line's last ")" (the name may hold spaces).
    let at = buffer.lastIndexOf(0x29, length) + 2;
    for (let field = 0; field < 7; field++) at = buffer.indexOf(0x20, at) + 1;
    let faults = 0;
    for (let c = buffer[at]; c >= 0x30 && c <= 0x39; c = buffer[++at]) faults = faults * 10 + c - 0x30;
    return faults;
  };
}

/** The extension host's main thread's minor page faults so far (this module loads on that thread). */
const threadFaults = faultCounter();

/**
 * What one page fault costs on this machine: 16 MB of fresh memory written once, timed, over the faults it took. A
 * collection that copies survivors into pages the heap has just taken (or given back) pays this per 4 KB page; on the
 * virtual machines this project is measured on it was ~17 us, tens of times a desktop's.
 */
function pageFaultCost(): { us: number; faults: number } {
  const before = process.resourceUsage().minorPageFault;
  const start = performance.now();
  Buffer.alloc(16 << 20).fill(1);
  const faults = process.resourceUsage().minorPageFault - before;
  return { us: faults > 0 ? ((performance.now() - start) * 1000) / faults : NaN, faults };
}

/** The monotonic clock in microseconds, as V8's CPU profiles stamp their samples. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Samples the event loop every `every` ms and keeps the late ticks. `stop` waits for two more ticks first: a stretch
 * that ends the run (the last results stored, painted and posted to the panel before whenIdle resolves) is seen only
 * by the tick after it, by this sampler and by the delay histogram alike.
 */
function lagSampler(every = 5): { stop(): Promise<LateTick[]> } {
  const late: LateTick[] = [];
  const start = performance.now();
  let last = start;
  let lastUs = monotonicUs();
  let lastCpu = threadCpu();
  let lastFaults = threadFaults();
  let ticked: (() => void)[] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    const nowUs = monotonicUs();
    const cpu = threadCpu();
    const faults = threadFaults();
    if (now - last - every > 20) {
      late.push({
        at: Math.round(now - start),
        late: Math.round(now - last - every),
        cpu: cpu !== undefined && lastCpu !== undefined ? Math.round(cpu - lastCpu) : undefined,
        faults: faults !== undefined && lastFaults !== undefined ? faults - lastFaults : undefined,
        fromUs: lastUs,
        toUs: nowUs,
      });
    }
    last = now;
    lastUs = nowUs;
    lastCpu = cpu;
    lastFaults = faults;
    const waiting = ticked;
    ticked = [];
    waiting.forEach((resolve) => resolve());
  }, every);
  const tick = () => new Promise<void>((resolve) => ticked.push(resolve));
  return {
    async stop() {
      await tick();
      await tick();
      clearInterval(timer);
      return late;
    },
  };
}

async function bench(): Promise<void> {
  if (process.env.SCALE_V8) (await import("node:v8")).setFlagsFromString(process.env.SCALE_V8);
  const faultCost = pageFaultCost();
  const extension = vscode.extensions.getExtension<InlineSentimentApi>(EXTENSION_ID)!;
  const sentiment = await extension.activate();
  const file = resolve(extension.extensionPath, "..", "shared", "data", "airline-tweets.csv");
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(document);
  await sentiment.whenIdle();
  const withPanel = process.env.SCALE_PANEL !== "0";
  if (withPanel) {
    await vscode.commands.executeCommand("inlineSentiment.showPanel");
    await sentiment.summaryPanel!.ready;
  }
  // The page's heap once it has drawn every row (its "heap after load" figure for the full table).
  const pageHeap = withPanel
    ? new Promise<number>((resolve) => {
        const listener = sentiment.summaryPanel!.onDidMeasure(({ what, units, heapBytes }) => {
          if (!what.startsWith("heap after") || units !== 14_640 || heapBytes === undefined) return;
          listener.dispose();
          resolve(heapBytes);
        });
      })
    : undefined;
  const control = process.env.SCALE_CONTROL ? await controlRun(process.env.SCALE_CONTROL, extension.extensionPath, file) : undefined;
  const profileFile = process.env.SCALE_PROFILE;
  const profiler = profileFile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.setSamplingInterval", { interval: 500 });
    await profiler.post("Profiler.start");
  }
  const heapBefore = process.memoryUsage().heapUsed;
  const heapFile = process.env.SCALE_HEAP;
  const heapProfiler = heapFile ? new Session() : undefined;
  if (heapProfiler) {
    heapProfiler.connect();
    await heapProfiler.post("HeapProfiler.enable");
    await heapProfiler.post("HeapProfiler.startSampling", { samplingInterval: 1024, includeObjectsCollectedByMajorGC: process.env.SCALE_HEAP_ALL === "1", includeObjectsCollectedByMinorGC: process.env.SCALE_HEAP_ALL === "1" });
  }

  const faultsBefore = process.resourceUsage().minorPageFault;
  const mainFaultsBefore = threadFaults();
  const collections: { at: number; ms: number; kind: string }[] = [];
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
    [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
  };
  // The collector's pauses of this thread over 10 ms (wall time: under load they include waiting for a core).
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (entry.duration > 10) collections.push({ at: Math.round(entry.startTime - started), ms: Math.round(entry.duration), kind: kinds[kind ?? 0] ?? String(kind) });
    }
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  const histogram = monitorEventLoopDelay({ resolution: 2 });
  const sampler = lagSampler();
  histogram.enable();
  const started = performance.now();
  const startedUs = monotonicUs();
  let firstPaint: number | undefined;
  const painted = sentiment.onDidAnalyze(({ uri }) => {
    if (uri.toString() === document.uri.toString()) firstPaint ??= performance.now() - started;
  });
  // When the table's rows were all in the host and their scoring began (the first progress event with a total).
  let unitsReady: number | undefined;
  const progressed = sentiment.onDidProgress((progress) => {
    if (progress?.total === 14_640) unitsReady ??= performance.now() - started;
  });
  const picked = sentiment.testing!.onDidShowColumnPick(() => void vscode.commands.executeCommand("workbench.action.acceptSelectedQuickOpenItem"));
  if (control) await control.run();
  else {
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();
  }
  const elapsed = performance.now() - started;
  // Where the run is on the clock `perf record -k CLOCK_MONOTONIC` stamps samples with (for `perf report --time a,b`).
  console.log(`[scale] run window on the monotonic clock: ${(startedUs / 1e6).toFixed(6)},${(monotonicUs() / 1e6).toFixed(6)} s`);
  const faultsRun = process.resourceUsage().minorPageFault - faultsBefore;
  const mainFaultsRun = (threadFaults() ?? NaN) - (mainFaultsBefore ?? NaN);
  const late = await sampler.stop();
  histogram.disable();
  gcObserver.disconnect();
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    writeFileSync(profileFile!, JSON.stringify(profile));
    // The late ticks beside the profile: longTasks.mjs then says what ran in each of them.
    writeFileSync(`${profileFile}.late.json`, JSON.stringify(late));
    profiler.disconnect();
  }
  if (heapProfiler) {
    const { profile } = await heapProfiler.post("HeapProfiler.stopSampling");
    writeFileSync(heapFile!, JSON.stringify(profile));
    heapProfiler.disconnect();
  }
  const pageBytes = pageHeap && !control ? await pageHeap : undefined;
  painted.dispose();
  progressed.dispose();
  picked.dispose();

  // What the window showed, the same with or without the extension's analysis (SCALE_CONTROL).
  const blocked = late.filter((l) => l.cpu !== undefined && l.cpu > 20);
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  const windowLines = [
    `extension host event-loop delay: max ${ms(histogram.max)} ms, p99 ${ms(histogram.percentile(99))} ms, mean ${ms(histogram.mean)} ms`,
    `ticks more than 20 ms late (5 ms sampler): ${late.length}${late.length ? `: ${late.slice(0, 40).map((l) => `+${l.late} ms at ${l.at} ms (cpu ${l.cpu ?? "?"} ms, ${l.faults ?? "?"} faults)`).join(", ")}` : ""}`,
    `of which the extension host's main thread itself ran > 20 ms: ${blocked.length}${blocked.length ? `, longest ${Math.max(...blocked.map((l) => l.cpu!))} ms of CPU` : ""}`,
    `collector pauses over 10 ms: ${collections.length}${collections.length ? `: ${collections.map((c) => `${c.kind} ${c.ms} ms at ${c.at} ms`).join(", ")}` : ""}`,
    `page faults: one costs ${faultCost.us.toFixed(1)} us here (16 MB written fresh: ${faultCost.faults} faults); over the run the extension host process took ${faultsRun} (~${((faultsRun * faultCost.us) / 1000).toFixed(0)} ms), its main thread ${mainFaultsRun} (~${((mainFaultsRun * faultCost.us) / 1000).toFixed(0)} ms)`,
  ];
  const { model, flags = [] } = cpuFeatures();
  const features = ["avx2", "avx512_vnni", "avx_vnni"].map((flag) => `${flag} ${flags.includes(flag) ? "yes" : "no"}`).join(", ");
  const machine = `node ${process.version}; cpu: ${model} x${cpus().length} (${features}), load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`;
  if (control) {
    control.dispose();
    for (const line of [`CONTROL, the extension's analysis left out: ${control.what}, in ${(elapsed / 1000).toFixed(1)} s`, ...windowLines, machine]) console.log(`[scale] ${line}`);
    return;
  }
  const results = sentiment.results(document.uri);
  assert.ok(results && !results.partial);
  assert.equal(results.table?.textColumn, "text");
  assert.equal(results.units.length, 14_640);
  const lines = [
    `rows scored: ${results.units.length} (column "${results.table?.textColumn}", ${results.table?.problems.length} problems), model ${results.model.kind}`,
    `analysis time (Analyze Sentiment to all rows stored): ${(elapsed / 1000).toFixed(1)} s; the rows read and their scoring begun after ${((unitsReady ?? NaN) / 1000).toFixed(2)} s; first rows painted after ${((firstPaint ?? NaN) / 1000).toFixed(2)} s`,
    ...windowLines,
    `extension host heap: ${(heapBefore / 1e6).toFixed(0)} MB before, ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB after`,
    withPanel ? `summary panel open; its page heap after drawing all rows: ${((pageBytes ?? NaN) / 1e6).toFixed(0)} MB` : "summary panel closed",
    `${machine}; engine: ${results.model.sessions ?? "?"}`,
  ];
  for (const line of lines) console.log(`[scale] ${line}`);
}

/**
 * SCALE_CONTROL: the same window with the extension's analysis left out, for the floor this machine sets. `engine`: an
 * engine of the bench's own (the extension's worker script and bundled model, so the same threads at the same nice
 * value; SCALE_THREADS as the setting would give) scores the table's texts, and the host only posts chunks and takes
 * answers. `idle`: nothing runs for 6 s (the editor, its browser and code-server as they are).
 */
async function controlRun(kind: string, extensionPath: string, file: string): Promise<{ what: string; run(): Promise<void>; dispose(): void }> {
  if (kind === "idle") return { what: "nothing ran (6 s)", run: () => new Promise((resolve) => setTimeout(resolve, 6000)), dispose: () => undefined };
  const texts = rowUnits(parseTable(readFileSync(file, "utf8"), { format: "csv" }), "text").units.map((unit) => unit.text);
  const dir = join(extensionPath, "model", "sentiment-mini");
  const engine = new EngineClient(engineThread(join(extensionPath, "dist", "worker.js")), { dir, kind: "mini", dtype: "q8", intraOpThreads: Number(process.env.SCALE_THREADS ?? 0) });
  const { sessions } = await engine.modelInfo();
  return {
    what: `an engine of its own (${sessions}) scored the ${texts.length} rows' texts; the host only posted and received`,
    run: async () => void (await engine.scores(texts)),
    dispose: () => engine.dispose(),
  };
}

/** Entry called by VS Code (extensionTestsPath). */
export async function run(): Promise<void> {
  const threads = process.env.SCALE_THREADS;
  // Reported as one test (suiteProtocol.ts), so the runner fails it if the extension host dies on the way.
  await reportPlainRun("scale bench", () => (threads ? withSetting("engine.threads", Number(threads), bench) : bench()));
}
