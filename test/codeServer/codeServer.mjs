// Shared helpers for running the extension in a real VS Code: code-server 4.139.1 (VS Code 1.139.1 in the browser,
// with a real Node extension host) driven by Debian chromium through playwright-core (never `playwright install`).
//
// How code-server is driven here: it starts in its own process group (setsid) with EXTENSIONS_GALLERY='{}' (no calls
// to the unreachable marketplace) and private XDG and user-data folders; /healthz answers when it is up. The extension
// under development and the in-host test suite are passed in the page address's `payload` (code-server refuses
// --extensionDevelopmentPath on its command line), which it honours only with `--vscode-option
// enable-smoke-test-driver`. The page calls window.codeAutomationLog / codeAutomationExit, which the driver exposes
// (playwright's page.exposeFunction), to forward the extension host's console and the suite's exit code.
//
// These scripts run under the machine's Node (20+). code-server itself needs Node 24, which
// scripts/setup-code-server.sh installs into the cache next to code-server:
//   $INLINE_SENTIMENT_CACHE (default ~/.cache/inline-sentiment)/node24/bin/node
//   $INLINE_SENTIMENT_CACHE/code-server/bin/code-server
//
// Totals: with IS_RESULT_FILE set (scripts/test.mjs and runVsix.mjs set it), each runner writes its counts there as
// JSON, {"passed": N, "failed": M, "skipped": K} (writeResult below).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readText } from "./hostGuard.mjs";
import { parseHostExits } from "./suiteWatch.mjs";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RUN_ROOT = path.join(REPO_ROOT, ".test-run");
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, "test", "fixtures", "workspace");
export const SCREENSHOT_DIR = path.join(REPO_ROOT, "docs", "screenshots");

/**
 * A fresh copy of the fixture workspace for one run: tests edit and save documents, and the fixtures in the repo
 * must stay as committed.
 */
export function freshWorkspace(name) {
  const dir = path.join(REPO_ROOT, ".test-run", "workspaces", `${name}-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(FIXTURE_WORKSPACE, dir, { recursive: true });
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const SETUP_HINT = "run `bash scripts/setup-code-server.sh` (installs Node 24, code-server and chromium once per machine)";

// ---------------------------------------------------------------------------------------------------------------
// Cleanup: everything started here (code-server process groups, browsers) is registered and torn down on exit,
// on SIGINT/SIGTERM/SIGHUP and on an uncaught error, so no code-server is left behind.

const cleanups = new Set();
let exiting = false;

/** Registers an async cleanup; returns a function that unregisters it. */
export function onCleanup(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Runs every registered cleanup once (newest first), each bounded in time. */
export async function runCleanups() {
  const list = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of list) {
    try {
      await Promise.race([Promise.resolve().then(fn), delay(10_000)]);
    } catch {
      // best effort
    }
  }
}

/** True once the harness is shutting down (after a signal or an exit() call). */
export function isExiting() {
  return exiting;
}

/** Cleans up and exits with `code`. Use this instead of process.exit in the harness scripts. */
export async function exit(code) {
  if (exiting) return;
  exiting = true;
  await runCleanups();
  process.exit(code);
}

// Synchronous last resort: kill process groups that are still registered when the process exits anyway.
const groupsToKill = new Set();
process.on("exit", () => {
  for (const pid of groupsToKill) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
]) {
  process.on(signal, () => {
    if (exiting) return;
    process.stderr.write(`\n${signal}: stopping code-server and the browser\n`);
    void exit(code);
  });
}
process.on("uncaughtException", (error) => {
  process.stderr.write(`uncaught exception: ${error?.stack ?? error}\n`);
  void exit(1);
});
process.on("unhandledRejection", (error) => {
  process.stderr.write(`unhandled rejection: ${error?.stack ?? error}\n`);
  void exit(1);
});

// ---------------------------------------------------------------------------------------------------------------
// Load: waits that have to be bounded in time are scaled by how loaded the machine is, measured when the wait starts.

/**
 * How many times slower than quiet this machine is likely to run right now: the 1-minute load average over the number
 * of cores (os.loadavg / os.availableParallelism), at least 1 and at most 8. A load of 18 on 2 cores gives 8 (capped),
 * a quiet machine 1. IS_LOAD_FACTOR overrides it (a number >= 1), for a machine whose load average does not tell.
 */
export function loadFactor() {
  const forced = Number(process.env.IS_LOAD_FACTOR);
  if (Number.isFinite(forced) && forced >= 1) return forced;
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.min(8, Math.max(1, os.loadavg()[0] / Math.max(1, cores)));
}

/** `ms` scaled by the load factor (see loadFactor), for a wait that is a limit, never a pause. */
export function scaled(ms) {
  return Math.round(ms * loadFactor());
}

/**
 * A limit in load-adjusted time: `onExpire` runs once `ms` of quiet-machine time has passed, where each second of
 * wall time counts 1 / loadFactor() (sampled every second). On a quiet machine it is `ms` of wall time; under a load
 * factor of 4 it is four times that. Returns a function that cancels it.
 */
export function loadAdjustedTimeout(ms, onExpire) {
  let used = 0;
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    used += (now - last) / loadFactor();
    last = now;
    if (used >= ms) {
      clearInterval(timer);
      onExpire();
    }
  }, 1_000);
  return () => clearInterval(timer);
}

// ---------------------------------------------------------------------------------------------------------------
// Locating the tools

export function cacheDir() {
  return process.env.INLINE_SENTIMENT_CACHE || path.join(os.homedir(), ".cache", "inline-sentiment");
}

/** Paths of Node 24, code-server and chromium; throws a clear error naming the setup script when one is missing. */
export function findBinaries() {
  const cache = cacheDir();
  const node24Bin = path.join(cache, "node24", "bin");
  const node24 = path.join(node24Bin, "node");
  const codeServer = path.join(cache, "code-server", "bin", "code-server");
  const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  const missing = [];
  if (!isExecutable(node24)) missing.push(`Node 24 (${node24})`);
  if (!isExecutable(codeServer)) missing.push(`code-server (${codeServer})`);
  if (!isExecutable(chromium)) missing.push(`chromium (${chromium})`);
  if (missing.length) {
    throw new HarnessError(`missing ${missing.join(", ")}: ${SETUP_HINT}`);
  }
  return { cache, node24Bin, node24, codeServer, chromium };
}

/**
 * Built-in extensions left out of the test VS Code. `vscode.markdown-language-features` (preview, and the markdown
 * language server in a process of its own) answers its server's `markdown/parse` with the whole markdown-it token
 * stream of a document (39 MB of JSON for the suite's 1,081,778-character document) through an IPC queue with no
 * bound. On a loaded machine that server reads slowly; the extension host's stacks were caught in those writes while
 * its memory outside the V8 heap climbed, and it grew past 23 GB until the kernel's OOM killer ended it in three fresh
 * clones' in-editor suites of 2026-12-06 (one of them CI's), the two whose place is known in the test that opens a
 * 1 MB markdown document (docs/RELIABILITY.md "Soak"). Nothing of this extension uses it; the markdown language itself
 * (its id, grammar) comes from `vscode.markdown`, which stays.
 */
export const LEFT_OUT_BUILTINS = ["markdown-language-features"];

/**
 * A folder of links to code-server's built-in extensions but those of LEFT_OUT_BUILTINS, for `--builtin-extensions-dir`
 * (code-server's server ignores `--disable-extension` for built-in extensions). Made in the run's folder.
 */
function builtinExtensionsDir(bins, dir) {
  // bin/code-server links to <package>/out/node/entry.js; the built-ins are <package>/lib/vscode/extensions.
  const source = path.join(path.dirname(fs.realpathSync(bins.codeServer)), "..", "..", "lib", "vscode", "extensions");
  if (!fs.existsSync(source)) throw new HarnessError(`code-server's built-in extensions not found at ${source}: ${SETUP_HINT}`);
  const target = path.join(dir, "builtin-extensions");
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target);
  for (const name of fs.readdirSync(source)) {
    if (!LEFT_OUT_BUILTINS.includes(name)) fs.symlinkSync(path.join(source, name), path.join(target, name));
  }
  return target;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** An error whose message is enough on its own (printed without a stack trace). */
export class HarnessError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// code-server

/** User settings that keep the window clean and quiet: no welcome page, walkthroughs, AI/chat, telemetry, trust. */
export const DEFAULT_SETTINGS = {
  "workbench.startupEditor": "none",
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.disableAIFeatures": true,
  "chat.commandCenter.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "update.showReleaseNotes": false,
  "security.workspace.trust.enabled": false,
  "security.workspace.trust.startupPrompt": "never",
  "extensions.ignoreRecommendations": true,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never",
  "remote.autoForwardPorts": false,
  // code-server registers a tunnel provider, so the remote extension host would still look for candidate ports by
  // spawning processes every few seconds (its port finder; desktop VS Code has none): each spawn of a process as
  // large as the host took 30-70 ms of its main thread in the scale bench's CPU profile.
  "remote.autoForwardPortsSource": "output",
  "editor.accessibilitySupport": "off",
  "accessibility.signals.sounds.volume": 0,
  "workbench.editor.enablePreview": false,
  "files.hotExit": "off",
  // In a browser VS Code saves after a 1 s delay by default (desktop: off). A test that edits a fixture and reverts it
  // more than a second later on a loaded machine then reverted nothing: the edit was on disk, and every later test of
  // the run read feedback.md one line down (a fresh clone's VSIX stage: 5 failures, lines 8, 10, ... for 7, 9, ...).
  "files.autoSave": "off",
  "window.restoreWindows": "none",
};

/** Extra settings for runs that take screenshots: the minimap would hide the end of long lines (and their badges). */
export const SCREENSHOT_SETTINGS = {
  "editor.minimap.enabled": false,
  // The README's screenshots show every label; by default only negative paragraphs are painted (the in-editor suite,
  // test/integration/writers.test.ts, checks that default).
  "inlineSentiment.show": "all",
};

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Builds the workbench address for a code-server on `port`. Paths are absolute paths on this machine; the extension
 * under development and the in-host test suite go into the `payload` (code-server refuses them on its command line,
 * and honours them only with `--vscode-option enable-smoke-test-driver`).
 * @param {{ port: number, host?: string, folder?: string, extensionDevelopmentPath?: string,
 *           extensionTestsPath?: string, openFile?: string, extraPayload?: [string, string][] }} options
 */
export function workbenchUrl({ port, host = "127.0.0.1", folder, extensionDevelopmentPath, extensionTestsPath, openFile, extraPayload = [] }) {
  const authority = `${host}:${port}`;
  const remote = (p) => `vscode-remote://${authority}${encodeURI(path.resolve(p))}`;
  const payload = [["skipWelcome", "true"], ["skipReleaseNotes", "true"]];
  if (extensionDevelopmentPath) payload.push(["extensionDevelopmentPath", remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(["extensionTestsPath", remote(extensionTestsPath)]);
  if (openFile) payload.push(["openFile", remote(openFile)]);
  payload.push(...extraPayload);
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(path.resolve(folder))}`);
  query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `http://${authority}/?${query.join("&")}`;
}

/**
 * Starts code-server in a fresh run directory `.test-run/<runDir>` (or an absolute `runDir`), in its own process group.
 * With `vsix`, that package is first installed into the run's own extensions folder (`code-server --install-extension`),
 * so the workbench loads the extension as a user who installed it gets it; `installedExtension` is then its folder.
 * The built-in extensions of LEFT_OUT_BUILTINS are left out unless `allBuiltins` (a VS Code for use by hand, which
 * wants the markdown preview).
 * @param {{ runDir: string, port?: number, host?: string, settings?: object, verbose?: boolean, startTimeoutMs?: number,
 *           vsix?: string, allBuiltins?: boolean }} options
 * @returns {Promise<{ port: number, runDir: string, userDataDir: string, logFile: string, pid: number, installedExtension?: string,
 *   url: (o: { folder?: string, extensionDevelopmentPath?: string, extensionTestsPath?: string, openFile?: string }) => string,
 *   stop: () => Promise<void>, exited: Promise<number|null> }>}
 */
export async function startCodeServer({ runDir, port, host = "127.0.0.1", settings = {}, verbose = false, startTimeoutMs = 60_000, vsix, allBuiltins = false }) {
  if (!runDir) throw new HarnessError("startCodeServer: runDir is required");
  const bins = findBinaries();
  const dir = claimRunDir(path.isAbsolute(runDir) ? runDir : path.join(RUN_ROOT, runDir));
  const userDataDir = path.join(dir, "user-data");
  const extensionsDir = path.join(dir, "extensions");
  const xdgDir = path.join(dir, "xdg");
  for (const d of [path.join(userDataDir, "User"), extensionsDir, xdgDir]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, "User", "settings.json"),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2) + "\n",
  );

  port ??= await freePort();
  const logFile = path.join(dir, "code-server.log");
  const logFd = fs.openSync(logFile, "a");
  const args = [
    "--bind-addr", `${host}:${port}`,
    "--auth", "none",
    "--config", "/dev/null",
    "--user-data-dir", userDataDir,
    "--extensions-dir", extensionsDir,
    ...(allBuiltins ? [] : ["--builtin-extensions-dir", builtinExtensionsDir(bins, dir)]),
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--ignore-last-opened",
    "--vscode-option", "enable-smoke-test-driver",
  ];
  if (verbose) args.push("--verbose");
  const env = { ...process.env };
  for (const key of ["NODE_OPTIONS", "VSCODE_IPC_HOOK_CLI", "ELECTRON_RUN_AS_NODE", "PORT", "PASSWORD", "HASHED_PASSWORD"]) delete env[key];
  Object.assign(env, {
    PATH: `${bins.node24Bin}${path.delimiter}${process.env.PATH ?? ""}`,
    EXTENSIONS_GALLERY: "{}",
    XDG_CONFIG_HOME: xdgDir,
    XDG_DATA_HOME: xdgDir,
    XDG_CACHE_HOME: path.join(xdgDir, "cache"),
  });
  const installedExtension = vsix ? installVsix({ bins, env, vsix, userDataDir, extensionsDir, logFd }) : undefined;
  fs.writeSync(logFd, `# ${bins.codeServer} ${args.join(" ")}\n`);
  // detached: the child calls setsid(), so its pid is also its process group id and `kill -- -pid` stops
  // code-server together with its extension hosts, file watchers and pty hosts.
  const child = spawn(bins.codeServer, args, { cwd: dir, env, detached: true, stdio: ["ignore", logFd, logFd] });
  fs.closeSync(logFd);
  const pid = child.pid;
  if (!pid) throw new HarnessError(`could not start ${bins.codeServer}`);
  groupsToKill.add(pid);
  let exitCode;
  const exited = new Promise((resolve) => {
    // The group stays in groupsToKill until stop(): extension hosts may outlive the leader.
    child.on("exit", (code, signal) => {
      exitCode = code ?? signal;
      resolve(code);
    });
    child.on("error", (error) => {
      exitCode = String(error);
      resolve(null);
    });
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return exited;
    stopped = true;
    unregister();
    await killGroup(pid, exited);
  };
  const unregister = onCleanup(stop);

  // Wait for /healthz (about a second when idle; generous for a busy 2-core machine).
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      await stop();
      throw new HarnessError(`code-server exited during start (${exitCode}); log ${logFile}:\n${tail(logFile, 40)}`);
    }
    try {
      const response = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new HarnessError(`code-server did not answer /healthz within ${startTimeoutMs} ms; log ${logFile}:\n${tail(logFile, 40)}`);
    }
    await delay(200);
  }

  return {
    port,
    host,
    pid,
    runDir: dir,
    userDataDir,
    extensionsDir,
    installedExtension,
    logFile,
    exited,
    url: (options = {}) => workbenchUrl({ port, host, ...options }),
    stop,
  };
}

/**
 * Installs a VSIX into `extensionsDir` with code-server's own CLI (the same code path as "Install from VSIX…") and
 * returns the installed extension's folder. Throws with code-server's output when the install fails.
 */
function installVsix({ bins, env, vsix, userDataDir, extensionsDir, logFd }) {
  if (!fs.existsSync(vsix)) throw new HarnessError(`VSIX ${vsix} not found`);
  const args = ["--user-data-dir", userDataDir, "--extensions-dir", extensionsDir, "--install-extension", vsix, "--force"];
  fs.writeSync(logFd, `# ${bins.codeServer} ${args.join(" ")}\n`);
  const result = spawnSync(bins.codeServer, args, { env, encoding: "utf8", timeout: 120_000 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  fs.writeSync(logFd, output);
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new HarnessError(`code-server could not install ${vsix} (exit ${result.status ?? result.signal ?? result.error}):\n${output.trim()}`);
  }
  const folder = installedExtensionFolder(extensionsDir);
  if (!folder) throw new HarnessError(`${vsix} reported installed, but no extension folder appeared in ${extensionsDir}`);
  return folder;
}

/** The one installed extension folder under `extensionsDir` (the run's own, so it holds only what this run installed). */
function installedExtensionFolder(extensionsDir) {
  const folders = fs
    .readdirSync(extensionsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(extensionsDir, e.name, "package.json")));
  return folders.length === 1 ? path.join(extensionsDir, folders[0].name) : undefined;
}

/**
 * A copy of the extension as VS Code for the Web gets it: package.json without "main" (so the workbench cannot pick
 * the Node extension host) and only the files the web build reads.
 */
export function stageWebExtension(from, to) {
  const pkg = JSON.parse(fs.readFileSync(path.join(from, "package.json"), "utf8"));
  delete pkg.main;
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  fs.writeFileSync(path.join(to, "package.json"), JSON.stringify(pkg, null, 2));
  const files = ["README.md", "dist/web/extension.js", "dist/web/worker.js", "dist/web/tableWorker.js", "dist/web/ort-wasm-simd-threaded.wasm", "dist/panel/main.js", "dist/panel/style.css"];
  for (const file of files) {
    requireBuilt(path.join(from, file), file);
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(path.join(from, file), path.join(to, file));
  }
  for (const dir of ["media", "model/sentiment-mini"]) fs.cpSync(path.join(from, dir), path.join(to, dir), { recursive: true, filter: (src) => !src.endsWith("model.onnx") });
  fs.copyFileSync(path.join(from, "model", "manifest.json"), path.join(to, "model", "manifest.json"));
  return to;
}

/**
 * VS Code runs an `extensionTestsPath` suite only when an `extensionDevelopmentPath` is given too. To test an installed
 * VSIX, this empty extension (another id, no code) fills that slot, so the only Inline Sentiment in the window is
 * the installed one.
 */
export function emptyDevelopmentExtension(runDir) {
  const dir = path.join(runDir, "empty-development-extension");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      {
        name: "vsix-test-host",
        publisher: "inline-sentiment-test",
        version: "0.0.0",
        description: "Empty: lets VS Code run the in-editor suite against the installed VSIX.",
        engines: { vscode: "*" },
      },
      null,
      2,
    ) + "\n",
  );
  return dir;
}

/**
 * Empties and claims `dir` for this process. When another live harness process holds it (a run started from another
 * shell), uses `<dir>-<pid>` instead, so concurrent runs never wipe each other's code-server.
 */
function claimRunDir(dir) {
  const owner = path.join(dir, "harness.pid");
  let holder;
  try {
    holder = Number(fs.readFileSync(owner, "utf8").trim());
  } catch {
    // free
  }
  // Sweep `<dir>-<pid>` folders left by earlier concurrent runs that have ended.
  const base = path.basename(dir);
  try {
    for (const name of fs.readdirSync(path.dirname(dir))) {
      const m = name.startsWith(`${base}-`) && /^\d+$/.exec(name.slice(base.length + 1));
      if (m && !isAlive(Number(m[0]))) fs.rmSync(path.join(path.dirname(dir), name), { recursive: true, force: true });
    }
  } catch {
    // no run root yet
  }
  if (holder && holder !== process.pid && isAlive(holder)) dir = `${dir}-${process.pid}`;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "harness.pid"), `${process.pid}\n`);
  return dir;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

async function killGroup(pid, exited) {
  const send = (signal) => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      return false;
    }
  };
  if (!send("SIGTERM")) {
    groupsToKill.delete(pid); // the whole group is already gone
    return;
  }
  const done = await Promise.race([exited.then(() => true), delay(5_000).then(() => false)]);
  // The leader may be gone while extension hosts linger: always sweep the group.
  send("SIGKILL");
  if (!done) await Promise.race([exited, delay(2_000)]);
  groupsToKill.delete(pid);
}

// ---------------------------------------------------------------------------------------------------------------
// Browser

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Launches Debian chromium through playwright-core (never `playwright install`). The browser is closed on exit.
 * @param {{ headless?: boolean }} [options]
 */
export async function launchBrowser({ headless = true } = {}) {
  const { chromium: chromiumType } = await importPlaywright();
  const { chromium } = findBinaries();
  const browser = await chromiumType.launch({
    executablePath: chromium,
    headless,
    args: CHROMIUM_ARGS,
    // The harness owns signal handling (it stops code-server too).
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const unregister = onCleanup(() => browser.close().catch(() => {}));
  browser.on("disconnected", () => unregister());
  return browser;
}

/** A page with a fixed viewport (screenshots are reproducible). */
export async function newPage(browser, { width = 1400, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  return context.newPage();
}

async function importPlaywright() {
  try {
    return await import("playwright-core");
  } catch (error) {
    throw new HarnessError(`cannot load playwright-core from ${REPO_ROOT}/node_modules (run npm install): ${error.message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Logs

/** Last `lines` lines of a text file ('' when missing). */
export function tail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").slice(-lines - 1).join("\n");
  } catch {
    return "";
  }
}

/** Log files written by code-server under the user-data-dir, extension host logs first. */
export function findServerLogs(userDataDir) {
  const found = [];
  const walk = (dir) => {
    let entries = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".log")) found.push(full);
    }
  };
  walk(path.join(userDataDir, "logs"));
  const rank = (file) => (/exthost/i.test(file) ? 0 : /remoteagent|server/i.test(file) ? 1 : 2);
  return found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Prints the tail of the code-server log and of the extension host log (plus any log of this extension's own
 * output channels), for a failed or timed-out run. With `tails: false` only lists where the logs are.
 */
export function printDiagnostics(server, { lines = 40, tails = true, out = process.stderr } = {}) {
  if (!server) return;
  const write = (s) => out.write(s.endsWith("\n") ? s : s + "\n");
  const logs = findServerLogs(server.userDataDir).filter(
    (f) => /exthost\.log$/i.test(path.basename(f)) || /inline-sentiment/i.test(path.relative(server.userDataDir, f)),
  );
  if (!tails) {
    write(`logs: ${[server.logFile, ...logs].map(displayPath).join(", ")}`);
    return;
  }
  write(`--- code-server log (${server.logFile}), last ${lines} lines ---`);
  write(tail(server.logFile, lines) || "(empty)");
  if (!logs.length) write(`--- no extension host log under ${path.join(server.userDataDir, "logs")} ---`);
  for (const file of logs) {
    write(`--- ${file}, last ${lines} lines ---`);
    write(tail(file, lines) || "(empty)");
  }
}

// ---------------------------------------------------------------------------------------------------------------

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A path for messages: relative to the current directory when inside it, absolute otherwise. */
export function displayPath(p) {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

/** Resolves a path given on the command line or in an env var against the current directory. */
export function resolveFromCwd(p) {
  return path.resolve(process.cwd(), p);
}

/** Fails with the build hint when a file produced by `npm run build` is missing. */
export function requireBuilt(file, what) {
  if (!fs.existsSync(file)) {
    throw new HarnessError(`${what} not found at ${displayPath(file)}: run \`npm run build\` first`);
  }
}

/**
 * Writes a runner's totals as JSON to the file named by IS_RESULT_FILE, when set: what scripts/test.mjs and
 * runVsix.mjs add up (instead of reading counts back from the console text).
 * @param {{ passed: number, failed: number, skipped?: number }} totals
 */
/**
 * The checks of a browser run: `report` prints "ok - name (detail)" or "not ok - ..." and counts it (quiet once the run
 * is interrupted: the browser is gone while cleanup exits); `summary` prints "N passed, M failed" (`extraFailed` counts a
 * failure that is no check, such as a timeout) and writes the totals to $IS_RESULT_FILE. With `declared` (the number of
 * checks the run has), a run that reported fewer checks fails with the reason: it never reports success it did not see.
 * @param {{ declared?: number }} [options]
 */
export function checkReporter({ declared } = {}) {
  const counts = { passed: 0, failed: 0 };
  let stopped = false;
  return {
    counts,
    report(ok, name, detail) {
      if (isExiting() || stopped) return ok;
      if (ok) counts.passed++;
      else counts.failed++;
      process.stdout.write(`${ok ? "ok" : "not ok"} - ${name}${detail ? ` (${detail})` : ""}\n`);
      return ok;
    },
    summary(extraFailed = 0) {
      stopped = true;
      let missing = 0;
      if (declared !== undefined && counts.passed + counts.failed < declared) {
        missing = declared - counts.passed - counts.failed;
        process.stdout.write(`not ok - every declared check reported (${counts.passed + counts.failed} of ${declared} reported: the run stopped early)\n`);
      }
      const totals = { passed: counts.passed, failed: counts.failed + extraFailed + (missing ? 1 : 0) };
      process.stdout.write(`${totals.passed} passed, ${totals.failed} failed\n`);
      writeResult(totals);
      return totals.failed ? 1 : 0;
    },
  };
}

/**
 * How the extension hosts code-server started have ended so far, read from its log (code-server.log: the server logs
 * "<pid> Extension Host Process exited with code: C, signal: S." for each): `abnormal` lists each exit with a non-zero
 * code or a signal (an OOM kill is "signal: SIGKILL"), as a sentence. A window reload ends its host with code 0.
 * @returns {{ exits: number, abnormal: string[] }}
 */
export function extensionHostExits(logFile) {
  return parseHostExits(readText(logFile) ?? "");
}


export function writeResult({ passed, failed, skipped = 0 }) {
  const file = process.env.IS_RESULT_FILE;
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ passed, failed, skipped }) + "\n");
}

/** Runs `main` and turns a HarnessError into a one-line message, any other error into a stack; always cleans up. */
export function runMain(main) {
  Promise.resolve()
    .then(main)
    .then(
      (code) => exit(typeof code === "number" ? code : 0),
      (error) => {
        process.stderr.write(error instanceof HarnessError ? `error: ${error.message}\n` : `error: ${error?.stack ?? error}\n`);
        return exit(1);
      },
    );
}
