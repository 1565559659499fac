// Browser check of the real UI: code-server with the extension under development, headless chromium, the fixture
// workspace. Opens feedback.md, runs "Inline Sentiment: Analyze Sentiment" from the command palette, then checks what
// is painted (line backgrounds, badges, status bar, hover) and saves screenshots to docs/screenshots/.
//
//   node test/codeServer/runE2e.mjs
//
// Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed" (also written as JSON to $IS_RESULT_FILE when
// set); exits 1 if any check failed (and saves docs/screenshots/failure-e2e.png).
// Then the review of feedback at scale: a source of >= 10,000 airline tweets built at test time from ../shared (a CSV
// when this build reads tables, else markdown with one tweet per paragraph), scored in full; the panel's group table,
// a theme click filtering the list, search, the virtualized list; screenshot docs/screenshots/panel-groups.png; the
// page's measured change times and heap are printed as "# figure" lines.
//
// Env: E2E_DECORATION_TIMEOUT_MS (default 180000) for the analysis to be painted; E2E_TIMEOUT_MS (default 1500000)
// overall; E2E_FEEDBACK_TIMEOUT_MS (default 900000) for the 10,000-row source to be scored; E2E_FEEDBACK_ROWS (default
// 10500); IS_EXTENSION_DIR / IS_WORKSPACE override the extension folder and workspace (for testing the harness);
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
  checkReporter,
  displayPath,
  exit,
  extensionHostExits,
  findBinaries,
  isExiting,
  launchBrowser,
  loadAdjustedTimeout,
  newPage,
  printDiagnostics,
  requireBuilt,
  resolveFromCwd,
  runMain,
  scaled,
  startCodeServer,
} from "./codeServer.mjs";
import { hostMemoryGuard, runawayReason } from "./hostGuard.mjs";
import {
  closeQuickInput,
  decorationState,
  hoverDump,
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
const overallTimeout = Number(process.env.E2E_TIMEOUT_MS || 1_500_000);
const feedbackTimeout = Number(process.env.E2E_FEEDBACK_TIMEOUT_MS || 900_000);
const feedbackRows = Number(process.env.E2E_FEEDBACK_ROWS || 10_500);
const AIRLINE_CSV = path.join(REPO_ROOT, "..", "shared", "data", "airline-tweets.csv");
const verbose = process.env.IS_VERBOSE === "1";

// Every check, in order. `fatal` steps are the ones the rest depends on: when one fails, the remaining checks are
// reported as not run (and counted as failed).
const CHECKS = [
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
  "Ctrl+K F8 and Ctrl+K Shift+F8 select the next and the previous negative paragraph",
  "the hover of a mixed paragraph says so and lists its sentences; the paragraph is then painted ◐ mixed",
  "screenshot docs/screenshots/hover-mixed.png",
  "a click on a sentence in the hover selects that sentence",
  "live highlighting turned off for a file and for the workspace stays off after a window reload",
  "turned back on for the workspace, then for the file, the decorations come back",
  "a survey export's rows that are no answers are not scored, each badge saying why",
  "screenshot docs/screenshots/not-scored.png",
  "the feedback source is scored in full and the panel lists it virtualized",
  "the list moves with the keyboard: arrows, End to the last row (rendered on the way), kept through new results, Home",
  "the group table lists each airline with counts, shares and means",
  "a theme click filters the list to items containing it, highlighted",
  "search filters the list, with a count",
  "screenshot docs/screenshots/panel-groups.png",
  "the arc's axis can be a date column: a mean per day or week",
];
const HOST_CHECK = "the extension host stayed up (no crash, no kill)";
// The run declares its checks: a run that stops early fails with the count it reported (codeServer.mjs checkReporter).
const { counts, report, summary } = checkReporter({ declared: CHECKS.length + 1 });

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
  let stopGuard = () => {};
  // Load-adjusted: a second of wall time counts 1 / loadFactor() of the limit (codeServer.mjs).
  const cancelOverall = loadAdjustedTimeout(overallTimeout, () => {
    process.stderr.write(`error: the e2e check did not finish within ${overallTimeout} ms of load-adjusted time (E2E_TIMEOUT_MS)\n`);
    printDiagnostics(server);
    summary(1);
    void exit(1);
  });
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  const remaining = [...CHECKS];
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
      stopGuard = watchHostMemory(server);
      const browser = await launchBrowser();
      page = await newPage(browser, { width: 1400, height: 900 });
      if (verbose) page.on("console", (m) => process.stdout.write(`# browser ${m.type()}: ${m.text()}\n`));
      // With a VSIX the extension is an installed one: no development path.
      await page.goto(server.url({ folder: workspace, extensionDevelopmentPath: vsix ? undefined : extensionDir }), { waitUntil: "domcontentloaded", timeout: scaled(120_000) });
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
        { timeout: scaled(30_000), polling: 250 },
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
    let secondLook = "";
    if (!hoverError) {
      const EXPLAINED = /Why (NEGATIVE|POSITIVE):/;
      const clickWhy = async () => {
        await page.locator(".monaco-hover a", { hasText: "Why?" }).first().click({ timeout: scaled(15_000) });
        await page.mouse.move(5, 450); // off the text, so the mouse does not ask for a hover of its own
      };
      try {
        await clickWhy();
        try {
          whyText = await waitForHoverText(page, EXPLAINED, 20_000);
        } catch {
          // Under load the hover that the command shows again may not be read: until the command closed the hover
          // first, VS Code's showHover only focused the clicked hover, still open, without the words (7 of 7 stressed
          // runs); since, the hover with the words is computed and then hidden (its element is there, "hidden"; the
          // extension set no decoration after the click), as VS Code hides a hover when the mouse leaves the editor
          // and the move above can reach the page after the command. Once made, the explanation is in every later
          // hover of the paragraph: hover the line again, and if it still offers "Why?" (no explanation was made),
          // click it once more. The check passes only on the explanation's words, and says when it needed this look.
          await recordHover(page, server, { label: "before the second look", logLines: 5 });
          const again = await hoverLine(page, HOVER_LINE_TEXT, { expect: [/Why( (NEGATIVE|POSITIVE):|\?)/], timeout: 45_000 });
          if (EXPLAINED.test(again)) {
            whyText = again;
            secondLook = "the hover the command showed did not list the words; the next hover of the line lists them";
          } else {
            await clickWhy();
            whyText = await waitForHoverText(page, EXPLAINED, 60_000);
            secondLook = "the first click made no explanation; the second did";
          }
        }
      } catch (error) {
        whyError = error;
      }
    }
    if (secondLook) console.log(`# "Why?" on a second look: ${secondLook}`);
    if (whyError && !hoverError) await recordHover(page, server, { label: "failure", logLines: 40, screenshot: path.join(server.runDir, "why-failure.png") });
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
        const reloaded = page.waitForEvent("framenavigated", { predicate: (frame) => frame === page.mainFrame(), timeout: scaled(60_000) });
        await runCommand(page, "Developer: Reload Window", { reloads: true });
        await reloaded;
        await waitForWorkbench(page);
        restored = await panelState(page, 120_000);
        if (restored.rows.length < 8) throw new Error(`${restored.rows.length} rows after the reload`);
      } catch (error) {
        reloadError = error;
      }
    }
    check(reloadName, !reloadError, reloadError ? firstLine(reloadError) : `${restored.rows.length} rows`);

    await checkWriters(page, { workspace, screenshotDir, check, feedbackStatus: statusItem });
    await checkNotScored(page, { workspace, screenshotDir, check });
    await checkFeedback(page, { workspace, screenshotDir, check, elapsed, extensionDir });
  }

  if (isExiting()) return new Promise(() => {});
  if (counts.failed) {
    const failurePng = path.join(screenshotDir, "failure-e2e.png");
    if (page && (await page.screenshot({ path: failurePng }).then(() => true, () => false))) {
      process.stdout.write(`# failure screenshot: ${displayPath(failurePng)}\n`);
    }
    printDiagnostics(server);
  }
  cancelOverall();
  stopGuard();
  const hosts = server ? extensionHostExits(server.logFile) : { abnormal: ["code-server did not start"] };
  report(hosts.abnormal.length === 0, HOST_CHECK, hosts.abnormal.join("; ") || undefined);
  if (hosts.abnormal.length && !counts.failed) printDiagnostics(server);
  process.stdout.write(`# ${elapsed()} in all\n`);
  return summary();
});

/**
 * Stops the run at once when the extension host passes IS_HOST_RSS_MB of resident memory (hostGuard.mjs): every check
 * not yet reported fails, with the reason and the host's record. Returns the function that stops watching.
 */
function watchHostMemory(server) {
  const guard = hostMemoryGuard({ logFile: server.logFile, runDir: server.runDir });
  const timer = setInterval(() => {
    const runaway = guard.check();
    if (!runaway) return;
    clearInterval(timer);
    process.stderr.write(`error: ${runawayReason(runaway)}\n`);
    summary(1);
    void exit(1);
  }, 1_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** The writer's draft: with the bundled mini model its paragraph reads positive, its second sentence negative (99 %). */
const DRAFT = "draft.md";
const MIXED_FIRST = "Thank you for the quick refund, the staff were kind and patient with me.";
const MIXED_WORST = "The app, though, is the worst I have ever had.";
// The paragraph wraps beside the summary panel: what is looked for on one rendered line is its first 30 characters.

/** Line decorations painted in the active editor group, and its badges (the ::after text of the line spans). */
function activeEditorPaint(page) {
  return page.evaluate(() => {
    const group = document.querySelector(".editor-group-container.active") ?? document;
    const transparent = (c) => !c || c === "transparent" || /^rgba\(.*,\s*0\)$/.test(c);
    const painted = [...group.querySelectorAll('.view-overlays [class*="TextEditorDecorationType"]')].filter((el) => !transparent(getComputedStyle(el).backgroundColor)).length;
    const badges = [...group.querySelectorAll(".view-line span")]
      .map((el) => getComputedStyle(el, "::after").content)
      .filter((c) => c && c !== "none" && c !== "normal" && /positive|negative|neutral|mixed/i.test(c));
    return { painted, badges };
  });
}

/**
 * Waits until the active editor group paints at least `min` (and at most `max`) line decorations, and with `badge` a
 * badge matching it (the page's condition is data, not code: no eval).
 */
async function waitForPaint(page, { min = 0, max = Infinity, badge } = {}, timeout = 60_000) {
  const wanted = `${badge ? `a "${badge}" badge, ` : ""}${min}..${max} painted lines in the active editor`;
  const shown = async () => JSON.stringify(await activeEditorPaint(page).catch(() => "?"));
  await page.waitForFunction(
    ({ min, max, badge }) => {
      const group = document.querySelector(".editor-group-container.active") ?? document;
      const transparent = (c) => !c || c === "transparent" || /^rgba\(.*,\s*0\)$/.test(c);
      const painted = [...group.querySelectorAll('.view-overlays [class*="TextEditorDecorationType"]')].filter((el) => !transparent(getComputedStyle(el).backgroundColor)).length;
      const badged = !badge || [...group.querySelectorAll(".view-line span")].some((el) => (getComputedStyle(el, "::after").content ?? "").includes(badge));
      return painted >= min && painted <= (max ?? Infinity) && badged;
    },
    { min, max: Number.isFinite(max) ? max : null, badge },
    { timeout: scaled(timeout), polling: 250 },
  ).catch(async (error) => {
    throw new Error(`waited for ${wanted}, saw ${await shown()}: ${firstLine(error)}`);
  });
}

/** Waits for a status bar item matching `re`; returns its text. */
async function waitForStatus(page, re, timeout = 30_000) {
  const handle = await page.waitForFunction(
    ([source, flags]) => [...document.querySelectorAll(".statusbar-item")].map((el) => el.textContent.trim()).find((t) => new RegExp(source, flags).test(t)) ?? false,
    [re.source, re.flags],
    { timeout: scaled(timeout), polling: 200 },
  ).catch(async (error) => {
    throw new Error(`waited for a status bar item matching ${re}, saw ${JSON.stringify(await statusBarTexts(page).catch(() => []))}: ${firstLine(error)}`);
  });
  return String(await handle.jsonValue());
}

/**
 * The writer's controls in the real UI: next/previous negative by their default keybinding, the hover of a mixed
 * paragraph (screenshot docs/screenshots/hover-mixed.png) and a click on one of its sentences, and the live switches
 * (off for a file, off for the workspace) remembered across a window reload.
 */
async function checkWriters(page, { workspace, screenshotDir, check, feedbackStatus }) {
  const names = {
    keys: "Ctrl+K F8 and Ctrl+K Shift+F8 select the next and the previous negative paragraph",
    mixed: "the hover of a mixed paragraph says so and lists its sentences; the paragraph is then painted ◐ mixed",
    shot: "screenshot docs/screenshots/hover-mixed.png",
    click: "a click on a sentence in the hover selects that sentence",
    off: "live highlighting turned off for a file and for the workspace stays off after a window reload",
    on: "turned back on for the workspace, then for the file, the decorations come back",
  };
  fs.writeFileSync(path.join(workspace, DRAFT), `# Trip review\n\n${MIXED_FIRST} ${MIXED_WORST}\n\nThe staff were wonderful and the room was lovely.\n`);

  // Next / previous negative: feedback.md's negative paragraphs are on lines 9, 14 and 28 (one line each).
  try {
    await closeQuickInput(page);
    await openFile(page, FILE, { expectText: FIRST_LINE_TEXT });
    await waitForPaint(page, { min: 3 });
    await page.locator(".editor-group-container.active .view-line", { hasText: FIRST_LINE_TEXT }).first().click();
    await page.keyboard.press("Control+Home");
    const seen = [];
    for (const [keys, line] of [[["Control+K", "F8"], 9], [["Control+K", "F8"], 14], [["Control+K", "Shift+F8"], 9]]) {
      for (const key of keys) await page.keyboard.press(key);
      seen.push(await waitForStatus(page, new RegExp(`^Ln ${line}, Col \\d+ \\(\\d+ selected\\)`)));
    }
    check(names.keys, true, seen.join(" -> "));
  } catch (error) {
    check(names.keys, false, firstLine(error));
  }

  // The mixed paragraph's hover: it scores the sentences, says "Mixed" and the paragraph is painted mixed.
  let mixedError;
  try {
    await closeQuickInput(page);
    await openFile(page, DRAFT, { expectText: MIXED_FIRST.slice(0, 30) });
    // The hover's text comes with no-break spaces (VS Code's appendText writes &nbsp;): \s matches them.
    await hoverLine(page, MIXED_FIRST.slice(0, 30), { expect: [/Mixed/, /Sentences,\smost\snegative\sfirst\s\(2\)/], timeout: 60_000 });
    await waitForPaint(page, { badge: "◐ mixed" });
    // Hover again, so the screenshot shows the paragraph painted mixed under its hover.
    const text = await hoverLine(page, MIXED_FIRST.slice(0, 30), { expect: [/Mixed/, /As\sa\swhole/], timeout: 60_000 });
    check(names.mixed, true, text.replace(/\s+/g, " ").trim().slice(0, 140));
    const png = path.join(screenshotDir, "hover-mixed.png");
    await page.screenshot({ path: png });
    check(names.shot, fs.existsSync(png), `${fs.statSync(png).size} bytes`);
  } catch (error) {
    mixedError = error;
    check(names.mixed, false, firstLine(error));
    await page.screenshot({ path: path.join(screenshotDir, "failure-writers-mixed.png") }).catch(() => {});
    check(names.shot, false, "not taken: no mixed hover");
  }
  if (mixedError) check(names.click, false, "not run: no mixed hover");
  else {
    try {
      // The sentences are listed most negative first: the first link selects the negative one.
      await page.locator('.monaco-hover a[title="Select this sentence"]').first().click({ timeout: scaled(15_000) });
      const status = await waitForStatus(page, new RegExp(`\\(${MIXED_WORST.length} selected\\)`));
      check(names.click, true, status);
    } catch (error) {
      check(names.click, false, firstLine(error));
    }
  }

  // Off for feedback.md, off for the workspace, a reload: both remembered. Then on again, the workspace first.
  let offError;
  try {
    await page.keyboard.press("Escape");
    await openFile(page, FILE, { expectText: FIRST_LINE_TEXT });
    // "Turn Off for This File" acts on the extension host's active editor: wait until the host has it (the status bar
    // item, which the extension sets for the active editor, shows feedback.md's counts again). Under stress-ng a
    // command run as soon as the editor showed reached a host that still had draft.md active, and turned that off.
    if (feedbackStatus) await waitForStatus(page, new RegExp(`^${feedbackStatus.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`));
    await runCommand(page, "Inline Sentiment: Turn Off for This File");
    await waitForPaint(page, { max: 0 });
    await openFile(page, DRAFT, { expectText: MIXED_FIRST.slice(0, 30) });
    await waitForPaint(page, { min: 1 });
    await runCommand(page, "Inline Sentiment: Toggle Live Highlighting");
    await waitForPaint(page, { max: 0 });
    const reloaded = page.waitForEvent("framenavigated", { predicate: (frame) => frame === page.mainFrame(), timeout: scaled(60_000) });
    await runCommand(page, "Developer: Reload Window", { reloads: true });
    await reloaded;
    await waitForWorkbench(page);
    await openFile(page, DRAFT, { expectText: MIXED_FIRST.slice(0, 30) });
    const status = await waitForStatus(page, /Sentiment: live off/, 120_000);
    const draft = await activeEditorPaint(page);
    await openFile(page, FILE, { expectText: FIRST_LINE_TEXT });
    await waitForStatus(page, /Sentiment: live off/);
    const feedback = await activeEditorPaint(page);
    if (draft.painted || feedback.painted) throw new Error(`painted after the reload: ${DRAFT} ${draft.painted}, ${FILE} ${feedback.painted}`);
    check(names.off, true, `after the reload: "${status}", nothing painted in ${DRAFT} or ${FILE}`);
  } catch (error) {
    offError = error;
    check(names.off, false, firstLine(error));
    await page.screenshot({ path: path.join(screenshotDir, "failure-writers-off.png") }).catch(() => {});
  }
  try {
    if (offError) throw new Error("not run: the switches were not both off");
    await runCommand(page, "Inline Sentiment: Toggle Live Highlighting");
    await openFile(page, DRAFT, { expectText: MIXED_FIRST.slice(0, 30) });
    await waitForPaint(page, { min: 1 }, 120_000);
    // feedback.md stays off: its own switch outlived the reload and the workspace's.
    await openFile(page, FILE, { expectText: FIRST_LINE_TEXT });
    await waitForStatus(page, /Sentiment: live off/);
    const still = await activeEditorPaint(page);
    if (still.painted) throw new Error(`${FILE} painted while off for the file: ${still.painted}`);
    await runCommand(page, "Inline Sentiment: Turn On for This File");
    await waitForPaint(page, { min: 3 }, 120_000);
    check(names.on, true, `${DRAFT} painted with the workspace on, ${FILE} still off until turned on for the file, then ${(await activeEditorPaint(page)).painted} lines painted`);
  } catch (error) {
    check(names.on, false, firstLine(error));
  }
}

/**
 * What a hover step saw, printed as comments under `label`: every hover element (shown or not, with its links), the
 * last `logLines` of the extension's log (the explain command's calls, the hovers it gave up on), and a screenshot
 * beside the run when one is asked for.
 */
async function recordHover(page, server, { label, logLines, screenshot }) {
  try {
    for (const hover of await hoverDump(page)) console.log(`# ${label}, hover element: ${JSON.stringify(hover)}`);
    if (screenshot) {
      await page.screenshot({ path: screenshot });
      console.log(`# ${label}, screenshot: ${displayPath(screenshot)}`);
    }
  } catch (error) {
    console.log(`# ${label}, the page could not be read: ${firstLine(error)}`);
  }
  for (const line of extensionLog(server.userDataDir).slice(-logLines)) console.log(`# ${label}, log: ${line}`);
}

/** The lines of the extension's log ("Inline Sentiment" in the Output panel) in this run's user data, if written. */
function extensionLog(userDataDir) {
  const logs = path.join(userDataDir, "logs");
  if (!fs.existsSync(logs)) return [];
  const lines = [];
  for (const session of fs.readdirSync(logs).sort()) {
    const dir = path.join(logs, session);
    for (const host of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const file = path.join(dir, host, "inline-sentiment.inline-sentiment", "Inline Sentiment.log");
      if (fs.existsSync(file)) lines.push(...fs.readFileSync(file, "utf8").split("\n").filter(Boolean));
    }
  }
  return lines;
}

/** Waits until a visible hover's text matches `re`; returns that text. */
async function waitForHoverText(page, re, timeout) {
  timeout = scaled(timeout);
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
  timeout = scaled(timeout);
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

/**
 * Writes the feedback source into the workspace: the first `rows` records of the airline tweets as CSV when the
 * extension reads tables (it activates on the csv language), else as markdown, one tweet per paragraph (no fields,
 * so no group table). Returns what was written.
 */
async function writeFeedbackSource(workspace, extensionDir, rows) {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8"));
  const tables = (manifest.activationEvents ?? []).includes("onLanguage:csv");
  const { default: Papa } = await import("papaparse");
  const parsed = Papa.parse(fs.readFileSync(AIRLINE_CSV, "utf8").replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: true });
  const records = parsed.data.slice(0, rows);
  if (records.length < rows) throw new Error(`${AIRLINE_CSV} has ${records.length} rows, ${rows} wanted`);
  if (tables) {
    fs.writeFileSync(path.join(workspace, "airline.csv"), Papa.unparse(records, { newline: "\n" }) + "\n");
    // What the group table must show: rows per airline in the rows written.
    const airlines = {};
    for (const r of records) airlines[r.airline.trim()] = (airlines[r.airline.trim()] ?? 0) + 1;
    return { file: "airline.csv", tables, rows: records.length, firstText: records[0].text.split("\n")[0], airlines };
  }
  // Markdown: line breaks inside a tweet become spaces (a blank line would split it), markup characters are escaped
  // so each tweet stays one plain paragraph.
  const paragraphs = records.map((r) => r.text.replace(/\s*\n\s*/g, " ").replace(/^([#>*+\-=|]|\d+\.)/, "\\$1").trim() || "(empty)");
  fs.writeFileSync(path.join(workspace, "airline.md"), paragraphs.join("\n\n") + "\n");
  return { file: "airline.md", tables, rows: records.length, firstText: paragraphs[0].slice(0, 30) };
}

/**
 * Units listed and in all, read from the list's count ("1,234 of 10,500 units"), in the page. Written out in each page
 * function below: the page's CSP allows no eval, so the helper cannot be passed as source.
 */
function countInPage() {
  const text = document.querySelector('[data-testid="list-count"]')?.textContent ?? "";
  const m = /([\d,]+) of ([\d,]+)/.exec(text);
  const partial = /Partial/.test(document.querySelector("header")?.textContent ?? "");
  return m ? { shown: Number(m[1].replace(/,/g, "")), total: Number(m[2].replace(/,/g, "")), partial } : undefined;
}

/** The webview frame holding the summary page with at least `minUnits` units scored (not partial). */
async function feedbackFrame(page, minUnits, timeout) {
  timeout = scaled(timeout);
  const deadline = Date.now() + timeout;
  let last = "no panel";
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      // A condition wait in each frame, as panelState does: the page lives in nested webview iframes.
      const ok = await frame
        .waitForFunction(
          (min) => {
            const text = document.querySelector('[data-testid="list-count"]')?.textContent ?? "";
            const m = /[\d,]+ of ([\d,]+)/.exec(text);
            const partial = /Partial/.test(document.querySelector("header")?.textContent ?? "");
            return !!m && Number(m[1].replace(/,/g, "")) >= min && !partial;
          },
          minUnits,
          { timeout: 2_000, polling: 250 },
        )
        .then(() => true, () => false);
      if (ok) return { frame, total: (await listCount(frame)).total };
      const count = await listCount(frame).catch(() => undefined);
      if (count && Number.isFinite(count.total)) last = `${count.shown} of ${count.total}${count.partial ? " (partial)" : ""}`;
    }
  }
  throw new Error(`the panel did not list ${minUnits} scored units within ${timeout} ms (last: ${last})`);
}

/**
 * Focuses the list's first row, then walks it with real key presses: ArrowDown twice, End (the last row must be
 * rendered and focused, far outside the rows first in the DOM), two redraws with new results (a setting of the
 * `workspace` changed and changed back) that must keep that row focused, ArrowUp, Home. Returns what it saw.
 */
async function keyboardWalk(frame, workspace) {
  const focused = () =>
    frame.evaluate(() => {
      const pos = document.activeElement?.closest("[data-pos]")?.getAttribute("data-pos");
      return pos === null || pos === undefined ? undefined : Number(pos);
    });
  const expect = async (key, want) => {
    await frame.page().keyboard.press(key);
    await frame.waitForFunction((w) => Number(document.activeElement?.closest("[data-pos]")?.getAttribute("data-pos")) === w, want, { timeout: scaled(10_000) }).catch(async () => {
      throw new Error(`after ${key} the focused row is ${await focused()}, not ${want}`);
    });
  };
  await frame.evaluate(() => {
    const list = document.querySelector('[data-testid="unit-list"]');
    list.scrollTop = 0;
  });
  await frame.locator('[data-pos="0"] [data-testid="unit-row"], [data-pos="0"] > *').first().focus();
  if ((await focused()) !== 0) throw new Error(`the first row did not take the focus (${await focused()})`);
  const { total } = await listCount(frame);
  await expect("ArrowDown", 1);
  await expect("ArrowDown", 2);
  await expect("End", total - 1);
  const inDom = await frame.locator("[data-pos]").count();
  // New results while the reader is down the list (here a setting changes the labels, then changes back; live scoring
  // does the same): the page is drawn again each time, and the focused row and the scroll position stay (they went
  // back to the top before, and the keyboard lost its row).
  const settings = path.join(workspace, ".vscode", "settings.json");
  const redrawn = async (change, what) => {
    await frame.evaluate(() => (document.querySelector('[data-testid="unit-list"]').dataset.drawn = "before"));
    change();
    try {
      await frame.waitForFunction(() => document.querySelector('[data-testid="unit-list"]')?.dataset.drawn !== "before", undefined, { timeout: scaled(60_000), polling: 100 });
    } catch {
      throw new Error(`no new results reached the panel within 60 s of ${what}`);
    }
    const now = await focused();
    if (now !== total - 1) throw new Error(`after new results (${what}) the focused row is ${now}, not ${total - 1}`);
  };
  const threshold = (value) => () => {
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, JSON.stringify({ "inlineSentiment.neutralThreshold": value }));
  };
  // Changed back by writing the file again (0.75 is the default): its removal was not always seen under stress-ng, the
  // VSIX stage's file watcher reporting nothing within the 60 s (load-scaled) wait. The file stays (the workspace is
  // this run's copy): removing it later could redraw the panel under the next checks.
  await redrawn(threshold(0.76), "a setting change");
  await redrawn(threshold(0.75), "the setting changed back");
  await expect("ArrowUp", total - 2);
  await expect("Home", 0);
  return `0 -> 1 -> 2 -> End ${total - 1} (${inDom} rows in the DOM there), kept through two redraws with new results -> ${total - 2} -> Home 0`;
}

/** The list's count as numbers. */
async function listCount(frame) {
  return (await frame.evaluate(countInPage)) ?? { shown: NaN, total: NaN, partial: false };
}

/** Waits until the list shows exactly `equals` rows, or (with `below`) more than none and fewer than `below`. */
async function waitForCount(frame, { equals, below }, timeout = 60_000) {
  timeout = scaled(timeout);
  try {
    await frame.waitForFunction(
      ([eq, lt]) => {
        const m = /([\d,]+) of/.exec(document.querySelector('[data-testid="list-count"]')?.textContent ?? "");
        if (!m) return false;
        const shown = Number(m[1].replace(/,/g, ""));
        return eq !== null ? shown === eq : shown > 0 && shown < lt;
      },
      [equals ?? null, below ?? null],
      { timeout, polling: 50 },
    );
  } catch {
    const count = await listCount(frame);
    throw new Error(`list count stayed at ${count.shown} of ${count.total}`);
  }
  return listCount(frame);
}

/** The feedback checks (see the header). Each check reports; a failed one does not stop the next where it can run. */
/**
 * A survey export with missing-value markers, a non-answer, an emoji-only answer and an answer in French: those rows
 * are not scored and their faint badges say why, beside the scored rows' labels; docs/screenshots/not-scored.png.
 */
async function checkNotScored(page, { workspace, screenshotDir, check }) {
  const names = {
    shown: "a survey export's rows that are no answers are not scored, each badge saying why",
    shot: "screenshot docs/screenshots/not-scored.png",
  };
  try {
    const file = path.join(workspace, "survey-export.csv");
    const rows = [
      "respondent,group,comment",
      "1,Promoter,The onboarding was quick and the support team was wonderful.",
      "2,Detractor,NA",
      "3,Detractor,The app crashes every time I upload a photo. Very frustrating.",
      "4,Passive,No",
      "5,Promoter,Le service client était excellent et très rapide.",
      "6,Detractor,👎👎",
      "7,Passive,N/A",
      "8,Detractor,Billing charged me twice and nobody answered my emails.",
    ];
    fs.writeFileSync(file, rows.join("\n") + "\n");
    await openFile(page, path.basename(file), { expectText: "respondent", timeout: 120_000 });
    // The column pick (its own quick pick) preselects the comments: the column with the most distinct free text.
    await runCommand(page, COMMAND, { opensPick: /^Which column of .* holds the text to score\?/ });
    await page.waitForFunction(
      () => /\bcomment\b/.test(document.querySelector(".quick-input-widget .monaco-list-row.focused")?.getAttribute("aria-label") ?? ""),
      undefined,
      { timeout: scaled(60_000), polling: 200 },
    );
    await page.keyboard.press("Enter");
    const handle = await page.waitForFunction(
      () => {
        const badges = [...document.querySelectorAll(".view-line span")].map((el) => getComputedStyle(el, "::after").content ?? "");
        const notScored = badges.filter((c) => /not scored/i.test(c));
        const scored = badges.filter((c) => /positive|negative|neutral/i.test(c) && !/not scored/i.test(c));
        return notScored.length >= 5 && scored.length >= 3 ? notScored : false;
      },
      undefined,
      { timeout: scaled(120_000), polling: 250 },
    );
    check(names.shown, true, (await handle.jsonValue()).join(" | "));
    const png = path.join(screenshotDir, "not-scored.png");
    await page.screenshot({ path: png });
    check(names.shot, fs.existsSync(png), `${fs.statSync(png).size} bytes`);
  } catch (error) {
    check(names.shown, false, firstLine(error));
    check(names.shot, false, "not run: no badges");
  }
}

async function checkFeedback(page, { workspace, screenshotDir, check, elapsed, extensionDir }) {
  const names = {
    scored: "the feedback source is scored in full and the panel lists it virtualized",
    keys: "the list moves with the keyboard: arrows, End to the last row (rendered on the way), kept through new results, Home",
    groups: "the group table lists each airline with counts, shares and means",
    theme: "a theme click filters the list to items containing it, highlighted",
    search: "search filters the list, with a count",
    shot: "screenshot docs/screenshots/panel-groups.png",
    dates: "the arc's axis can be a date column: a mean per day or week",
  };
  if (!fs.existsSync(AIRLINE_CSV)) {
    for (const name of Object.values(names)) check(name, process.env.CI !== "true", `skipped: ${AIRLINE_CSV} is absent`);
    return;
  }
  let frame;
  let source;
  try {
    source = await writeFeedbackSource(workspace, extensionDir, feedbackRows);
    process.stdout.write(`# feedback source: ${source.file}, ${source.rows} rows${source.tables ? "" : " (this build reads no tables: markdown, no group table)"}\n`);
    await openFile(page, source.file, { expectText: source.firstText.slice(0, 20), timeout: 120_000 });
    // The first analysis of a table asks for its text column (its own quick pick), the wordiest one preselected.
    await runCommand(page, COMMAND, source.tables ? { opensPick: /^Which column of .* holds the text to score\?/ } : {});
    if (source.tables) {
      // Take the preselected column once the pick has focused it.
      await page.waitForFunction(
        () => /\btext\b/.test(document.querySelector(".quick-input-widget .monaco-list-row.focused")?.getAttribute("aria-label") ?? ""),
        undefined,
        { timeout: scaled(120_000), polling: 200 },
      );
      await page.keyboard.press("Enter");
    }
    const started = Date.now();
    await runCommand(page, "Inline Sentiment: Show Sentiment Summary");
    const found = await feedbackFrame(page, source.rows, feedbackTimeout);
    frame = found.frame;
    const inDom = await frame.locator('[data-testid="unit-row"]').count();
    await frame.evaluate(() => {
      const list = document.querySelector('[data-testid="unit-list"]');
      list.scrollTop = list.scrollHeight / 2;
    });
    await frame.waitForFunction(() => {
      const list = document.querySelector('[data-testid="unit-list"]');
      const positions = [...list.querySelectorAll("[data-pos]")].map((el) => Number(el.getAttribute("data-pos")));
      return positions.some((p) => p > 1000);
    }, undefined, { timeout: scaled(10_000) });
    const inDomScrolled = await frame.locator('[data-testid="unit-row"]').count();
    if (inDom > 200 || inDomScrolled > 200) throw new Error(`${inDom} / ${inDomScrolled} rows in the DOM: not virtualized`);
    check(names.scored, true, `${found.total} units after ${((Date.now() - started) / 1000).toFixed(0)} s, ${inDom} rows in the DOM, ${inDomScrolled} after scrolling to the middle; ${elapsed()}`);
  } catch (error) {
    check(names.scored, false, firstLine(error));
    for (const name of [names.keys, names.groups, names.theme, names.search, names.shot, names.dates]) check(name, false, "not run");
    return;
  }

  try {
    check(names.keys, true, await keyboardWalk(frame, workspace));
  } catch (error) {
    check(names.keys, false, firstLine(error));
  }

  let groupsOk = false;
  if (source.tables) {
    try {
      await frame.selectOption('[data-testid="group-by"]', "column:airline");
      await frame.waitForSelector('[data-testid="group-row"]', { timeout: scaled(30_000) });
      const groups = await frame.evaluate(() =>
        [...document.querySelectorAll('[data-testid="group-row"]')].map((row) => ({
          key: row.getAttribute("data-group"),
          count: Number(row.getAttribute("data-count")),
          shares: [...row.querySelectorAll("[data-share]")].map((cell) => Number(cell.getAttribute("data-share"))),
        })),
      );
      const shown = Object.fromEntries(groups.map((g) => [g.key, g.count]).sort());
      const expected = Object.fromEntries(Object.entries(source.airlines).sort());
      if (JSON.stringify(shown) !== JSON.stringify(expected)) throw new Error(`groups ${JSON.stringify(shown)}, expected ${JSON.stringify(expected)}`);
      if (!groups.every((g) => Math.abs(g.shares.reduce((a, b) => a + b, 0) - 1) < 0.01)) throw new Error("shares do not add up to 1");
      // Sorting by mean puts the lowest mean first when ascending.
      await frame.click('[data-testid="group-sort-mean"]');
      await frame.click('[data-testid="group-sort-mean"]');
      await frame.click('[data-testid="group-row"][data-group="United"] button.group-name');
      const united = groups.find((g) => g.key === "United");
      await waitForCount(frame, { equals: united.count });
      groupsOk = true;
      check(names.groups, true, groups.map((g) => `${g.key} ${g.count}`).join(", ") + `; United selected: ${united.count} rows listed`);
    } catch (error) {
      check(names.groups, false, firstLine(error));
    }
  } else {
    check(names.groups, process.env.CI !== "true", "skipped: this build reads no tables (markdown source has no columns)");
  }

  let themeOk = false;
  try {
    await frame.waitForSelector('[data-testid="theme"]', { timeout: scaled(120_000) });
    const before = await listCount(frame);
    const theme = frame.locator('.theme-column.negative [data-testid="theme"]').first();
    const term = await theme.getAttribute("data-term");
    await theme.click();
    const after = await waitForCount(frame, { below: before.shown });
    const rows = await frame.evaluate(() =>
      [...document.querySelectorAll('[data-testid="unit-row"]')].map((row) => ({
        text: row.querySelector(".text").textContent.toLowerCase(),
        marks: [...row.querySelectorAll("mark")].map((m) => m.textContent.toLowerCase()),
      })),
    );
    const words = term.split(" ");
    const bad = rows.filter((r) => !words.every((w) => r.text.includes(w)) || r.marks.length === 0);
    if (rows.length === 0 || bad.length > 0) throw new Error(`${bad.length} of ${rows.length} rows lack "${term}" or its highlight`);
    themeOk = true;
    check(names.theme, true, `"${term}": ${before.shown} -> ${after.shown} rows, ${rows.reduce((n, r) => n + r.marks.length, 0)} marks in the ${rows.length} drawn`);
    await frame.click('[data-testid="active-theme"] button.clear');
    await waitForCount(frame, { equals: before.shown });
  } catch (error) {
    check(names.theme, false, firstLine(error));
  }

  try {
    const before = await listCount(frame);
    await frame.fill('[data-testid="search"]', "delayed");
    const after = await waitForCount(frame, { below: before.shown });
    const texts = await frame.$$eval('[data-testid="unit-row"] .text', (els) => els.map((el) => el.textContent.toLowerCase()));
    if (!texts.every((t) => t.includes("delayed"))) throw new Error("a listed row does not contain the search");
    check(names.search, true, `"delayed": ${before.shown} -> ${after.shown} rows`);
    await frame.fill('[data-testid="search"]', "");
    await waitForCount(frame, { equals: before.shown });
  } catch (error) {
    check(names.search, false, firstLine(error));
  }

  // The figures the page measured at this size: each filter, sort and group change, and its heap after loading.
  const figures = await frame.evaluate(() => Object.fromEntries([...document.body.attributes].filter((a) => a.name.startsWith("data-")).map((a) => [a.name.slice(5), a.value])));
  for (const [name, value] of Object.entries(figures)) process.stdout.write(`# figure ${name}: ${value}\n`);

  if ((groupsOk || !source.tables) && themeOk) {
    try {
      // The screenshot: the grouped table with the themes of the selected group (or of the whole set without tables).
      await frame.evaluate(() => document.querySelector(".aggregates")?.scrollIntoView({ block: "start" }));
      await frame.waitForSelector('[data-testid="theme"]', { timeout: scaled(60_000) });
      await page.mouse.move(5, 450);
      if (source.tables) {
        const png = path.join(screenshotDir, "panel-groups.png");
        await page.screenshot({ path: png });
        check(names.shot, fs.existsSync(png), `${fs.statSync(png).size} bytes`);
      } else {
        check(names.shot, process.env.CI !== "true", "skipped: a markdown source has no group table to show");
      }
    } catch (error) {
      check(names.shot, false, firstLine(error));
    }
  } else {
    check(names.shot, false, "not taken: the group table or the theme check failed");
  }

  // After the screenshot: the airline tweets' tweet_created ("2015-02-24 11:35:52 -0800") as the arc's axis.
  if (!source.tables) {
    check(names.dates, process.env.CI !== "true", "skipped: a markdown source has no date column");
    return;
  }
  try {
    const options = await frame.$$eval('[data-testid="arc-axis"] option', (els) => els.map((el) => el.value));
    if (!options.includes("tweet_created")) throw new Error(`axis options ${JSON.stringify(options)}: no tweet_created`);
    await frame.selectOption('[data-testid="arc-axis"]', "tweet_created");
    await frame.waitForFunction(
      () => /^Mean per (day|week) of tweet_created \(\d+ (day|week)s?\)/.test(document.querySelector('[data-testid="arc-caption"]')?.textContent ?? ""),
      undefined,
      { timeout: scaled(30_000) },
    );
    const caption = await frame.textContent('[data-testid="arc-caption"]');
    const points = await frame.locator('[data-testid="arc-caption"]').evaluate((el) => el.previousElementSibling?.querySelectorAll("circle[data-start]").length ?? 0);
    const stated = Number(/\((\d+) (?:day|week)/.exec(caption)[1]);
    if (points === 0 || points !== stated) throw new Error(`the arc drew ${points} points for "${caption}"`);
    check(names.dates, true, `${caption} (${points} points drawn)`);
    await frame.selectOption('[data-testid="arc-axis"]', "");
    await frame.waitForFunction(() => !/^Mean per/.test(document.querySelector('[data-testid="arc-caption"]')?.textContent ?? ""), undefined, { timeout: scaled(30_000) });
  } catch (error) {
    check(names.dates, false, firstLine(error));
  }
}

function firstLine(error) {
  return String(error?.message ?? error).split("\n")[0];
}
