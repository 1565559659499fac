// The soak: runs the in-editor suite (test/codeServer/runIntegration.mjs: code-server + chromium, the extension in a
// real extension host) again and again under generated load (stress-ng), with a watchdog that samples, every second,
// the extension host's resident memory, its threads and their CPU, and the counters the extension host and the engine
// worker write (src/engine/node/statsFile.ts: queue lengths, windows waiting, helper starts and stops, requests and texts in
// flight, cache sizes, each thread's heap). Past the limit (--limit-mb, default 2048 MB of host RSS) it saves what it
// saw (runaway.json: the last samples, counters, /proc status and smaps_rollup, thread CPU; the tails of the logs; a heap
// snapshot when the host's loop can still write one) and stops the run. Not part of `npm test`: a run takes as long as
// you give it (docs/RELIABILITY.md "Soak" has what it ran and found; CONTRIBUTING.md "Soak" how to run it).
//
//   npm run soak -- [--minutes 30] [--profiles cpu,one-thread,memory] [--limit-mb 2048] [--grep TEXT]
//                   [--cpu 2] [--io 1] [--vm 1] [--vm-bytes 1G] [--memory-reserve-mb 2048] [--max-vm-bytes 1G]
//
// Profiles (one per iteration, in turn):
//   cpu         stress-ng --cpu N --io N --vm N --vm-bytes B (CPU, disk and memory pressure)
//   one-thread  the same load, and the extension host pinned to one core (taskset -a -p -c 0 <host pid>, when the
//               watchdog first sees it): the engine sees one core, runs one session of one thread and no helper
//   memory      the same load, its vm workers taking the memory available less --memory-reserve-mb, capped at
//               --max-vm-bytes (default 1G: on a shared machine the cap decides; raise it on a machine of your own
//               to run with the memory nearly full)
//   reconnect   the cpu profile's load, and the browser's traffic with code-server dropped for --cut-for s every
//               --cut-every s (iptables DROP on code-server's port; needs root): as with a browser starved of CPU, the
//               workbench hears nothing for longer than its 20 s socket timeout, drops its sockets and reconnects when
//               the traffic flows again, the condition the first runaway was seen in (a reset connection instead
//               makes the workbench give its extension host up for good, which no user meets on one machine)
//   none        no load (a control)
// Needs stress-ng (Debian: apt-get install -y stress-ng) and the code-server setup (bash scripts/setup-code-server.sh).
// Writes to .test-run/soak/<time>/: one folder per iteration (the run, its stats files, samples.jsonl), summary.json.
// Exit code: 0 when every iteration passed and none crossed the limit, 1 otherwise.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { extensionHostPids, readText, threadCpu } from "../test/codeServer/hostGuard.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    profiles: { type: "string", default: "cpu,one-thread,memory" },
    "limit-mb": { type: "string", default: "2048" },
    grep: { type: "string" },
    cpu: { type: "string", default: "2" },
    io: { type: "string", default: "1" },
    vm: { type: "string", default: "1" },
    "vm-bytes": { type: "string", default: "1G" },
    "memory-reserve-mb": { type: "string", default: "2048" },
    "max-vm-bytes": { type: "string", default: "1G" },
    "suite-timeout-ms": { type: "string", default: "1200000" },
    "cut-every": { type: "string", default: "40" },
    "cut-for": { type: "string", default: "30" },
  },
});
const budgetMs = Number(opts.minutes) * 60_000;
const limitBytes = Number(opts["limit-mb"]) * 1024 * 1024;
const profiles = opts.profiles.split(",").map((p) => p.trim()).filter(Boolean);
for (const p of profiles) if (!["cpu", "one-thread", "memory", "reconnect", "none"].includes(p)) fail(`unknown profile ${p} (cpu, one-thread, memory, reconnect, none)`);
if (profiles.includes("reconnect") && spawnSync("iptables", ["-S", "INPUT"]).status !== 0) fail("the reconnect profile needs iptables and root (Debian: apt-get install -y iptables)");
if (spawnSync("stress-ng", ["--version"]).status !== 0 && profiles.some((p) => p !== "none")) fail("stress-ng not found: apt-get install -y stress-ng");

const soakDir = path.join(ROOT, ".test-run", "soak", new Date().toISOString().replace(/[:.]/g, "-"));
fs.mkdirSync(soakDir, { recursive: true });
const cpuLine = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? os.cpus()[0]?.model;
const flags = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:\s*(.*)$/m) ?? [])[1]?.split(" ") ?? [];
log(`soak: ${opts.minutes} min, profiles ${profiles.join(", ")}, host RSS limit ${opts["limit-mb"]} MB; ${os.availableParallelism()} cores, ${cpuLine} (avx2 ${flags.includes("avx2")}, avx512_vnni ${flags.includes("avx512_vnni")}); ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM`);
log(`writing to ${path.relative(process.cwd(), soakDir)}`);

let current; // { child, stress: [], stop() }
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    interrupted = true;
    log(`${signal}: stopping the iteration`);
    current?.stop();
  });
}

const started = Date.now();
const iterations = [];
let runaway;
for (let i = 0; !interrupted && !runaway && Date.now() - started < budgetMs; i++) {
  const profile = profiles[i % profiles.length];
  const result = await iteration(i + 1, profile, budgetMs - (Date.now() - started));
  iterations.push(result);
  log(
    `#${result.n} ${profile}: ${result.verdict} in ${(result.ms / 1000).toFixed(0)} s; host RSS peak ${mb(result.peakRss)} MB, ` +
      `threads peak ${result.peakThreads}, load avg ${result.load.toFixed(1)}${result.totals ? `; ${result.totals.passed} passed, ${result.totals.failed} failed` : ""}`,
  );
  if (result.runaway) runaway = result;
}
const summary = {
  minutes: (Date.now() - started) / 60_000,
  cpu: cpuLine,
  cores: os.availableParallelism(),
  memoryGb: os.totalmem() / 2 ** 30,
  limitMb: Number(opts["limit-mb"]),
  iterations: iterations.map(({ samples: _s, ...rest }) => rest),
};
fs.writeFileSync(path.join(soakDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
const passed = iterations.filter((r) => r.verdict === "passed").length;
const cutShort = iterations.filter((r) => r.verdict.startsWith("cut short")).length;
log(
  `soak done: ${iterations.length} iterations in ${summary.minutes.toFixed(1)} min, ${passed} passed${cutShort ? `, ${cutShort} cut short by the time limit` : ""}; host RSS peak ` +
    `${mb(Math.max(0, ...iterations.map((r) => r.peakRss)))} MB${runaway ? `; RUNAWAY in #${runaway.n}: see ${path.relative(process.cwd(), runaway.dir)}/runaway.json` : ""}`,
);
process.exit(runaway || passed + cutShort !== iterations.length ? 1 : 0);

/** One run of the suite under `profile`, watched every second. */
async function iteration(n, profile, leftMs) {
  const dir = path.join(soakDir, `${String(n).padStart(2, "0")}-${profile}`);
  const statsDir = path.join(dir, "stats");
  fs.mkdirSync(statsDir, { recursive: true });
  const runDir = path.join(dir, "run");
  const resultFile = path.join(dir, "result.json");
  const stress = startStress(profile, dir);
  const env = {
    ...process.env,
    IS_RUN_DIR: runDir,
    IS_RESULT_FILE: resultFile,
    INLINE_SENTIMENT_STATS_DIR: statsDir,
    INTEGRATION_TIMEOUT_MS: String(Math.min(Number(opts["suite-timeout-ms"]), Math.max(60_000, leftMs))),
    NO_COLOR: "1",
    ...(opts.grep && { IS_GREP: opts.grep }),
  };
  const out = fs.openSync(path.join(dir, "suite.log"), "w");
  const child = spawn(process.execPath, [path.join(ROOT, "test", "codeServer", "runIntegration.mjs")], { cwd: ROOT, env, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const t0 = Date.now();
  let stopped = false;
  let cut = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    // The runner's own cleanup stops code-server's process group and the browser.
    child.kill("SIGTERM");
  };
  current = { stop };
  // Stop at the end of the soak's budget too (the suite's own limit is set from it, this is the backstop).
  const deadline = setTimeout(() => {
    cut = true;
    stop();
  }, leftMs + 60_000);

  const samples = [];
  const cpuBefore = new Map();
  let peakRss = 0;
  let peakThreads = 0;
  let loadSum = 0;
  let runawayInfo;
  let pinned;
  const watchdog = setInterval(() => {
    const sample = sampleHost(runDir, statsDir, cpuBefore);
    loadSum += os.loadavg()[0];
    samples.push(sample);
    if (samples.length > 600) samples.shift();
    fs.appendFileSync(path.join(dir, "samples.jsonl"), JSON.stringify(sample) + "\n");
    if (!sample.host) return;
    if (profile === "one-thread" && pinned !== sample.host.pid) pinned = pinToOneCore(sample.host.pid, dir);
    peakRss = Math.max(peakRss, sample.host.rss);
    peakThreads = Math.max(peakThreads, sample.host.threads);
    if (sample.host.rss > limitBytes && !runawayInfo) {
      runawayInfo = { at: sample.at, rss: sample.host.rss };
      log(`#${n}: extension host ${sample.host.pid} at ${mb(sample.host.rss)} MB, over the ${opts["limit-mb"]} MB limit: saving what it saw`);
      void saveRunaway(dir, runDir, statsDir, samples, sample.host.pid).finally(stop);
    }
  }, 1_000);

  const cutter = profile === "reconnect" ? cutConnections(path.join(dir, "suite.log"), dir) : undefined;
  const code = await new Promise((resolve) => child.on("close", (c, s) => resolve(c ?? s)));
  cutter?.stop();
  clearInterval(watchdog);
  clearTimeout(deadline);
  for (const s of stress) s.stop();
  current = undefined;
  let totals;
  try {
    totals = JSON.parse(fs.readFileSync(resultFile, "utf8"));
  } catch {
    // none written
  }
  const tail = fs.readFileSync(path.join(dir, "suite.log"), "utf8").split("\n").filter((l) => /^error: |FAILED|passed:/.test(l)).slice(0, 6);
  const ticks = samples.length || 1;
  return {
    n,
    profile,
    dir,
    ms: Date.now() - t0,
    code,
    verdict: runawayInfo ? "RUNAWAY" : code === 0 ? "passed" : cut ? "cut short (soak time spent)" : interrupted ? "cut short (soak stopped)" : "failed",
    totals,
    reasons: tail,
    peakRss,
    peakThreads,
    load: loadSum / ticks,
    runaway: runawayInfo,
    samples,
  };
}

/**
 * Pins every thread of the extension host to one core (taskset -a): threads it starts later (the engine worker,
 * onnxruntime's pool) inherit it, and the engine sees one core (os.availableParallelism), so it runs one session of one
 * thread and no helper. A user setting would not do: the suite's own tests change engine.threads and expect a reload.
 */
function pinToOneCore(pid, dir) {
  const result = spawnSync("taskset", ["-a", "-p", "-c", "0", String(pid)], { encoding: "utf8" });
  fs.appendFileSync(path.join(dir, "stress.txt"), `taskset -a -p -c 0 ${pid}: exit ${result.status} ${(result.stdout ?? "").split("\n").length - 1} threads\n`);
  return pid;
}

/** Starts stress-ng for the profile (none for "none"); each in its own process group, stopped with it. */
function startStress(profile, dir) {
  if (profile === "none") return [];
  // The reconnect profile runs under the cpu profile's load.
  let vmBytes = opts["vm-bytes"];
  if (profile === "memory") {
    // The vm worker takes what is available less the reserve, capped (on a shared machine the cap decides).
    const want = Math.max(64 * 2 ** 20, availableBytes() - Number(opts["memory-reserve-mb"]) * 2 ** 20);
    vmBytes = `${Math.floor(Math.min(want, parseBytes(opts["max-vm-bytes"])) / 2 ** 20)}M`;
  }
  const runs = [["--cpu", opts.cpu, "--io", opts.io, "--vm", opts.vm, "--vm-bytes", vmBytes, "--vm-keep"]];
  return runs.map((args, k) => {
    const log = fs.openSync(path.join(dir, `stress-${k}.log`), "w");
    const child = spawn("stress-ng", [...args, "--timeout", "0", "--quiet"], { detached: true, stdio: ["ignore", log, log] });
    fs.closeSync(log);
    fs.appendFileSync(path.join(dir, "stress.txt"), `stress-ng ${args.join(" ")}\n`);
    return {
      stop: () => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // gone
        }
      },
    };
  });
}

/**
 * The reconnect profile: once the runner has said code-server's port, drops all traffic to and from it for --cut-for
 * seconds every --cut-every seconds, so the workbench's sockets to the extension host time out and reconnect. The rules are removed when the iteration ends (and at each restore), whatever happens.
 */
function cutConnections(suiteLog, dir) {
  let port;
  let timer;
  let cutting = false;
  const rules = () => [
    ["INPUT", "-p", "tcp", "--dport", String(port), "-j", "DROP"],
    ["INPUT", "-p", "tcp", "--sport", String(port), "-j", "DROP"],
  ];
  const note = (line) => fs.appendFileSync(path.join(dir, "stress.txt"), `${new Date().toISOString()} ${line}\n`);
  const restore = () => {
    if (!cutting) return;
    cutting = false;
    for (const rule of rules()) spawnSync("iptables", ["-D", ...rule]);
    note(`restored port ${port}`);
  };
  const cycle = () => {
    port ??= (readText(suiteLog)?.match(/code-server (\d+) ready/) ?? [])[1];
    if (port) {
      for (const rule of rules()) spawnSync("iptables", ["-I", ...rule]);
      cutting = true;
      note(`cut port ${port} for ${opts["cut-for"]} s`);
      timer = setTimeout(() => {
        restore();
        timer = setTimeout(cycle, Number(opts["cut-every"]) * 1000);
      }, Number(opts["cut-for"]) * 1000);
    } else timer = setTimeout(cycle, 1000);
  };
  timer = setTimeout(cycle, Number(opts["cut-every"]) * 1000);
  return {
    stop: () => {
      clearTimeout(timer);
      restore();
    },
  };
}

/** One watchdog sample: the extension host's memory, threads and their CPU, and the counters the extension wrote. */
function sampleHost(runDir, statsDir, cpuBefore) {
  const sample = { at: new Date().toISOString(), load: os.loadavg()[0], availableMb: Math.round(availableBytes() / 2 ** 20) };
  const pid = extensionHostPid(runDir);
  if (pid) {
    const status = readText(`/proc/${pid}/status`);
    if (status) {
      const kb = (key) => Number((status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m")) ?? [])[1] ?? 0) * 1024;
      const threads = threadCpu(pid, cpuBefore);
      sample.host = { pid, rss: kb("VmRSS"), hwm: kb("VmHWM"), anon: kb("RssAnon"), threads: threads.length, busy: threads.filter((t) => t.cpu > 0.05).slice(0, 6) };
    }
  }
  for (const name of ["host", "engine-worker"]) {
    const json = readJson(path.join(statsDir, `${name}.json`));
    if (json) sample[name === "host" ? "hostStats" : "engineStats"] = { at: json.at, memory: json.memory, heap: json.heap, counters: json.counters };
  }
  return sample;
}

/** The newest extension host code-server launched for this run. */
function extensionHostPid(runDir) {
  return extensionHostPids(path.join(runDir, "code-server.log")).at(-1);
}

/** Saves what the watchdog saw when the host crossed the limit: runaway.json, log tails, a heap snapshot if one comes. */
async function saveRunaway(dir, runDir, statsDir, samples, pid) {
  const report = {
    pid,
    samples: samples.slice(-60),
    status: readText(`/proc/${pid}/status`),
    smapsRollup: readText(`/proc/${pid}/smaps_rollup`),
    threads: threadCpu(pid, new Map()).map(({ tid, name }) => ({ tid, name })),
    hostStats: readJson(path.join(statsDir, "host.json")),
    engineStats: readJson(path.join(statsDir, "engine-worker.json")),
    logs: {},
  };
  for (const file of findLogs(runDir)) report.logs[path.relative(runDir, file)] = tailOf(file, 200);
  fs.writeFileSync(path.join(dir, "runaway.json"), JSON.stringify(report, null, 2));
  // Ask the host (and the worker) for a heap snapshot; wait up to 60 s for one to appear.
  fs.writeFileSync(path.join(statsDir, "heap-snapshot.request"), "");
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (fs.readdirSync(statsDir).some((f) => f.endsWith(".heapsnapshot"))) {
      log(`heap snapshot written in ${path.relative(process.cwd(), statsDir)}`);
      return;
    }
    const rss = Number((readText(`/proc/${pid}/status`)?.match(/^VmRSS:\s+(\d+)/m) ?? [])[1] ?? 0) * 1024;
    if (rss > 2 * limitBytes || availableBytes() < 2 * 2 ** 30) break; // no waiting while the machine runs out
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  log("no heap snapshot came (the host's event loop did not get to it)");
}

function findLogs(runDir) {
  const out = [path.join(runDir, "code-server.log")];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".log")) out.push(full);
    }
  };
  try {
    walk(path.join(runDir, "user-data", "logs"));
  } catch {
    // none
  }
  return out;
}

function availableBytes() {
  return Number((readText("/proc/meminfo")?.match(/^MemAvailable:\s+(\d+) kB/m) ?? [])[1] ?? 0) * 1024;
}

function parseBytes(s) {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(s);
  if (!m) fail(`bad size ${s}`);
  return Number(m[1]) * { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[m[2].toUpperCase()];
}

function tailOf(file, lines) {
  return (readText(file) ?? "").split("\n").slice(-lines).join("\n");
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function mb(bytes) {
  return Math.round(bytes / 2 ** 20);
}

function log(message) {
  process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}
