// Opens a file in a real VS Code (code-server) with the extension under development loaded.
//
//   node test/codeServer/open.mjs samples/feedback.md
//
// Prints the address to open in a browser and keeps running until Ctrl+C. The folder containing the file is the
// workspace; the file opens on load. Run `npm run build` first (npm run editor does).
//
// Env: OPEN_PORT (default: a free port), OPEN_HOST (address to bind and to print, default 127.0.0.1; use 0.0.0.0 plus
// a forwarded port at your own risk: there is no authentication), OPEN_SCREENSHOT=path: instead of waiting, open the
// file headless, run "Inline Sentiment: Analyze Sentiment", wait for the decorations, save a screenshot and exit.
// IS_EXTENSION_DIR overrides the extension folder (default: the repository).
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  REPO_ROOT,
  SCREENSHOT_SETTINGS,
  HarnessError,
  isExiting,
  launchBrowser,
  newPage,
  printDiagnostics,
  requireBuilt,
  resolveFromCwd,
  runMain,
  startCodeServer,
} from "./codeServer.mjs";
import { runCommand, waitForDecorations, waitForWorkbench } from "./workbench.mjs";

runMain(async () => {
  const usage = "usage: node test/codeServer/open.mjs <file or folder>   (e.g. samples/feedback.md)";
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { help: { type: "boolean", short: "h" } } });
  } catch (error) {
    throw new HarnessError(`${error.message}\n${usage}`);
  }
  const [arg, ...extra] = parsed.positionals;
  if (!arg || extra.length || parsed.values.help) throw new HarnessError(usage);
  const target = resolveFromCwd(arg);
  if (!fs.existsSync(target)) throw new HarnessError(`${target} not found`);
  const isFolder = fs.statSync(target).isDirectory();
  const folder = isFolder ? target : path.dirname(target);
  const extensionDir = process.env.IS_EXTENSION_DIR ? resolveFromCwd(process.env.IS_EXTENSION_DIR) : REPO_ROOT;
  const main = JSON.parse(fs.readFileSync(path.join(extensionDir, "package.json"), "utf8")).main ?? "./extension.js";
  requireBuilt(path.resolve(extensionDir, main), "the extension bundle");

  const screenshot = process.env.OPEN_SCREENSHOT ? resolveFromCwd(process.env.OPEN_SCREENSHOT) : undefined;
  const bindHost = screenshot ? "127.0.0.1" : process.env.OPEN_HOST || "127.0.0.1";
  const port = process.env.OPEN_PORT ? Number(process.env.OPEN_PORT) : undefined;
  // By hand, VS Code's built-in extensions are all there (the markdown preview among them); a screenshot run is a test's.
  const server = await startCodeServer({ runDir: "open", host: bindHost, port, settings: screenshot ? SCREENSHOT_SETTINGS : {}, allBuiltins: !screenshot });
  const urlHost = bindHost === "0.0.0.0" ? "127.0.0.1" : bindHost;
  const url = server.url({ host: urlHost, folder, extensionDevelopmentPath: extensionDir, openFile: isFolder ? undefined : target });

  if (screenshot) return takeScreenshot(server, url, target, screenshot, isFolder);

  process.stdout.write(
    [
      ``,
      `VS Code (code-server ${server.port}) with Inline Sentiment from ${extensionDir}`,
      `workspace: ${folder}`,
      ``,
      `Open this address in a browser:`,
      ``,
      `  ${url}`,
      ``,
      `Then run "Inline Sentiment: Analyze Sentiment" from the command palette (F1) if the file is not analysed yet.`,
      `The address must use this host and port (the extension path is bound to it); from another machine, forward`,
      `port ${server.port} to 127.0.0.1:${server.port}.`,
      `Logs: ${server.logFile}`,
      `Press Ctrl+C to stop.`,
      ``,
    ].join("\n"),
  );
  // Runs until Ctrl+C (codeServer.mjs stops code-server on the signal) or until code-server exits on its own.
  const code = await server.exited;
  if (isExiting()) return new Promise(() => {}); // Ctrl+C: the signal handler finishes the exit
  process.stderr.write(`code-server exited (${code})\n`);
  printDiagnostics(server);
  return 1;
});

async function takeScreenshot(server, url, target, screenshot, isFolder) {
  const started = Date.now();
  const browser = await launchBrowser();
  const page = await newPage(browser, { width: 1400, height: 900 });
  try {
    await page.goto(url, { waitUntil: "domcontentloaded", timeout: 120_000 });
    await waitForWorkbench(page);
    if (!isFolder) {
      const name = path.basename(target);
      await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${name.replace(/["\\]/g, "\\$&")}"]`, { state: "visible", timeout: 60_000 });
      await page.waitForSelector(".editor-instance .monaco-editor .view-line", { state: "visible", timeout: 60_000 });
      await runCommand(page, "Inline Sentiment: Analyze Sentiment");
      await waitForDecorations(page, { minLines: 1, minColors: 1, timeout: 180_000 });
    }
    await page.mouse.move(5, 450);
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot });
    process.stdout.write(`screenshot ${screenshot} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return 0;
  } catch (error) {
    const failure = screenshot.replace(/(\.png)?$/i, "-failure.png");
    await page.screenshot({ path: failure }).catch(() => {});
    printDiagnostics(server);
    throw new HarnessError(`${String(error?.message ?? error).split("\n")[0]} (page at failure: ${failure})`);
  }
}
