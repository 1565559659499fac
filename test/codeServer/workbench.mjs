// Playwright helpers for driving the VS Code workbench served by code-server. Every wait is a condition
// (waitForSelector / waitForFunction) with a limit for a quiet 2-core machine, scaled by the load factor measured
// when the wait starts (codeServer.mjs loadFactor: load average over cores, 1 to 8); no fixed sleeps.
import { scaled } from "./codeServer.mjs";

export const WORKBENCH_TIMEOUT_MS = 120_000;

/** Waits until the workbench is painted: status bar, editor area, and the explorer listing the folder. */
export async function waitForWorkbench(page, { timeout = WORKBENCH_TIMEOUT_MS } = {}) {
  timeout = scaled(timeout);
  await page.waitForSelector(".monaco-workbench .part.statusbar", { state: "visible", timeout });
  await page.waitForSelector(".monaco-workbench .part.editor", { state: "visible", timeout });
  // The explorer lists the folder once the remote file system is connected (needed by quick open).
  await page.waitForSelector(".explorer-folders-view .monaco-list-row", { state: "visible", timeout });
}

/** Closes any quick input (quick open, command palette) that is open. */
export async function closeQuickInput(page) {
  if (await page.locator(".quick-input-widget").isVisible().catch(() => false)) {
    await page.keyboard.press("Escape");
    await page.waitForSelector(".quick-input-widget", { state: "hidden", timeout: scaled(10_000) }).catch(() => {});
  }
}

/** Text of the lines currently rendered by the visible editor(s), spaces normalised. */
export async function visibleEditorText(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll(".editor-instance .monaco-editor .view-line")]
      .map((el) => el.textContent.replace(/\u00a0/g, " "))
      .join("\n"),
  );
}

/**
 * Opens `fileName` with Quick Open (Ctrl+P, type, Enter) and waits for its tab and for `expectText` in the editor.
 * Falls back to the explorer if quick open does not find the file.
 */
export async function openFile(page, fileName, { expectText, timeout = 60_000 } = {}) {
  timeout = scaled(timeout);
  const editorShows = async (t) => {
    await page.waitForSelector(`.tabs-container .tab.active[aria-label*="${cssString(fileName)}"]`, {
      state: "visible",
      timeout: t,
    });
    if (expectText) {
      await page.waitForFunction(
        (text) =>
          [...document.querySelectorAll(".editor-instance .monaco-editor .view-line")].some((el) =>
            el.textContent.replace(/\u00a0/g, " ").includes(text),
          ),
        expectText,
        { timeout: t, polling: 200 },
      );
    }
  };
  let lastError;
  const deadline = Date.now() + timeout;
  for (let attempt = 1; attempt <= 3 && Date.now() < deadline; attempt++) {
    const left = () => Math.max(1_000, Math.min(timeout / 2, deadline - Date.now()));
    try {
      await closeQuickInput(page);
      await page.keyboard.press("Control+P");
      await page.waitForSelector(".quick-input-widget", { state: "visible", timeout: scaled(15_000) });
      await page.keyboard.type(fileName);
      // Wait until the result list has the file focused (file search runs on the server).
      await page.waitForFunction(
        (name) => {
          const row = document.querySelector(".quick-input-widget .monaco-list-row.focused");
          return !!row && (row.getAttribute("aria-label") ?? row.textContent ?? "").includes(name);
        },
        fileName,
        { timeout: left(), polling: 200 },
      );
      await page.keyboard.press("Enter");
      await editorShows(left());
      return "quick open";
    } catch (error) {
      lastError = error;
    }
  }
  // Fallback: a click on the file in the explorer opens it.
  await closeQuickInput(page);
  const item = page.locator(`.explorer-folders-view .monaco-list-row[aria-label*="${cssString(fileName)}"]`).first();
  if (await item.count()) {
    await item.click();
    await editorShows(scaled(30_000));
    return "explorer";
  }
  throw lastError ?? new Error(`could not open ${fileName}`);
}

/**
 * Runs a command by its palette title (F1, type, Enter), once the palette has the command focused. Finding the command
 * is retried (its contributions may not be registered yet); Enter is pressed once, never again: a command that ran is
 * not run a second time. Then it waits for what the command does to the palette:
 * - `opensPick` (a RegExp): the command opens a quick pick of its own; waits until the quick input shows a title or
 *   placeholder matching it (the palette's widget stays visible for that pick, so waiting for it to hide would fail).
 * - otherwise: waits until the palette is gone: the widget hidden, or showing something that is no longer the command
 *   palette (its input no longer starts with ">"), such as a pick the caller did not name.
 * - `reloads: true`: the command reloads the window; returns once Enter is pressed (the caller waits for the reload).
 * Returns the matched pick's title or placeholder ('' without `opensPick`).
 */
export async function runCommand(page, title, { timeout = 90_000, opensPick, reloads = false } = {}) {
  let lastError;
  timeout = scaled(timeout);
  const deadline = Date.now() + timeout;
  let found = false;
  for (let attempt = 1; attempt <= 3 && Date.now() < deadline && !found; attempt++) {
    // The command shows up once the extension's contributions are registered; retyping refreshes the list.
    const left = Math.max(1_000, Math.min(timeout / 3, deadline - Date.now()));
    try {
      await closeQuickInput(page);
      await page.keyboard.press("F1");
      await page.waitForSelector(".quick-input-widget", { state: "visible", timeout: scaled(15_000) });
      await page.keyboard.type(title);
      await page.waitForFunction(
        (t) => {
          const row = document.querySelector(".quick-input-widget .monaco-list-row.focused");
          const label = (row?.getAttribute("aria-label") ?? row?.textContent ?? "").toLowerCase();
          return label.includes(t.toLowerCase());
        },
        title,
        { timeout: left, polling: 200 },
      );
      found = true;
    } catch (error) {
      lastError = error;
    }
  }
  if (!found) throw new Error(`command "${title}" not found in the command palette: ${lastError?.message?.split("\n")[0]}`);
  await page.keyboard.press("Enter");
  if (reloads) return "";
  const wait = Math.max(scaled(15_000), deadline - Date.now());
  if (opensPick) {
    try {
      const handle = await page.waitForFunction(
        ([source, flags]) => {
          const widget = document.querySelector(".quick-input-widget");
          if (!widget || getComputedStyle(widget).display === "none") return false;
          const input = widget.querySelector("input");
          if ((input?.value ?? "").startsWith(">")) return false; // still the palette
          const texts = [widget.querySelector(".quick-input-title")?.textContent ?? "", input?.getAttribute("placeholder") ?? "", input?.getAttribute("aria-label") ?? ""];
          return texts.find((t) => new RegExp(source, flags).test(t)) ?? false;
        },
        [opensPick.source, opensPick.flags],
        { timeout: wait, polling: 200 },
      );
      return String(await handle.jsonValue());
    } catch (error) {
      const shown = await quickInputText(page);
      throw new Error(`ran "${title}", but its pick ${opensPick} did not open (quick input: ${shown || "none"}): ${error.message.split("\n")[0]}`);
    }
  }
  try {
    await page.waitForFunction(
      () => {
        const widget = document.querySelector(".quick-input-widget");
        if (!widget || getComputedStyle(widget).display === "none") return true;
        return !(widget.querySelector("input")?.value ?? "").startsWith(">");
      },
      undefined,
      { timeout: wait, polling: 200 },
    );
  } catch (error) {
    throw new Error(`ran "${title}", but the command palette stayed open: ${error.message.split("\n")[0]}`);
  }
  return "";
}

/** The visible quick input's title and placeholder, for messages ('' when none is shown). */
function quickInputText(page) {
  return page
    .evaluate(() => {
      const widget = document.querySelector(".quick-input-widget");
      if (!widget || getComputedStyle(widget).display === "none") return "";
      const input = widget.querySelector("input");
      return [widget.querySelector(".quick-input-title")?.textContent, input?.getAttribute("placeholder"), input?.value && `"${input.value}"`].filter(Boolean).join(" | ");
    })
    .catch(() => "");
}

/**
 * What the extension painted in the visible editor: whole-line decorations (`div.cdr` with a
 * TextEditorDecorationType class under .view-overlays) with a non-transparent background, their distinct colours,
 * and the `after` badges (spans in .view-line whose ::after content names a sentiment).
 */
export function decorationState(page) {
  return page.evaluate(() => {
    const transparent = (c) => !c || c === "transparent" || /^rgba\(.*,\s*0\)$/.test(c);
    const painted = [...document.querySelectorAll('.view-overlays [class*="TextEditorDecorationType"]')]
      .map((el) => getComputedStyle(el).backgroundColor)
      .filter((c) => !transparent(c));
    const badges = [...document.querySelectorAll(".view-line span")]
      .map((el) => getComputedStyle(el, "::after").content)
      .filter((c) => c && c !== "none" && c !== "normal" && /positive|negative|neutral/i.test(c));
    return { painted: painted.length, colors: [...new Set(painted)], badges };
  });
}

/** Waits until at least `minLines` painted line decorations in `minColors` colours and one badge are rendered. */
export async function waitForDecorations(page, { minLines = 3, minColors = 2, timeout = 180_000 } = {}) {
  timeout = scaled(timeout);
  await page.waitForFunction(
    ({ minLines, minColors }) => {
      const transparent = (c) => !c || c === "transparent" || /^rgba\(.*,\s*0\)$/.test(c);
      const painted = [...document.querySelectorAll('.view-overlays [class*="TextEditorDecorationType"]')]
        .map((el) => getComputedStyle(el).backgroundColor)
        .filter((c) => !transparent(c));
      const badge = [...document.querySelectorAll(".view-line span")].some((el) =>
        /positive|negative|neutral/i.test(getComputedStyle(el, "::after").content ?? ""),
      );
      return painted.length >= minLines && new Set(painted).size >= minColors && badge;
    },
    { minLines, minColors },
    { timeout, polling: 250 },
  );
}

/** Text of the status bar items. */
export function statusBarTexts(page) {
  return page.evaluate(() => [...document.querySelectorAll(".statusbar-item")].map((el) => el.textContent.trim()).filter(Boolean));
}

/** The visible hover's text, or '' when none is shown. */
export function visibleHoverText(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll(".monaco-hover")]
      .filter((el) => {
        if (el.classList.contains("hidden")) return false;
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
      })
      .map((el) => el.innerText.replace(/\u00a0/g, " "))
      .join("\n"),
  );
}

/**
 * Every hover element in the page, shown or not, for a failure's record: its classes, box, visibility and whole text
 * (innerText leaves out what CSS hides; textContent's length says whether something was hidden).
 */
export function hoverDump(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll(".monaco-hover")].map((el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return {
        classes: el.className,
        box: [r.left, r.top, r.width, r.height].map(Math.round).join(","),
        visibility: s.visibility,
        display: s.display,
        text: el.innerText.replace(/\s+/g, " ").trim(),
        textContentLength: el.textContent.length,
        links: [...el.querySelectorAll("a")].map((a) => a.textContent.trim()).filter(Boolean),
      };
    }),
  );
}

/**
 * Moves the mouse over the text of the rendered line containing `lineText` and waits for a visible hover whose text
 * matches every regexp in `expect`. Retries at a few positions along the line. Returns the hover text.
 */
export async function hoverLine(page, lineText, { expect = [], timeout = 30_000 } = {}) {
  timeout = scaled(timeout);
  const box = await page.evaluate((text) => {
    const line = [...document.querySelectorAll(".editor-instance .monaco-editor .view-line")].find((el) =>
      el.textContent.replace(/\u00a0/g, " ").includes(text),
    );
    if (!line) return null;
    // The first span holds the line's text (badge spans come after it).
    const span = line.querySelector("span > span") ?? line;
    const r = span.getBoundingClientRect();
    const l = line.getBoundingClientRect();
    return { x: r.left, y: l.top + l.height / 2, width: Math.max(r.width, 40) };
  }, lineText);
  if (!box) throw new Error(`no rendered line contains "${lineText}"`);
  const fractions = [0.15, 0.4, 0.65];
  let lastError;
  for (const f of fractions) {
    // Move away first so a new hover is requested, then over a word of the line.
    await page.mouse.move(box.x + box.width * f, box.y - 200);
    await page.mouse.move(box.x + box.width * f, box.y, { steps: 5 });
    try {
      await page.waitForFunction(
        (sources) =>
          [...document.querySelectorAll(".monaco-hover")].some((el) => {
            if (el.classList.contains("hidden")) return false;
            const r = el.getBoundingClientRect();
            if (!(r.width > 0 && r.height > 0) || getComputedStyle(el).visibility === "hidden") return false;
            // VS Code writes a MarkdownString's appended text with no-break spaces: match them as spaces.
            const text = el.innerText.replace(/\u00a0/g, " ");
            return sources.every(([source, flags]) => new RegExp(source, flags).test(text));
          }),
        expect.map((re) => [re.source, re.flags]),
        { timeout: timeout / fractions.length, polling: 200 },
      );
      return visibleHoverText(page);
    } catch (error) {
      lastError = error;
    }
  }
  const shown = (await visibleHoverText(page)).replace(/\s+/g, " ").trim();
  throw new Error(
    shown
      ? `the hover did not match ${expect.join(" and ")}: "${shown.slice(0, 160)}"`
      : `no hover appeared within ${timeout} ms (${lastError?.message?.split("\n")[0]})`,
  );
}

function cssString(s) {
  return s.replace(/["\\]/g, "\\$&");
}
