/// <reference lib="dom" />
/**
 * The summary page's script, bundled on its own for the browser (dist/panel/main.js). It draws whatever the host posts
 * in `update` messages and sends back `ready`, `reveal`, `view` (its group-by and themes choice, for exports) and
 * `metrics` (the times it measured).
 *
 * Every piece of document text reaches the DOM through textContent, text nodes or a plain attribute value, never
 * through HTML parsing: paragraphs and cells may contain markup, scripts or command links, and must show as the text
 * they are.
 *
 * Work happens here, in the webview's own process, not on the extension host: the list's keys and group tables once
 * per model (tens of milliseconds at 15,000 units), the term index once per set of texts (the costly step, hundreds of
 * milliseconds, after the first paint), themes once per scope. Each later change of filter, sort, group or search is
 * a pass over typed arrays plus a few dozen rows of DOM; its time is measured and reported.
 */
import type { SummaryModel } from "../../core/summary/summaryModel";
import type { Polarity } from "../../core/types";
import type { GroupSortKey, GroupStats, Theme } from "../../core/summary";
import { SummaryView, describeSeries, effectiveGroupBy, groupByKey, groupByLabel, highlightPieces, type ListView } from "../summaryView";
import { readPanelState, type GroupBy, type PageMessage, type PanelState } from "../protocol";
import { decodeUpdate } from "../wire";
import { OVERALL_THRESHOLD, countsOf, formatPercent, formatSigned, histogramOf, lineLabel, overallOf, type UnitEntry } from "../overview";
import { renderArc, renderHistogram } from "./charts";
import { capitalized, count, html, plural, svg } from "./dom";
import { VirtualList } from "./virtualList";
import { ownValue } from "../../core/own";

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById("root") as HTMLElement;

const POLARITY_ORDER: readonly Polarity[] = ["negative", "neutral", "positive"];
/** Shapes as well as colours, so polarity never depends on telling red from green (same marks as the editor badges). */
const SYMBOL: Record<Polarity, string> = { positive: "▲", negative: "▼", neutral: "●" };
/** A mixed paragraph: one sentence negative, another positive (the editor's badge is the same). */
const MIXED_SYMBOL = "◐";
const EMPTY_TEXT = "Run Inline Sentiment: Analyze Sentiment on a markdown or plaintext document.";
/** A list row's height in CSS pixels; style.css gives `.virtual-row` the same. */
const ROW_HEIGHT = 64;
/** Groups drawn in the table; a column with thousands of distinct values (ids) would otherwise flood the page. */
const MAX_GROUP_ROWS = 100;
/** Not-scored units listed under their summary line; the rest are counted (the report has them all). */
const MAX_NOT_SCORED_ROWS = 200;
/** Problems listed open; more are folded under their count. */
const OPEN_PROBLEMS = 5;

let state: PanelState = readPanelState(vscode.getState());
let model: SummaryModel | undefined;
let view: SummaryView | undefined;
let received = false;
let listView: ListView | undefined;
let themesTimer: ReturnType<typeof setTimeout> | undefined;

/** The parts of the page that change without a full redraw. */
interface Parts {
  list: VirtualList;
  count: HTMLElement;
  active: HTMLElement;
  groups: HTMLElement;
  themes: HTMLElement;
  arc: HTMLElement;
}
let parts: Parts | undefined;

function post(message: PageMessage): void {
  vscode.postMessage(message);
}

function saveState(): void {
  vscode.setState(state);
}

function groupBy(): GroupBy | null {
  return model ? effectiveGroupBy(state, model) : null;
}

function postView(): void {
  post({ type: "view", groupBy: groupBy(), themes: state.themes });
}

function reveal(entry: UnitEntry): void {
  post({ type: "reveal", uri: entry.uri, line: entry.unit.startLine });
}

/**
 * Records a measured figure: in the console, as data attributes on <body> (the browser check reads them) and as a
 * message to the host. `ms` is the script's time; the time to the next paint is measured too.
 */
function record(what: string, started: number): void {
  const ms = performance.now() - started;
  const units = view?.entries.length ?? 0;
  const key = what.replace(/[^a-z]+/gi, "-");
  document.body.setAttribute(`data-ms-${key}`, ms.toFixed(1));
  document.body.setAttribute("data-last-change", what);
  document.body.setAttribute("data-last-change-ms", ms.toFixed(1));
  requestAnimationFrame(() =>
    setTimeout(() => {
      const painted = performance.now() - started;
      document.body.setAttribute(`data-paint-ms-${key}`, painted.toFixed(1));
      console.info(`[inline-sentiment] ${what}: ${ms.toFixed(1)} ms script, ${painted.toFixed(1)} ms to paint, ${units} units`);
    }),
  );
  post({ type: "metrics", what, ms, units });
}

/** The page's heap after a load, where chromium exposes it (performance.memory), as a data attribute and a message. */
function recordHeap(what: string): void {
  const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  if (!memory) return;
  document.body.setAttribute("data-heap-bytes", String(memory.usedJSHeapSize));
  post({ type: "metrics", what, ms: 0, units: view?.entries.length ?? 0, heapBytes: memory.usedJSHeapSize });
}

function render(): void {
  parts = undefined;
  if (!received) {
    root.replaceChildren(html("p", { className: "empty", text: "Loading…" }));
    return;
  }
  if (!model || !view) {
    root.replaceChildren(html("p", { className: "empty", text: EMPTY_TEXT, attrs: { "data-testid": "empty" } }));
    return;
  }
  const { entries } = view;
  const counts = countsOf(entries);
  const children: Node[] = [renderHeader(model, entries), renderCounts(counts)];
  if (view.notScored.length > 0) children.push(renderNotScored());
  if (view.problems.length > 0) children.push(renderProblems());
  if (entries.length === 0) {
    children.push(html("p", { className: "empty", text: `No paragraphs were scored in ${model.title}.` }));
    root.replaceChildren(...children);
    return;
  }
  const arc = html("div", { className: "arc-host" });
  const groups = html("div", { className: "groups-host" });
  const themes = html("div", { className: "themes-host", attrs: { "data-testid": "themes", "aria-live": "polite" } });
  const active = html("div", { className: "active-filters", attrs: { "data-testid": "active-filters" } });
  const countText = html("span", { className: "list-count", attrs: { "data-testid": "list-count", "aria-live": "polite" } });
  const list = new VirtualList(ROW_HEIGHT, renderRow, { "data-testid": "unit-list" });
  parts = { list, count: countText, active, groups, themes, arc };
  children.push(renderCharts(arc), renderReview(groups, themes), renderListSection(counts, active, countText, list));
  root.replaceChildren(...children);
  drawArc();
  refreshView(true);
}

function renderHeader(current: SummaryModel, entries: readonly UnitEntry[]): HTMLElement {
  const overall = overallOf(entries);
  const overallText =
    `Overall: ${capitalized(overall.label)} ${SYMBOL[overall.label]} ${formatSigned(overall.mean)}` +
    ` (mean of P(positive) − P(negative) over ${plural(overall.units, "unit")})`;
  return html(
    "header",
    {},
    html("h1", { text: current.title }),
    html("p", { className: "model", text: `Model: ${current.model}` }),
    ...(current.partial ? [html("p", { className: "model", text: "Partial: only some paragraphs are scored so far." })] : []),
    html("p", {
      className: `overall ${overall.label}`,
      text: overallText,
      attrs: {
        "data-testid": "overall",
        "data-polarity": overall.label,
        title: `Positive at ${formatSigned(OVERALL_THRESHOLD)} or above, negative at ${formatSigned(-OVERALL_THRESHOLD)} or below.`,
      },
    }),
  );
}

function renderCounts(counts: Record<Polarity, number>): HTMLElement {
  const items = POLARITY_ORDER.map((polarity) =>
    html(
      "li",
      { className: polarity, attrs: { "data-polarity": polarity } },
      html("span", { className: "symbol", text: SYMBOL[polarity], attrs: { "aria-hidden": "true" } }),
      html("span", { className: "count", text: count(counts[polarity]) }),
      html("span", { text: polarity }),
    ),
  );
  return html("ul", { className: "counts", attrs: { "data-testid": "counts", "aria-label": "Units per polarity" } }, ...items);
}

/**
 * The units not scored: one line with how many and why (left out of every figure on this page), and under it the
 * first of them, each with its reason, to reveal in the editor.
 */
function renderNotScored(): HTMLElement {
  const skipped = view!.notScored;
  const folder = model!.kind === "folder";
  const shown = skipped.slice(0, MAX_NOT_SCORED_ROWS).map((entry) => {
    const where = `${folder ? `${entry.fileName} ` : ""}L${entry.unit.startLine}`;
    const text = entry.unit.text.replace(/\s+/g, " ");
    const button = html(
      "button",
      {
        className: "not-scored-row",
        attrs: { type: "button", "data-testid": "not-scored-row", "data-reason": entry.unit.reason, "data-line": String(entry.unit.startLine), title: `Show ${where} in the editor` },
      },
      html("span", { className: "badge", text: `not scored: ${entry.label}` }),
      html("span", { className: "lines", text: where }),
      html("span", { className: "text", text: text.length > 120 ? `${text.slice(0, 119)}…` : text }),
    );
    button.addEventListener("click", () => post({ type: "reveal", uri: entry.uri, line: entry.unit.startLine }));
    return html("li", {}, button);
  });
  const more = skipped.length > MAX_NOT_SCORED_ROWS ? [html("li", { className: "model", text: `and ${count(skipped.length - MAX_NOT_SCORED_ROWS)} more (every one is in the exported report)` })] : [];
  const details = html(
    "details",
    { className: "not-scored", attrs: { "data-testid": "not-scored", "data-count": String(skipped.length) } },
    html("summary", { text: `${view!.notScoredLine}; left out of the counts, groups, themes and arc` }),
    html("ul", {}, ...shown, ...more),
  );
  return details;
}

/** Rows that could not be read, by line: open when few, folded under their count when many. */
function renderProblems(): HTMLElement {
  const problems = view!.problems;
  const folder = model!.kind === "folder";
  const details = html(
    "details",
    { className: "problems", attrs: { "data-testid": "problems" } },
    html("summary", { text: `${plural(problems.length, "row")} could not be read (listed by line; every other row was scored)` }),
    html(
      "ul",
      {},
      ...problems.map((p) => html("li", { text: `${folder ? `${p.fileName} ` : ""}line ${p.line}: ${p.message}`, attrs: { "data-line": String(p.line) } })),
    ),
  );
  details.open = problems.length <= OPEN_PROBLEMS;
  return details;
}

function renderCharts(arc: HTMLElement): HTMLElement {
  const arcTitle = html("h2", { text: "Arc" });
  const controls: Node[] = [];
  if (view!.dateColumns.length > 0) {
    const select = html("select", { attrs: { "data-testid": "arc-axis", "data-focus-key": "arc-axis", "aria-label": "Arc axis" } });
    select.append(html("option", { text: "Order in the document", attrs: { value: "" } }));
    for (const column of view!.dateColumns) {
      select.append(html("option", { text: `${column.column} (mean by day or week)`, attrs: { value: column.column } }));
    }
    select.value = state.axis && view!.dateColumns.some((c) => c.column === state.axis) ? state.axis : "";
    select.addEventListener("change", () => {
      const started = performance.now();
      state = { ...state, axis: select.value || undefined };
      saveState();
      drawArc();
      record("arc axis", started);
    });
    controls.push(html("label", { className: "control" }, html("span", { text: "Axis " }), select));
  }
  return html(
    "section",
    { className: "charts" },
    html("div", { className: "chart" }, html("h2", { text: "Distribution" }), renderHistogram(histogramOf(view!.entries))),
    html("div", { className: "chart wide" }, arcTitle, ...controls, arc),
  );
}

function drawArc(): void {
  if (!parts || !view) return;
  const series = view.series(state.axis);
  parts.arc.replaceChildren(renderArc(series, reveal), html("p", { className: "caption", text: describeSeries(series), attrs: { "data-testid": "arc-caption" } }));
}

/** Group-by and themes: the controls and the two containers `refreshView` fills. */
function renderReview(groups: HTMLElement, themes: HTMLElement): HTMLElement {
  const controls: Node[] = [];
  if (view!.groupOptions.length > 1) {
    const select = html("select", { attrs: { "data-testid": "group-by", "data-focus-key": "group-by", "aria-label": "Group by" } });
    for (const option of view!.groupOptions) select.append(html("option", { text: groupByLabel(option), attrs: { value: groupByKey(option) } }));
    select.value = groupByKey(groupBy());
    select.addEventListener("change", () => {
      const chosen = view!.groupOptions.find((o) => groupByKey(o) === select.value) ?? null;
      change("group by", () => {
        state = { ...state, groupBy: chosen, group: undefined };
      });
      postView();
    });
    controls.push(html("label", { className: "control" }, html("span", { text: "Group by " }), select));
  }
  const toggle = html("input", { attrs: { type: "checkbox", "data-testid": "themes-toggle", "data-focus-key": "themes-toggle" } });
  toggle.checked = state.themes;
  toggle.addEventListener("change", () => {
    state = { ...state, themes: toggle.checked, theme: toggle.checked ? state.theme : undefined };
    saveState();
    postView();
    change("themes toggle", () => undefined);
  });
  controls.push(html("label", { className: "control toggle" }, toggle, html("span", { text: "Themes" })));
  return html("section", { className: "aggregates" }, html("div", { className: "controls" }, ...controls), groups, themes);
}

function renderListSection(counts: Record<Polarity, number>, active: HTMLElement, countText: HTMLElement, list: VirtualList): HTMLElement {
  const toggles = POLARITY_ORDER.map((polarity) => {
    const input = html("input", { attrs: { type: "checkbox", "data-testid": `filter-${polarity}`, "data-focus-key": `filter:${polarity}` } });
    input.checked = state.filters[polarity];
    input.addEventListener("change", () =>
      change("polarity filter", () => {
        state = { ...state, filters: { ...state.filters, [polarity]: input.checked } };
      }),
    );
    return html(
      "label",
      { className: `toggle ${polarity}` },
      input,
      html("span", { className: "symbol", text: SYMBOL[polarity], attrs: { "aria-hidden": "true" } }),
      html("span", { text: `${capitalized(polarity)} (${count(counts[polarity])})` }),
    );
  });
  const search = html("input", {
    className: "search",
    attrs: { type: "search", placeholder: "Search the text", "aria-label": "Search the text", "data-testid": "search", "data-focus-key": "search" },
  });
  search.value = state.search;
  search.addEventListener("input", () =>
    change("search", () => {
      state = { ...state, search: search.value.slice(0, 1000) };
    }),
  );
  const sort = html("select", { attrs: { "data-testid": "list-sort", "data-focus-key": "list-sort", "aria-label": "Order" } });
  for (const [value, text] of [["negative", "Most negative first"], ["positive", "Most positive first"], ["order", "Document order"]] as const) {
    sort.append(html("option", { text, attrs: { value } }));
  }
  sort.value = state.sort;
  sort.addEventListener("change", () =>
    change("sort", () => {
      state = { ...state, sort: sort.value === "positive" || sort.value === "order" ? sort.value : "negative" };
    }),
  );
  // Mixed paragraphs (their sentences disagree) are found as their sentences are scored: the filter shows once there are.
  const mixedCount = view?.mixed.length ?? 0;
  if (mixedCount > 0 || state.mixedOnly) {
    const input = html("input", { attrs: { type: "checkbox", "data-testid": "filter-mixed", "data-focus-key": "filter:mixed" } });
    input.checked = state.mixedOnly;
    input.addEventListener("change", () =>
      change("polarity filter", () => {
        state = { ...state, mixedOnly: input.checked };
      }),
    );
    toggles.push(
      html(
        "label",
        { className: "toggle mixed", attrs: { title: "Only paragraphs where one sentence reads negative and another positive" } },
        input,
        html("span", { className: "symbol", text: MIXED_SYMBOL, attrs: { "aria-hidden": "true" } }),
        html("span", { text: `Mixed only (${count(mixedCount)})` }),
      ),
    );
  }
  return html(
    "section",
    { className: "units" },
    html("h2", { text: "Units" }),
    html("fieldset", { className: "filters" }, html("legend", { text: "Show" }), ...toggles),
    html("div", { className: "controls" }, search, sort, countText),
    active,
    list.element,
  );
}

/** Applies a state change to the list, the group table and the themes, and records how long it took. */
function change(what: string, apply: () => void): void {
  const started = performance.now();
  apply();
  saveState();
  refreshView(what === "search" || what === "sort" || what === "polarity filter" ? false : true);
  record(what, started);
}

/** Recomputes the list for the state and redraws the parts that depend on it. */
function refreshView(themes: boolean): void {
  if (!parts || !view) return;
  const by = groupBy();
  // A saved group or theme the model no longer has (another file, new texts) is dropped, not shown as an empty list.
  if (state.group !== undefined && !view.group(by, state.group)) state = { ...state, group: undefined };
  listView = view.query(state, by);
  parts.list.setCount(listView.order.length, true);
  parts.count.textContent = `${count(listView.order.length)} of ${plural(view.entries.length, "unit")}`;
  parts.count.setAttribute("data-count", String(listView.order.length));
  drawActiveFilters();
  drawGroups(by);
  if (themes) drawThemes(by);
}

function drawActiveFilters(): void {
  if (!parts) return;
  const chips: Node[] = [];
  const clear = (label: string, testid: string, apply: () => void) =>
    html(
      "span",
      { className: "chip", attrs: { "data-testid": testid } },
      html("span", { text: label }),
      (() => {
        const button = html("button", { className: "clear", text: "✕", attrs: { type: "button", "aria-label": `Clear ${label}`, title: `Clear ${label}` } });
        button.addEventListener("click", () => change("clear filter", apply));
        return button;
      })(),
    );
  if (state.group !== undefined) {
    chips.push(clear(`${groupByLabel(groupBy())} = ${state.group || "(empty)"}`, "active-group", () => (state = { ...state, group: undefined })));
  }
  if (state.theme) {
    const pending = listView?.themePending ? " (finding themes…)" : "";
    chips.push(clear(`contains “${state.theme}”${pending}`, "active-theme", () => (state = { ...state, theme: undefined })));
  }
  if (state.search.trim()) chips.push(clear(`search “${state.search.trim()}”`, "active-search", () => (state = { ...state, search: "" })));
  parts.active.replaceChildren(...(chips.length > 0 ? [html("span", { className: "label", text: "Filtered by " }), ...chips] : []));
  if (chips.length > 1) {
    const all = html("button", { className: "link", text: "Clear all", attrs: { type: "button", "data-testid": "clear-all" } });
    all.addEventListener("click", () => change("clear filter", () => (state = { ...state, group: undefined, theme: undefined, search: "" })));
    parts.active.append(all);
  }
  // The search box follows a cleared search.
  const box = root.querySelector<HTMLInputElement>('[data-testid="search"]');
  if (box && box.value !== state.search) box.value = state.search;
}

const GROUP_COLUMNS: readonly [GroupSortKey, string][] = [
  ["key", "Group"],
  ["count", "Count"],
  ["negative", "Negative"],
  ["neutral", "Neutral"],
  ["positive", "Positive"],
  ["mean", "Mean"],
];

function drawGroups(by: GroupBy | null): void {
  if (!parts || !view) return;
  if (!by) {
    parts.groups.replaceChildren();
    return;
  }
  const groups = view.groups(by, state.groupSort);
  const head = html(
    "tr",
    {},
    ...GROUP_COLUMNS.map(([key, label]) => {
      const sorted = state.groupSort.key === key;
      const button = html("button", {
        className: "sort",
        text: `${label}${sorted ? (state.groupSort.direction === "asc" ? " ↑" : " ↓") : ""}`,
        attrs: { type: "button", "data-testid": `group-sort-${key}`, "data-focus-key": `group-sort:${key}` },
      });
      button.addEventListener("click", () =>
        change("group sort", () => {
          const direction = sorted ? (state.groupSort.direction === "asc" ? "desc" : "asc") : key === "key" ? "asc" : "desc";
          state = { ...state, groupSort: { key, direction } };
        }),
      );
      return html(
        "th",
        { attrs: { scope: "col", ...(sorted && { "aria-sort": state.groupSort.direction === "asc" ? "ascending" : "descending" }) } },
        button,
      );
    }),
  );
  const rows = groups.slice(0, MAX_GROUP_ROWS).map((g) => groupRow(g));
  const table = html(
    "table",
    { className: "groups", attrs: { "data-testid": "group-table" } },
    html("caption", { text: `${plural(groups.length, "group")} by ${groupByLabel(by)}; select one to filter the list and the themes` }),
    html("thead", {}, head),
    html("tbody", {}, ...rows),
  );
  const more = groups.length > MAX_GROUP_ROWS ? [html("p", { className: "model", text: `${count(groups.length - MAX_GROUP_ROWS)} more groups not shown; sort to see others.` })] : [];
  parts.groups.replaceChildren(table, ...more);
}

function groupRow(g: GroupStats): HTMLTableRowElement {
  const selected = state.group === g.key;
  const name = g.key || "(empty)";
  const button = html("button", {
    className: "group-name",
    text: name,
    attrs: { type: "button", "aria-pressed": String(selected), "data-focus-key": `group:${g.key}`, title: selected ? "Show all groups" : `Show only ${name}` },
  });
  button.addEventListener("click", () =>
    change("group filter", () => {
      state = { ...state, group: selected ? undefined : g.key };
    }),
  );
  const shares = POLARITY_ORDER.map((p) => html("td", { className: `share ${p}`, text: formatPercent(g.share[p]), attrs: { "data-share": g.share[p].toFixed(4) } }));
  return html(
    "tr",
    { className: selected ? "selected" : "", attrs: { "data-testid": "group-row", "data-group": g.key, "data-count": String(g.count) } },
    html("th", { attrs: { scope: "row" } }, button, shareBar(g)),
    html("td", { className: "num", text: count(g.count) }),
    ...shares,
    html("td", { className: `num ${g.mean >= OVERALL_THRESHOLD ? "positive" : g.mean <= -OVERALL_THRESHOLD ? "negative" : ""}`, text: formatSigned(g.mean) }),
  );
}

/** A stacked bar of the negative, neutral and positive shares (the percentages are in the cells beside it). */
function shareBar(g: GroupStats): SVGSVGElement {
  const bar = svg("svg", { viewBox: "0 0 100 6", preserveAspectRatio: "none", class: "share-bar", "aria-hidden": "true" });
  let x = 0;
  for (const p of POLARITY_ORDER) {
    const width = g.share[p] * 100;
    if (width > 0) bar.append(svg("rect", { x, y: 0, width, height: 6, class: `bar ${p}` }));
    x += width;
  }
  return bar;
}

/** Draws the themes of the current scope; computing them for a new scope waits for the next task, after the list paints. */
function drawThemes(by: GroupBy | null): void {
  if (!parts || !view) return;
  if (themesTimer) clearTimeout(themesTimer);
  themesTimer = undefined;
  if (!state.themes) {
    parts.themes.replaceChildren();
    return;
  }
  const scope = state.group;
  if (view.hasThemes(by, scope)) {
    fillThemes(by, scope);
    return;
  }
  parts.themes.replaceChildren(html("p", { className: "model", text: "Finding themes…", attrs: { "data-testid": "themes-pending" } }));
  const current = view;
  themesTimer = setTimeout(() => {
    themesTimer = undefined;
    if (current !== view) return;
    const first = !view.index;
    const started = performance.now();
    fillThemes(by, scope);
    record(first ? "themes with term index" : "themes", started);
    if (first) recordHeap("heap after themes");
    // A theme filter restored from saved state applies once the index exists.
    if (first && state.theme && listView?.themePending) refreshView(false);
  }, 0);
}

function fillThemes(by: GroupBy | null, scope: string | undefined): void {
  if (!parts || !view) return;
  const themes = view.themes(by, scope);
  const group = scope !== undefined ? view.group(by, scope) : undefined;
  const where = group ? `${groupByLabel(by)} = ${group.key || "(empty)"} (${plural(group.count, "unit")})` : `all ${plural(view.entries.length, "unit")}`;
  const column = (polarity: "negative" | "positive", list: Theme[]) =>
    html(
      "div",
      { className: `theme-column ${polarity}`, attrs: { "data-polarity": polarity } },
      html("h3", { text: `Set ${polarity} units apart` }),
      list.length === 0
        ? html("p", { className: "model", text: "None stands out (too few units, or no word is used markedly more)." })
        : html("ol", { className: "theme-list" }, ...list.map((t) => html("li", {}, themeButton(polarity, t)))),
    );
  parts.themes.replaceChildren(
    html("h2", { text: `Themes in ${where}` }),
    html("p", {
      className: "model",
      text: "Words and two-word phrases used markedly more in negative (or positive) units than in the rest: weighted log-odds z-score, with how often each occurs there and elsewhere.",
    }),
    html("div", { className: "theme-columns" }, column("negative", themes.negative), column("positive", themes.positive)),
  );
}

function themeButton(polarity: Polarity, theme: Theme): HTMLButtonElement {
  const selected = state.theme === theme.term;
  const button = html(
    "button",
    {
      className: `theme ${polarity}`,
      attrs: {
        type: "button",
        "aria-pressed": String(selected),
        "data-testid": "theme",
        "data-term": theme.term,
        "data-focus-key": `theme:${polarity}:${theme.term}`,
        title: `z ${theme.z.toFixed(1)}: ${theme.count} times in ${polarity} units, ${theme.restCount} elsewhere; in ${plural(theme.items.length, "unit")}. Select to show only units that contain it.`,
      },
    },
    html("span", { className: "term", text: theme.term }),
    html("span", { className: "figures", text: `z ${theme.z.toFixed(1)} · ${count(theme.count)} vs ${count(theme.restCount)}` }),
  );
  button.addEventListener("click", () =>
    change("theme filter", () => {
      state = { ...state, theme: selected ? undefined : theme.term };
    }),
  );
  return button;
}

function renderRow(position: number): HTMLElement {
  const v = view!;
  const entry = v.entries[listView!.order[position]];
  const { unit } = entry;
  const where = model!.kind === "folder" ? `${entry.fileName} ${lineLabel(unit)}` : lineLabel(unit);
  const by = groupBy();
  const field = by?.kind === "column" ? ownValue(unit.fields, by.column) : undefined;
  const text = html("span", { className: "text" });
  if (state.theme && v.index) {
    for (const piece of highlightPieces(unit.text, v.matches(entry.index, state.theme))) {
      text.append(piece.mark ? html("mark", { text: piece.text }) : document.createTextNode(piece.text));
    }
  } else text.textContent = unit.text;
  const fields = unit.fields ? Object.entries(unit.fields).map(([k, value]) => `${k}: ${value}`).join("\n") : "";
  // A real button: focusable, and Enter and Space activate it without any key handling of ours.
  const button = html(
    "button",
    {
      className: `unit-row ${unit.polarity}`,
      attrs: {
        type: "button",
        "data-testid": "unit-row",
        "data-polarity": unit.polarity,
        "data-focus-key": `row:${entry.uri}#${unit.startLine}`,
        title: `Show ${where} in the editor · signed sentiment ${formatSigned(entry.signed)}${fields ? `\n${fields}` : ""}`,
      },
    },
    html("span", { className: "badge", text: unit.mixed ? `${MIXED_SYMBOL} mixed · ${SYMBOL[unit.polarity]} ${unit.polarity}` : `${SYMBOL[unit.polarity]} ${unit.polarity}` }),
    html("span", { className: "score", text: formatPercent(unit.score) }),
    html("span", { className: "lines", text: field !== undefined ? `${where} · ${field || "(empty)"}` : where }),
    text,
  );
  button.addEventListener("click", () => reveal(entry));
  return button;
}

/** What a model shows: the same key for new results of the same document, folder run or table. */
function sourceKey(shown: SummaryModel): string {
  return `${shown.kind}:${shown.title}:${shown.files.length === 1 ? shown.files[0].uri : shown.files.length}`;
}

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  const started = performance.now();
  // Only well-formed updates are drawn; anything else (other senders, older shapes) is dropped.
  const message = decodeUpdate(event.data);
  if (!message) return;
  const focus = document.activeElement?.getAttribute("data-focus-key") ?? undefined;
  // New results for the same source (live scoring, an edit, a setting) keep the reader's place in the list: drawn
  // again from the top, a row focused far down was no longer in the DOM and the keyboard lost it.
  const sameSource = !!model && !!message.model && sourceKey(model) === sourceKey(message.model);
  const scrollTop = sameSource ? (parts?.list.scrollTop ?? 0) : 0;
  model = message.model;
  received = true;
  // The previous view lends its term index when the texts are unchanged (live scoring posts new scores, same texts).
  view = model ? new SummaryView(model, view) : undefined;
  render();
  if (scrollTop > 0) parts?.list.scrollTo(scrollTop);
  if (focus) root.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focus)}"]`)?.focus();
  if (model) {
    record("load", started);
    if (!state.themes) recordHeap("heap after load");
    postView();
  }
});

render();
post({ type: "ready" });
