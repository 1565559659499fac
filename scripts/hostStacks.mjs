// Finds what holds memory in a running extension host: attaches to it through the inspector (process._debugProcess,
// as SIGUSR1 would), reads process.memoryUsage() of its main thread every 50 ms, and each time its ArrayBuffers (the
// memory outside the V8 heap: Buffers, messages being sent) pass --ab-mb, pauses it and prints the JavaScript stack
// (script paths included), at most --stacks times. How the soak's large ArrayBuffers were traced to VS Code's markdown
// extension (docs/RELIABILITY.md "Soak").
//
//   <Node 22 or newer> scripts/hostStacks.mjs --pid <extension host pid> [--ab-mb 50] [--stacks 6] [--port 9229]
//   <Node 22 or newer> scripts/hostStacks.mjs --under <runner pid> ...   (waits for an extension host among its descendants)
//
// The code-server setup's Node 24 will do: ~/.cache/inline-sentiment/node24/bin/node. Stops when the host exits.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { parseArgs } from "node:util";

const { values: opts } = parseArgs({
  options: {
    pid: { type: "string" },
    under: { type: "string" },
    "ab-mb": { type: "string", default: "50" },
    stacks: { type: "string", default: "6" },
    port: { type: "string", default: "9229" },
  },
});
if (typeof WebSocket !== "function") fail("needs Node 22 or newer (a global WebSocket); the code-server setup's Node 24 has it");
if (!opts.pid && !opts.under) fail("usage: hostStacks.mjs --pid <extension host pid> | --under <runner pid> [--ab-mb 50] [--stacks 6] [--port 9229]");

const pid = opts.pid ?? (await findHost(opts.under));
const say = (line) => process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
process._debugProcess(Number(pid));
const target = await inspectorTarget(Number(opts.port));
say(`extension host ${pid}: ${target}`);

const socket = new WebSocket(target);
await new Promise((resolve, reject) => {
  socket.onopen = resolve;
  socket.onerror = reject;
});
let id = 0;
const pending = new Map();
const scripts = new Map();
let paused;
socket.onmessage = ({ data }) => {
  const message = JSON.parse(data);
  if (message.id) {
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  } else if (message.method === "Debugger.scriptParsed") scripts.set(message.params.scriptId, message.params.url);
  else if (message.method === "Debugger.paused") paused?.(message.params);
};
socket.onclose = () => {
  say("the extension host closed the connection (it exited)");
  process.exit(0);
};
const call = (method, params = {}) =>
  new Promise((resolve) => {
    const n = ++id;
    pending.set(n, resolve);
    socket.send(JSON.stringify({ id: n, method, params }));
  });

// The inspector's port is the default one: make sure it is this host's, not another process's that opened it first.
const who = await call("Runtime.evaluate", { expression: "process.pid", returnByValue: true });
if (String(who.result?.result?.value) !== String(pid)) fail(`port ${opts.port} belongs to process ${who.result?.result?.value}, not ${pid}: stop it first`);
await call("Debugger.enable");
const limit = Number(opts["ab-mb"]) * 1e6;
let shown = 0;
let high = 0;
for (;;) {
  const started = Date.now();
  const reply = await call("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
  const usage = JSON.parse(reply.result?.result?.value ?? "{}");
  const waited = Date.now() - started;
  const ab = usage.arrayBuffers ?? 0;
  if (ab > high + 5e6 || waited > 500) {
    say(`arrayBuffers ${mb(ab)} MB, heapUsed ${mb(usage.heapUsed)} MB, rss ${mb(usage.rss)} MB (answered in ${waited} ms)`);
    high = Math.max(high, ab);
  }
  if (ab > limit && shown < Number(opts.stacks)) {
    shown++;
    const stopped = new Promise((resolve) => (paused = resolve));
    await call("Debugger.pause");
    const params = await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2000))]);
    if (params) {
      const frames = params.callFrames.map((frame) => {
        const url = frame.url || scripts.get(frame.location.scriptId) || "?";
        return `  ${frame.functionName || "<anonymous>"} ${url.split("/").slice(-4).join("/")}:${frame.location.lineNumber + 1}:${frame.location.columnNumber + 1}`;
      });
      say(`stack at arrayBuffers ${mb(ab)} MB:\n${frames.join("\n")}`);
      await call("Debugger.resume");
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}

function mb(bytes) {
  return Math.round((bytes ?? 0) / 1e6);
}

/** The extension host among `root`'s descendants (its command line has --type=extensionHost), waited for. */
async function findHost(root) {
  const descendants = (p) => {
    let out = [];
    try {
      for (const child of execFileSync("pgrep", ["-P", String(p)], { encoding: "utf8" }).split("\n").filter(Boolean)) out = out.concat(child, descendants(child));
    } catch {
      // no children
    }
    return out;
  };
  for (let i = 0; i < 1200; i++) {
    const host = descendants(root).find((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes("--type=extensionHost");
      } catch {
        return false;
      }
    });
    if (host) return host;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`no extension host under ${root} after 5 minutes`);
}

/** The inspector's WebSocket address, once the host has opened it. */
async function inspectorTarget(port) {
  for (let i = 0; i < 40; i++) {
    try {
      const [first] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
      if (first?.webSocketDebuggerUrl) return first.webSocketDebuggerUrl;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  fail(`the extension host did not open its inspector on port ${port} (another process may hold the port)`);
}

function fail(message) {
  process.stderr.write(`hostStacks: ${message}\n`);
  process.exit(2);
}
