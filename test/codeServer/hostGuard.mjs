// The extension host's memory, read from /proc, for the runners and the soak (scripts/soak.mjs). A host that grows past
// a limit is stopped by the runner at once, with a record of what it held, instead of growing until the kernel's OOM
// killer ends it: on a machine without swap the growth first makes everything else crawl, and a run that should fail
// in seconds failed after 50 minutes (CI, 2026-12-06: an in-editor stage whose host reached 23.4 GB; docs/RELIABILITY.md
// "Soak").
import fs from "node:fs";
import path from "node:path";

/** The default limit on an extension host's resident memory: a suite's host peaks at about 1 GB. */
export const HOST_RSS_LIMIT_MB = 4096;

/**
 * Every extension host code-server has launched for a run, newest last ("<pid> Launched Extension Host Process."), from
 * its log file, or from the log's text when the caller has just read it.
 */
export function extensionHostPids(logFile, text = readText(logFile) ?? "") {
  return [...text.matchAll(/<(\d+)> Launched Extension Host Process\./g)].map((m) => Number(m[1]));
}

/** What /proc says of a process's memory, in bytes (undefined once it has gone). */
export function processMemory(pid) {
  const status = readText(`/proc/${pid}/status`);
  if (!status) return undefined;
  const kb = (key) => Number((status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m")) ?? [])[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM"), anon: kb("RssAnon") };
}

/** Each thread of `pid` with its name and the share of a core it used since `before` (updated in place). */
export function threadCpu(pid, before = new Map()) {
  const now = Date.now();
  let tasks = [];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out = [];
  for (const tid of tasks) {
    const stat = readStat(`/proc/${pid}/task/${tid}/stat`);
    if (!stat) continue;
    const { name, ticks } = stat;
    const prev = before.get(tid);
    before.set(tid, { ticks, at: now });
    const cpu = prev ? (ticks - prev.ticks) / CLOCK_TICKS / Math.max(0.001, (now - prev.at) / 1000) : 0;
    out.push({ tid: Number(tid), name, seconds: ticks / CLOCK_TICKS, cpu: Math.round(cpu * 100) / 100 });
  }
  return out.sort((a, b) => b.cpu - a.cpu || b.seconds - a.seconds);
}

/**
 * Watches the run's extension hosts: `check(logText?)` (call it every second or so; give it code-server's log when it
 * was just read for something else) returns undefined while each is under `limitMb` of resident memory; the first time
 * one passes it, writes `runaway.txt` in the run folder (its memory, its threads' CPU, its child processes: the language
 * servers of VS Code's own extensions, and the last lines of code-server's log), kills the host with SIGKILL, and
 * returns `{ pid, rssMb, limitMb, record }`.
 */
export function hostMemoryGuard({ logFile, runDir, limitMb = Number(process.env.IS_HOST_RSS_MB) || HOST_RSS_LIMIT_MB }) {
  const cpu = new Map();
  let tripped;
  return {
    limitMb,
    check(logText) {
      if (tripped) return tripped;
      for (const pid of extensionHostPids(logFile, logText)) {
        const memory = processMemory(pid);
        if (!memory || memory.rss <= limitMb * 2 ** 20) continue;
        const record = path.join(runDir, "runaway.txt");
        fs.writeFileSync(record, runawayRecord(pid, memory, logFile, cpu));
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
        tripped = { pid, rssMb: Math.round(memory.rss / 2 ** 20), limitMb, record };
        return tripped;
      }
      return undefined;
    },
  };
}

/** Why a runaway host failed the stage, with the first lines of its record. */
export function runawayReason({ pid, rssMb, limitMb, record }) {
  const head = (readText(record) ?? "").split("\n").slice(0, 30).join("\n    ").trimEnd();
  return `the extension host (pid ${pid}) grew past ${limitMb} MB of resident memory (${rssMb} MB): the runner stopped it (IS_HOST_RSS_MB); its record, ${record.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), record) : record}:\n    ${head}`;
}

function runawayRecord(pid, memory, logFile, cpu) {
  const mb = (bytes) => `${Math.round(bytes / 2 ** 20)} MB`;
  const lines = [`extension host ${pid}: resident ${mb(memory.rss)} (anonymous ${mb(memory.anon)}), at ${new Date().toISOString()}`, "", "threads (name, CPU seconds):"];
  for (const t of threadCpu(pid, cpu).slice(0, 12)) lines.push(`  ${t.tid} ${t.name} ${t.seconds.toFixed(1)} s`);
  lines.push("", "child processes (pid, state, resident, CPU seconds, command):");
  for (const child of children(pid)) lines.push(`  ${child}`);
  lines.push("", `/proc/${pid}/smaps_rollup:`, readText(`/proc/${pid}/smaps_rollup`) ?? "(gone)", "code-server's log, last 40 lines:");
  lines.push(...(readText(logFile) ?? "").split("\n").slice(-40));
  return `${lines.join("\n")}\n`;
}

/** The direct children of `pid` as lines "pid state resident cpu command" (from /proc). */
function children(pid) {
  const out = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(`/proc/${entry}/stat`);
    if (!stat || stat.parent !== pid) continue;
    const memory = processMemory(Number(entry));
    const command = (readText(`/proc/${entry}/cmdline`) ?? "").split("\0").join(" ").slice(0, 200);
    out.push(`${entry} ${stat.state} ${memory ? Math.round(memory.rss / 2 ** 20) : "?"} MB ${(stat.ticks / CLOCK_TICKS).toFixed(1)} s ${command}`);
  }
  return out;
}

/** Clock ticks per second in /proc's CPU times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** A /proc stat line of a process or thread: its name, state, parent and CPU time (utime + stime, in clock ticks). */
function readStat(file) {
  const stat = readText(file);
  if (!stat) return undefined;
  // The name is in parentheses and may hold spaces or ")": the fields start after the last ")".
  const close = stat.lastIndexOf(")");
  const fields = stat.slice(close + 2).split(" ");
  return { name: stat.slice(stat.indexOf("(") + 1, close), state: fields[0], parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

export function readText(file) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
