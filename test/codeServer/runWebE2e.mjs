// Browser check of the web build (VS Code for the Web): code-server with its web worker extension host on, a copy of
// the extension without "main" (so only package.json "browser", dist/web/extension.js, can run), headless chromium and
// the fixture workspace. Opening feedback.md scores it live with the engine in a Web Worker on WebAssembly; checks what
// is painted (line backgrounds, badges), that the hover names the WebAssembly runtime, that the status bar shows the
// sentiment, and saves docs/screenshots/web-decorations.png.
//
//   node test/codeServer/runWebE2e.mjs        (npm run test:web, after the in-editor web suite)
//
// Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed" (JSON to $IS_RESULT_FILE when set); exits 1 if
// any check failed (and saves docs/screenshots/failure-web.png). Env: E2E_DECORATION_TIMEOUT_MS (default 180000),
// IS_VERBOSE=1 prints browser console messages.
import fs from "node:fs";
import path from "node:path";
import {
  freshWorkspace,
  REPO_ROOT,
  SCREENSHOT_SETTINGS,
  SCREENSHOT_DIR,
  checkReporter,
  extensionHostExits,
  launchBrowser,
  newPage,
  printDiagnostics,
  runMain,
  stageWebExtension,
  startCodeServer,
} from "./codeServer.mjs";
import { decorationState, hoverLine, openFile, statusBarTexts, waitForDecorations, waitForWorkbench } from "./workbench.mjs";

const FILE = "feedback.md";
const HOVER_LINE_TEXT = "Support never answered my ticket";
const decorationTimeout = Number(process.env.E2E_DECORATION_TIMEOUT_MS || 180_000);
const verbose = process.env.IS_VERBOSE === "1";

// Nine checks and the host check: a run that stops early fails with the count it reported (codeServer.mjs checkReporter).
const { report, summary } = checkReporter({ declared: 10 });

runMain(async () => {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const workspace = freshWorkspace("e2e-web");
  const server = await startCodeServer({ runDir: "e2e-web", settings: { ...SCREENSHOT_SETTINGS, "extensions.webWorker": true } });
  const extensionDir = stageWebExtension(REPO_ROOT, path.join(server.runDir, "web-extension"));
  const browser = await launchBrowser();
  const page = await newPage(browser, { width: 1400, height: 900 });
  const consoleLines = [];
  page.on("console", (m) => {
    consoleLines.push(m.text());
    if (verbose) process.stdout.write(`# browser ${m.type()}: ${m.text()}\n`);
  });
  try {
    await page.goto(server.url({ folder: workspace, extensionDevelopmentPath: extensionDir }), { waitUntil: "domcontentloaded", timeout: 120_000 });
    await waitForWorkbench(page);
    report(true, "workbench loads with the web build as the development extension", elapsed());
    const opened = await openFile(page, FILE, { expectText: "The new dashboard is wonderful" });
    report(true, `${FILE} opens in an editor`, opened);
    const openedAt = Date.now();
    // Live highlighting: no command, the document is scored as it opens (model load in the Web Worker included).
    // Every unit of feedback.md (8, one of them two lines): the visible-first partial paint is not the end.
    await waitForDecorations(page, { minLines: 9, minColors: 2, timeout: decorationTimeout });
    const state = await decorationState(page);
    report(state.painted >= 9, "every unit painted (9 lines)", `${state.painted} painted, ${((Date.now() - openedAt) / 1000).toFixed(1)} s after opening (first load of the WebAssembly engine included)`);
    report(state.colors.length >= 2, "at least two distinct decoration background colours", state.colors.join(" | "));
    report(state.badges.length >= 1, "a line badge (::after) names a sentiment", state.badges.slice(0, 3).join(", "));
    const status = (await statusBarTexts(page)).find((t) => /sentiment/i.test(t));
    report(!!status, 'a status bar item shows "Sentiment"', status ?? "none");
    await page.mouse.move(5, 450);
    const png = path.join(SCREENSHOT_DIR, "web-decorations.png");
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: png });
    report(fs.existsSync(png), "screenshot docs/screenshots/web-decorations.png", `${fs.statSync(png).size} bytes`);
    const hover = await hoverLine(page, HOVER_LINE_TEXT, { expect: [/negative/i, /WebAssembly/, /onnxruntime-web/] });
    report(true, "the hover shows the label and names the WebAssembly runtime", hover.replace(/\s+/g, " ").match(/WebAssembly[^,]*,[^,]*,[^·]*/)?.[0]);
    const webHost = consoleLines.some((line) => /web worker extension host/i.test(line));
    report(webHost, "the workbench started the web worker extension host", webHost ? "console says so" : "no console line about it");
  } catch (error) {
    report(false, "web build check", String(error?.message ?? error).split("\n")[0]);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "failure-web.png") }).catch(() => {});
    printDiagnostics(server);
  }
  // The Node extension host code-server starts beside the web worker one: a crash or kill of it fails the run too
  // (read before code-server is stopped, which ends its hosts with a signal).
  const { abnormal } = extensionHostExits(server.logFile);
  await browser.close().catch(() => {});
  await server.stop();
  report(abnormal.length === 0, "the extension host stayed up (no crash, no kill)", abnormal.join("; ") || undefined);
  return summary();
});
