// Browser check of the real UI: code-server with the extension under development, headless chromium, the fixture
// workspace. Opens feedback.md, runs "Inline Sentiment: Analyze Sentiment" from the command palette, then checks what
// is painted (line backgrounds, badges, status bar, hover) and saves screenshots to docs/screenshots/.
//
//   node test/codeServer/runE2e.mjs
//
// Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed" (also written as JSON to $IS_RESULT_FILE when
// set); exits 1 if any check failed (and saves docs/screenshots/failure-e2e.png).
// Env: E2E_DECORATION_TIMEOUT_MS (default 180000) for the analysis to be painted; E2E_TIMEOUT_MS (default 600000)
// overall; IS_EXTENSION_DIR / IS_WORKSPACE override the extension folder and workspace (for testing the harness);
// IS_VERBOSE=1 prints browser console messages. IS_VSIX=path/to/x.vsix checks that package instead of the source folder
// (installed into the run's extensions folder, loaded from there); its screenshots go to .test-run/screenshots-vsix/,
// docs/screenshots/ is left as it is.
import fs from "node:fs";
import path from "node:path";
import {
  freshWorkspace,
  REPO_ROOT,
  RUN_ROOT,
  SCREENSHOT_SETTINGS,
  SCREENSHOT_DIR,
  HarnessError,
  displayPath,
  exit,
  findBinaries,
  isExiting,
  launchBrowser,
  newPage,
  printDiagnostics,
  requireBuilt,
  resolveFromCwd,
  runMain,
  startCodeServer,
  writeResult,
} from "./codeServer.mjs";
import {
  decorationState,
  hoverLine,
  openFile,
  runCommand,
  statusBarTexts,
  waitForDecorations,
  waitForWorkbench,
} from "./workbench.mjs";

const FILE = "feedback.md";
const FIRST_LINE_TEXT = "The new dashboard is wonderful";
const HOVER_LINE_TEXT = "Support never answered my ticket";
const COMMAND = "Inline Sentiment: Analyze Sentiment";
const decorationTimeout = Number(process.env.E2E_DECORATION_TIMEOUT_MS || 180_000);
const overallTimeout = Number(process.env.E2E_TIMEOUT_MS || 600_000);
const verbose = process.env.IS_VERBOSE === "1";

let passed = 0;
let failed = 0;
function report(ok, name, detail) {
  if (isExiting()) return ok; // interrupted (Ctrl+C): the browser is gone, stay quiet while cleanup exits
  if (ok) passed++;
  else failed++;
  process.stdout.write(`${ok ? "ok" : "not ok"} - ${name}${detail ? ` (${detail})` : ""}\n`);
  return ok;
}

runMain(async () => {
  const started = Date.now();
  const extensionDir = process.env.IS_EXTENSION_DIR ? resolveFromCwd(process.env.IS_EXTENSION_DIR) : REPO_ROOT;
  const workspace = process.env.IS_WORKSPACE ? resolveFromCwd(process.env.IS_WORKSPACE) : freshWorkspace("e2e");
  const vsix = process.env.IS_VSIX ? resolveFromCwd(process.env.IS_VSIX) : undefined;
  if (vsix) requireBuilt(vsix, "the VSIX");
  else {
    const main = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8")).main ?? "./extension.js";
    requireBuilt(path.resolve(extensionDir, main), "the extension bundle");
  }
  if (!fs.existsSync(path.join(workspace, FILE))) throw new HarnessError(`${path.join(workspace, FILE)} not found`);
  findBinaries(); // a missing setup is an error, not a failed check
  const screenshotDir = vsix ? path.join(RUN_ROOT, "screenshots-vsix") : SCREENSHOT_DIR;
  if (vsix) process.stdout.write(`# testing ${displayPath(vsix)}; screenshots go to ${displayPath(screenshotDir)}\n`);
  fs.mkdirSync(screenshotDir, { recursive: true });
  fs.rmSync(path.join(screenshotDir, "failure-e2e.png"), { force: true }); // stale from an earlier run

  let server;
  let page;
  const overall = setTimeout(() => {
    process.stderr.write(`error: the e2e check did not finish within ${overallTimeout} ms (E2E_TIMEOUT_MS)\n`);
    printDiagnostics(server);
    process.stdout.write(`${passed} passed, ${failed + 1} failed\n`);
    writeResult({ passed, failed: failed + 1 });
    void exit(1);
  }, overallTimeout);
  overall.unref();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  // Every check, in order. `fatal` steps are the ones the rest depends on: when one fails, the remaining checks are
  // reported as not run (and counted as failed).
  const remaining = [
    "workbench loads with the fixture folder",
    `${FILE} opens in an editor`,
    `"${COMMAND}" runs from the command palette`,
    "at least 3 painted line decorations",
    "at least two distinct decoration background colours",
    "a line badge (::after) names a sentiment",
    'a status bar item shows "Sentiment"',
    "screenshot docs/screenshots/decorations.png",
    `hover over "${HOVER_LINE_TEXT}" shows a sentiment and a percentage`,
    "screenshot docs/screenshots/hover.png",
    'the hover\'s "Why?" link lists the words that move the score',
    "screenshot docs/screenshots/hover-why.png",
    "the summary panel lists every unit, most negative first, with its charts",
    "screenshot docs/screenshots/panel.png",
    "the summary panel comes back after a window reload, with its rows",
  ];
  const fatal = async (name, fn) => {
    remaining.splice(remaining.indexOf(name), 1);
    try {
      const detail = await fn();
      report(true, name, detail);
      return true;
    } catch (error) {
      report(false, name, firstLine(error));
      for (const rest of remaining.splice(0)) report(false, rest, "not run");
      return false;
    }
  };
  const check = (name, ok, detail) => {
    remaining.splice(remaining.indexOf(name), 1);
    return report(ok, name, detail);
  };

  const ready =
    (await fatal("workbench loads with the fixture folder", async () => {
      server = await startCodeServer({ runDir: vsix ? "e2e-vsix" : "e2e", settings: SCREENSHOT_SETTINGS, vsix });
      const browser = await launchBrowser();
      page = await newPage(browser, { width: 1400, height: 900 });
      if (verbose) page.on("console", (m) => process.stdout.write(`# browser ${m.type()}: ${m.text()}\n`));
      // With a VSIX the extension is an installed one: no development path.
      await page.goto(server.url({ folder: workspace, extensionDevelopmentPath: vsix ? undefined : extensionDir }), { waitUntil: "domcontentloaded", timeout: 120_000 });
      await waitForWorkbench(page);
      return elapsed();
    })) &&
    (await fatal(`${FILE} opens in an editor`, async () => {
      const how = await openFile(page, FILE, { expectText: FIRST_LINE_TEXT });
      return `${how}, ${elapsed()}`;
    })) &&
    (await fatal(`"${COMMAND}" runs from the command palette`, async () => {
      await runCommand(page, COMMAND);
      return elapsed();
    }));

  if (ready) {
    let waitError;
    try {
      await waitForDecorations(page, { minLines: 3, minColors: 2, timeout: decorationTimeout });
    } catch (error) {
      waitError = error;
    }
    const state = await decorationState(page);
    const waited = waitError ? `gave up after ${decorationTimeout} ms, ${elapsed()}` : elapsed();
    check("at least 3 painted line decorations", state.painted >= 3, `${state.painted} painted, ${waited}`);
    check("at least two distinct decoration background colours", state.colors.length >= 2, state.colors.join(" | ") || "none");
    check("a line badge (::after) names a sentiment", state.badges.length >= 1, state.badges.slice(0, 3).join(", ") || "none");

    let statusItem;
    try {
      await page.waitForFunction(
        () => [...document.querySelectorAll(".statusbar-item")].some((el) => /sentiment/i.test(el.textContent)),
        undefined,
        { timeout: 30_000, polling: 250 },
      );
    } catch {
      // reported below
    }
    statusItem = (await statusBarTexts(page)).find((t) => /sentiment/i.test(t));
    check('a status bar item shows "Sentiment"', !!statusItem, statusItem ?? "none");

    // The documentation screenshot is only written when what it shows passed.
    const decorationsOk = state.painted >= 3 && state.colors.length >= 2 && state.badges.length >= 1;
    if (decorationsOk) {
      await page.mouse.move(5, 450); // keep the pointer off the text
      const decorationsPng = path.join(screenshotDir, "decorations.png");
      await page.screenshot({ path: decorationsPng });
      check("screenshot docs/screenshots/decorations.png", fs.existsSync(decorationsPng), `${fs.statSync(decorationsPng).size} bytes`);
    } else {
      check("screenshot docs/screenshots/decorations.png", false, "not taken: decorations missing");
    }

    let hoverText = "";
    let hoverError;
    try {
      hoverText = await hoverLine(page, HOVER_LINE_TEXT, { expect: [/negative|positive|neutral/i, /\d+(\.\d+)?\s?%/], timeout: 45_000 });
    } catch (error) {
      hoverError = error;
    }
    check(
      `hover over "${HOVER_LINE_TEXT}" shows a sentiment and a percentage`,
      !hoverError,
      hoverError ? firstLine(hoverError) : hoverText.replace(/\s+/g, " ").trim().slice(0, 120),
    );
    if (!hoverError) {
      const hoverPng = path.join(screenshotDir, "hover.png");
      await page.screenshot({ path: hoverPng });
      check("screenshot docs/screenshots/hover.png", fs.existsSync(hoverPng), `${fs.statSync(hoverPng).size} bytes`);
    } else {
      check("screenshot docs/screenshots/hover.png", false, "not taken: no hover");
    }

    const whyName = 'the hover\'s "Why?" link lists the words that move the score';
    let whyText = "";
    let whyError = hoverError;
    if (!hoverError) {
      try {
        await page.locator(".monaco-hover a", { hasText: "Why?" }).first().click({ timeout: 15_000 });
        await page.mouse.move(5, 450); // off the text, so the mouse does not ask for a hover of its own
        whyText = await waitForHoverText(page, /Why (NEGATIVE|POSITIVE):/, 60_000);
      } catch (error) {
        whyError = error;
      }
    }
    check(whyName, !whyError, whyError ? firstLine(whyError) : whyText.replace(/\s+/g, " ").trim().slice(-120));
    if (!whyError) {
      const whyPng = path.join(screenshotDir, "hover-why.png");
      await page.screenshot({ path: whyPng });
      check("screenshot docs/screenshots/hover-why.png", fs.existsSync(whyPng), `${fs.statSync(whyPng).size} bytes`);
    } else {
      check("screenshot docs/screenshots/hover-why.png", false, "not taken: no explanation");
    }

    const panelName = "the summary panel lists every unit, most negative first, with its charts";
    let panel;
    let panelError;
    try {
      await page.keyboard.press("Escape");
      await runCommand(page, "Inline Sentiment: Show Sentiment Summary");
      panel = await panelState(page, 60_000);
      if (panel.rows.length < 8) throw new Error(`${panel.rows.length} rows`);
      if (panel.rows[0] !== "negative") throw new Error(`first row is ${panel.rows[0]}`);
      if (!panel.charts) throw new Error("histogram or arc chart missing");
    } catch (error) {
      panelError = error;
    }
    check(panelName, !panelError, panelError ? firstLine(panelError) : `${panel.rows.length} rows: ${panel.rows.join(" ")}`);
    if (!panelError) {
      await page.mouse.move(5, 450);
      const panelPng = path.join(screenshotDir, "panel.png");
      await page.screenshot({ path: panelPng });
      check("screenshot docs/screenshots/panel.png", fs.existsSync(panelPng), `${fs.statSync(panelPng).size} bytes`);
    } else {
      check("screenshot docs/screenshots/panel.png", false, "not taken: no panel");
    }

    const reloadName = "the summary panel comes back after a window reload, with its rows";
    let restored;
    let reloadError = panelError;
    if (!panelError) {
      try {
        // Wait for the reload itself, so the checks below cannot read the page from before it.
        const reloaded = page.waitForEvent("framenavigated", { predicate: (frame) => frame === page.mainFrame(), timeout: 60_000 });
        await runCommand(page, "Developer: Reload Window");
        await reloaded;
        await waitForWorkbench(page);
        restored = await panelState(page, 120_000);
        if (restored.rows.length < 8) throw new Error(`${restored.rows.length} rows after the reload`);
      } catch (error) {
        reloadError = error;
      }
    }
    check(reloadName, !reloadError, reloadError ? firstLine(reloadError) : `${restored.rows.length} rows`);
  }

  if (isExiting()) return new Promise(() => {});
  if (failed) {
    const failurePng = path.join(screenshotDir, "failure-e2e.png");
    if (page && (await page.screenshot({ path: failurePng }).then(() => true, () => false))) {
      process.stdout.write(`# failure screenshot: ${displayPath(failurePng)}\n`);
    }
    printDiagnostics(server);
  }
  process.stdout.write(`# ${elapsed()} in all\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  writeResult({ passed, failed });
  return failed ? 1 : 0;
});

/** Waits until a visible hover's text matches `re`; returns that text. */
async function waitForHoverText(page, re, timeout) {
  const handle = await page.waitForFunction(
    ([source, flags]) =>
      [...document.querySelectorAll(".monaco-hover")]
        .filter((el) => !el.classList.contains("hidden") && el.getBoundingClientRect().height > 0)
        .map((el) => el.innerText.replace(/\u00a0/g, " "))
        .find((text) => new RegExp(source, flags).test(text)),
    [re.source, re.flags],
    { timeout, polling: 200 },
  );
  return handle.jsonValue();
}

/**
 * The summary panel's rows (their polarity, in list order) and whether its SVG charts are drawn. The page lives in
 * nested webview iframes: wait in each frame for the list to appear.
 */
async function panelState(page, timeout) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const found = await frame
        .waitForSelector('[data-testid="unit-list"] [data-testid="unit-row"]', { timeout: 1_000 })
        .then(() => true, () => false);
      if (!found) continue;
      return frame.evaluate(() => ({
        rows: [...document.querySelectorAll('[data-testid="unit-row"]')].map((row) => row.getAttribute("data-polarity")),
        charts: !!document.querySelector('[data-testid="histogram"] svg, svg[data-testid="histogram"]') &&
          !!document.querySelector('[data-testid="arc"] svg, svg[data-testid="arc"]'),
      }));
    }
  }
  throw new Error(`no summary panel rows within ${timeout} ms`);
}

function firstLine(error) {
  return String(error?.message ?? error).split("\n")[0];
}
