// Runs the in-editor mocha suite (dist/test/integration/index.js) inside a real VS Code extension host:
// code-server + headless chromium, the way VS Code runs its own browser integration tests. Exits with the suite's code.
// Its totals (written as JSON to $IS_RESULT_FILE when set) are the ones mocha's reporter prints when the suite ends,
// "N passing / N failing / N pending": the suite runs in the extension host, and its console output is all that
// reaches this process besides the exit code.
//
//   node test/codeServer/runIntegration.mjs
//
// Env: INTEGRATION_TIMEOUT_MS (default 300000) overall limit; IS_EXTENSION_DIR, IS_SUITE, IS_WORKSPACE override the
// extension folder, the suite module and the workspace folder (for testing the harness itself); IS_VERBOSE=1 also
// prints browser console messages. IS_VSIX=path/to/x.vsix tests that package instead of the source folder: it is
// installed into the run's extensions folder and loaded from there (see test/codeServer/runVsix.mjs, npm run test:vsix).
// IS_WEB=1 runs the web build (package.json "browser") in code-server's web worker extension host: a copy of the
// extension without "main" is staged (docs/WEB-BUILD.md "Testing"), with the WebAssembly suite (dist/test/web/index.js).
// IS_RUN_DIR: an absolute run folder instead of .test-run/integration(-vsix): the universal VSIX is tested outside the
// repository, where Node's module lookup cannot climb up to the repository's node_modules (its onnxruntime-node).
import fs from "node:fs";
import path from "node:path";
import { format, stripVTControlCharacters } from "node:util";
import {
  freshWorkspace,
  REPO_ROOT,
  HarnessError,
  displayPath,
  emptyDevelopmentExtension,
  isExiting,
  launchBrowser,
  newPage,
  onCleanup,
  printDiagnostics,
  requireBuilt,
  resolveFromCwd,
  runMain,
  stageWebExtension,
  startCodeServer,
  writeResult,
} from "./codeServer.mjs";
import { startModelServer } from "./modelServer.mjs";

const timeoutMs = Number(process.env.INTEGRATION_TIMEOUT_MS || 300_000);
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
  const timer = setTimeout(() => settle({ timeout: true }), timeoutMs);
  server.exited.then((code) => settle({ serverExit: code }));

  const browser = await launchBrowser();
  browser.on("disconnected", () => settle({ browserGone: true }));
  const page = await newPage(browser);
  // The workbench forwards the extension host's console (mocha's reporter) here while extensionTestsPath runs.
  const totals = {};
  await page.exposeFunction("codeAutomationLog", (type, args) => {
    const text = Array.isArray(args) ? format(...args) : String(args ?? "");
    for (const [, n, kind] of stripVTControlCharacters(text).matchAll(/^\s*(\d+) (passing|failing|pending)\b/gm)) totals[kind] = Number(n);
    if (!verbose && WORKBENCH_NOISE.test(text)) return;
    const line = process.env.NO_COLOR ? stripVTControlCharacters(text) : text;
    process.stdout.write(line.endsWith("\n") ? line : line + "\n");
  });
  // Called when the suite's run() settles: 0 resolved, 1 rejected. The second argument holds the window's logs.
  await page.exposeFunction("codeAutomationExit", (code, logs) => {
    saveWindowLogs(server.runDir, logs);
    settle({ code: Number.isInteger(Number(code)) ? Number(code) : 1 });
  });
  page.on("pageerror", (error) => verbose && log(`page error: ${error.message}`));
  page.on("crash", () => settle({ crashed: true }));
  if (verbose) page.on("console", (message) => log(`browser ${message.type()}: ${message.text()}`));

  const url = server.url({ folder: workspace, extensionDevelopmentPath: developmentPath, extensionTestsPath: suite });
  if (verbose) log(`opening ${url}`);
  page.goto(url, { waitUntil: "domcontentloaded", timeout: 120_000 }).catch((error) => settle({ gotoError: error }));

  const outcome = await result;
  clearTimeout(timer);
  if (isExiting()) return new Promise(() => {}); // interrupted (Ctrl+C): cleanup is exiting
  if ("code" in outcome) {
    log(`integration suite finished with exit code ${outcome.code} in ${ms(started)}`);
    // mocha prints "N failing" and "N pending" only when N > 0; without "N passing" the suite did not report.
    if (totals.passing !== undefined) writeResult({ passed: totals.passing, failed: totals.failing ?? 0, skipped: totals.pending ?? 0 });
    if (outcome.code !== 0) printDiagnostics(server, { tails: false });
    return outcome.code;
  }
  const why = outcome.timeout
    ? `the integration suite did not finish within ${timeoutMs} ms (INTEGRATION_TIMEOUT_MS)`
    : outcome.serverExit !== undefined
      ? `code-server exited (${outcome.serverExit}) before the suite finished`
      : outcome.gotoError
        ? `the workbench page did not load: ${String(outcome.gotoError.message).split("\n")[0]}`
        : outcome.crashed
          ? "the browser page crashed before the suite finished"
          : "the browser closed before the suite finished";
  process.stderr.write(`error: ${why}\n`);
  printDiagnostics(server);
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
