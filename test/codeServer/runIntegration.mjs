// Runs the in-editor mocha suite (dist/test/integration/index.js) inside a real VS Code extension host:
// code-server + headless chromium, the way VS Code runs its own browser integration tests. It never reports success it
// did not see: the suite declares its tests, reports each result, a heartbeat every 5 s and its end
// (test/integration/suiteProtocol.ts), and this runner (suiteWatch.mjs) exits 0 only when every declared test reported,
// none failed, the workbench's exit code is 0 and no extension host died (code-server's log: "Extension Host Process
// exited with code: C, signal: S", C != 0 or a signal). A host that died, restarted (the suite declared twice) or
// stopped answering (no sign for IS_STALL_MS, default 120000, load-scaled) makes it exit 1 with the reason and where
// the suite was ("after 8 of 35 results, in <test>"). Its totals (JSON to $IS_RESULT_FILE when set) count every
// declared test that reported no result as failed.
//
//   node test/codeServer/runIntegration.mjs
//
// Env: INTEGRATION_TIMEOUT_MS (default 300000) overall limit, in load-adjusted time (codeServer.mjs loadFactor); IS_EXTENSION_DIR, IS_SUITE, IS_WORKSPACE override the
// extension folder, the suite module and the workspace folder (for testing the harness itself); IS_VERBOSE=1 also
// prints browser console messages. IS_VSIX=path/to/x.vsix tests that package instead of the source folder: it is
// installed into the run's extensions folder and loaded from there (see test/codeServer/runVsix.mjs, npm run test:vsix).
// IS_WEB=1 runs the web build (package.json "browser") in code-server's web worker extension host: a copy of the
// extension without "main" is staged (docs/WEB-BUILD.md "Testing"), with the WebAssembly suite (dist/test/web/index.js).
// IS_RUN_DIR: an absolute run folder instead of .test-run/integration(-vsix): the universal VSIX is tested outside the
// repository, where Node's module lookup cannot climb up to the repository's node_modules (its onnxruntime-node).
// IS_USER_SETTINGS: extra user settings as a JSON object (scripts/soak.mjs). IS_GREP runs only the matching tests.
import fs from "node:fs";
import path from "node:path";
import { format, stripVTControlCharacters } from "node:util";
import {
  freshWorkspace,
  REPO_ROOT,
  HarnessError,
  displayPath,
  emptyDevelopmentExtension,
  extensionHostExits,
  isExiting,
  launchBrowser,
  loadAdjustedTimeout,
  newPage,
  onCleanup,
  printDiagnostics,
  requireBuilt,
  resolveFromCwd,
  runMain,
  scaled,
  stageWebExtension,
  startCodeServer,
  writeResult,
} from "./codeServer.mjs";
import { startModelServer } from "./modelServer.mjs";
import { hostMemoryGuard, readText, runawayReason } from "./hostGuard.mjs";
import { parseHostExits, SuiteWatch } from "./suiteWatch.mjs";

const timeoutMs = Number(process.env.INTEGRATION_TIMEOUT_MS || 300_000);
// Longest silence (no heartbeat, no result) before the extension host counts as not answering; scaled by the load.
const stallMs = Number(process.env.IS_STALL_MS || 120_000);
const verbose = process.env.IS_VERBOSE === "1";
// The workbench's own info logs reach codeAutomationLog too; they are shown only with IS_VERBOSE=1.
const WORKBENCH_NOISE =
  /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|Creation of workbench contribution|No search provider registered for scheme|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Timed out waiting for authentication provider)/;

runMain(async () => {
  const started = Date.now();
  const webBuild = process.env.IS_WEB === "1";
  let extensionDir = process.env.IS_EXTENSION_DIR ? resolveFromCwd(process.env.IS_EXTENSION_DIR) : REPO_ROOT;
  const defaultSuite = path.join(REPO_ROOT, "dist", "test", webBuild ? "web" : "integration", "index.js");
  let suite = process.env.IS_SUITE ? resolveFromCwd(process.env.IS_SUITE) : defaultSuite;
  const workspace = process.env.IS_WORKSPACE ? resolveFromCwd(process.env.IS_WORKSPACE) : freshWorkspace("integration");
  const vsix = process.env.IS_VSIX ? resolveFromCwd(process.env.IS_VSIX) : undefined;
  if (vsix) requireBuilt(vsix, "the VSIX");
  else {
    const main = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8")).main ?? "./extension.js";
    requireBuilt(path.resolve(extensionDir, main), "the extension bundle");
  }
  requireBuilt(suite, "the integration suite");
  if (!fs.existsSync(workspace)) throw new HarnessError(`workspace folder ${workspace} not found`);

  const runDir = process.env.IS_RUN_DIR || (vsix ? "integration-vsix" : webBuild ? "integration-web" : "integration");
  // The web worker extension host, on in code-server by this setting; the web build's extension has no "main", so it
  // can only run there.
  // The web suite's model download fetches from a local stand-in for the Hub (modelServer.mjs); the suite finds its
  // origin in this user setting (a browser has no environment variables), which the extension itself never reads.
  const modelServer = webBuild ? await startModelServer(path.join(extensionDir, "model", "sentiment-mini")) : undefined;
  if (modelServer) onCleanup(modelServer.close);
  const settings = webBuild ? { "extensions.webWorker": true, "inlineSentimentTest.modelServer": modelServer.origin } : {};
  // IS_USER_SETTINGS: more user settings as JSON (the soak forces the engine to one thread with it).
  if (process.env.IS_USER_SETTINGS) Object.assign(settings, JSON.parse(process.env.IS_USER_SETTINGS));
  const server = await startCodeServer({ runDir, vsix, settings });
  if (webBuild) {
    extensionDir = stageWebExtension(extensionDir, path.join(server.runDir, "web-extension"));
    // VS Code runs a suite in the extension host of the extension whose folder holds it: inside the staged copy, the
    // web worker extension host runs it; outside, the Node one would.
    const staged = path.join(extensionDir, "test-suite", "index.js");
    fs.mkdirSync(path.dirname(staged), { recursive: true });
    fs.copyFileSync(suite, staged);
    suite = staged;
  }
  log(`code-server ${server.port} ready in ${ms(started)} (log ${displayPath(server.logFile)})`);
  // VS Code runs the suite only beside a development extension: an empty one, so the installed VSIX is the one tested.
  const developmentPath = vsix ? emptyDevelopmentExtension(server.runDir) : extensionDir;
  if (vsix) log(`installed ${displayPath(vsix)} as ${displayPath(server.installedExtension)}`);

  let settle;
  const result = new Promise((resolve) => (settle = resolve));
  // The overall limit is in load-adjusted time (codeServer.mjs loadAdjustedTimeout): under load it stretches.
  const cancelTimeout = loadAdjustedTimeout(timeoutMs, () => settle({ timeout: true }));
  server.exited.then((code) => settle({ serverExit: code }));

  // What the suite reports (suiteWatch.mjs): declared tests, each result, a heartbeat, its end.
  const watch = new SuiteWatch();
  // An extension host past IS_HOST_RSS_MB of resident memory is stopped at once, with a record (hostGuard.mjs).
  const guard = hostMemoryGuard({ logFile: server.logFile, runDir: server.runDir });
  const watchdog = setInterval(() => {
    // code-server's log, read once a second for both: extension hosts that ended, and the hosts the guard watches.
    const logText = readText(server.logFile) ?? "";
    const { abnormal } = parseHostExits(logText);
    const runaway = guard.check(logText);
    if (runaway) settle({ runaway });
    else if (abnormal.length) settle({ hostDied: true });
    else if (watch.declared !== undefined && !watch.ended && watch.silentFor() > scaled(stallMs)) settle({ stalled: watch.silentFor() });
    else if (watch.problem) settle({ restarted: true });
  }, 1_000);

  const browser = await launchBrowser();
  browser.on("disconnected", () => settle({ browserGone: true }));
  const page = await newPage(browser);
  // The workbench forwards the extension host's console (mocha's reporter) here while extensionTestsPath runs.
  await page.exposeFunction("codeAutomationLog", (type, args) => {
    const text = watch.feed(stripVTControlCharacters(Array.isArray(args) ? format(...args) : String(args ?? "")));
    if (!text.trim() || (!verbose && WORKBENCH_NOISE.test(text))) return;
    process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  });
  // Called when the suite's run() settles: 0 resolved, 1 rejected, and also when its extension host exits early (then
  // with whatever code it had). The second argument holds the window's logs.
  await page.exposeFunction("codeAutomationExit", (code, logs) => {
    saveWindowLogs(server.runDir, logs);
    settle({ code: Number.isInteger(Number(code)) ? Number(code) : 1 });
  });
  page.on("pageerror", (error) => verbose && log(`page error: ${error.message}`));
  page.on("crash", () => settle({ crashed: true }));
  if (verbose) page.on("console", (message) => log(`browser ${message.type()}: ${message.text()}`));

  const url = server.url({ folder: workspace, extensionDevelopmentPath: developmentPath, extensionTestsPath: suite });
  if (verbose) log(`opening ${url}`);
  page.goto(url, { waitUntil: "domcontentloaded", timeout: scaled(120_000) }).catch((error) => settle({ gotoError: error }));

  const outcome = await result;
  cancelTimeout();
  clearInterval(watchdog);
  if (isExiting()) return new Promise(() => {}); // interrupted (Ctrl+C): cleanup is exiting
  const stopped = outcome.runaway
    ? runawayReason(outcome.runaway)
    : "code" in outcome || outcome.hostDied || outcome.restarted
      ? undefined
      : outcome.timeout
        ? `the integration suite did not finish within ${timeoutMs} ms of load-adjusted time (INTEGRATION_TIMEOUT_MS)`
        : outcome.stalled !== undefined
          ? `the extension host stopped answering: no sign from the suite for ${(outcome.stalled / 1000).toFixed(0)} s (IS_STALL_MS ${stallMs}, load-scaled)`
          : outcome.serverExit !== undefined
            ? `code-server exited (${outcome.serverExit}) before the suite finished`
            : outcome.gotoError
              ? `the workbench page did not load: ${String(outcome.gotoError.message).split("\n")[0]}`
              : outcome.crashed
                ? "the browser page crashed before the suite finished"
                : "the browser closed before the suite finished";
  let exits = extensionHostExits(server.logFile);
  if (!exits.exits && (!watch.ended || watch.results < (watch.declared ?? 1))) {
    // The suite ended short: the workbench may say so (its exit) before code-server has logged how the extension host
    // went. Wait for that line as it is written (a few load-scaled seconds at most), so the reason names the kill.
    const until = Date.now() + scaled(10_000);
    while (!exits.exits && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200)); // a look at the log every 200 ms, not a wait for time
      exits = extensionHostExits(server.logFile);
    }
  }
  const verdict = watch.verdict({ exitCode: outcome.code, stopped, hostDeaths: exits.abnormal });
  writeResult(verdict.totals);
  if (verdict.ok) {
    log(`integration suite passed: ${verdict.totals.passed} passed, ${verdict.totals.skipped} pending, of ${watch.declared} declared, in ${ms(started)}`);
    if (watch.disconnects) log(`note: the workbench lost its connection to the extension host ${watch.disconnects} time(s) and reconnected`);
    return 0;
  }
  for (const reason of verdict.reasons) process.stderr.write(`error: ${reason}\n`);
  log(`integration suite FAILED in ${ms(started)}: ${verdict.reasons[0]}`);
  printDiagnostics(server, { tails: "code" in outcome && !stopped && verdict.reasons.every((r) => /test\(s\) failed|exit code/.test(r)) ? false : true });
  return 1;
});

function saveWindowLogs(runDir, logs) {
  if (!Array.isArray(logs)) return;
  for (const { relativePath, contents } of logs) {
    try {
      const file = path.join(runDir, "window-logs", relativePath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, contents);
    } catch {
      // best effort
    }
  }
}

function log(message) {
  process.stdout.write(`[integration] ${message}\n`);
}

function ms(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
