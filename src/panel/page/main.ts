/// <reference lib="dom" />
/**
 * The summary page's script, bundled on its own for the browser (dist/panel/main.js). It draws whatever the host posts
 * in `update` messages and sends back only `ready` and `reveal`.
 *
 * Every piece of document text reaches the DOM through textContent or a plain attribute value, never through HTML
 * parsing: paragraphs may contain markup, scripts or command links, and must show as the text they are.
 */
import type { Polarity } from "../../core/types";
import type { PanelModel } from "../../core/review";
import { isHostMessage, readPanelState, type PageMessage, type PanelState } from "../protocol";
import {
  OVERALL_THRESHOLD,
  applyFilter,
  describeArc,
  describeHistogram,
  formatPercent,
  formatSigned,
  groupByFile,
  lineLabel,
  summarize,
  type HistogramBin,
  type Summary,
  type UnitEntry,
} from "../summary";

declare function acquireVsCodeApi(): { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById("root") as HTMLElement;
const SVG_NS = "http://www.w3.org/2000/svg";

const POLARITY_ORDER: readonly Polarity[] = ["negative", "neutral", "positive"];
/** Shapes as well as colours, so polarity never depends on telling red from green (same marks as the editor badges). */
const SYMBOL: Record<Polarity, string> = { positive: "▲", negative: "▼", neutral: "●" };
const EMPTY_TEXT = "Run Inline Sentiment: Analyze Sentiment on a markdown or plaintext document.";

let state: PanelState = readPanelState(vscode.getState());
let model: PanelModel | undefined;
let received = false;
let summary: Summary | undefined;
let listContainer: HTMLElement | undefined;

function post(message: PageMessage): void {
  vscode.postMessage(message);
}

function saveState(): void {
  vscode.setState(state);
}

interface ElementOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

function html<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: Node[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/** An SVG <title>: the tooltip of a bar or point. */
function tooltip(text: string): SVGTitleElement {
  const title = svg("title");
  title.textContent = text;
  return title;
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function reveal(entry: UnitEntry): void {
  post({ type: "reveal", uri: entry.uri, line: entry.unit.startLine });
}

/** Where focus was, by a key that survives re-rendering, so an update does not throw keyboard users to the top. */
function focusKey(): string | undefined {
  return document.activeElement?.getAttribute("data-focus-key") ?? undefined;
}

function restoreFocus(key: string | undefined): void {
  if (!key) return;
  const elements = Array.from(root.querySelectorAll<HTMLElement>("[data-focus-key]"));
  elements.find((element) => element.getAttribute("data-focus-key") === key)?.focus();
}

function render(): void {
  const key = focusKey();
  listContainer = undefined;
  if (!received) {
    root.replaceChildren(html("p", { className: "empty", text: "Loading…" }));
    return;
  }
  if (!model) {
    summary = undefined;
    root.replaceChildren(html("p", { className: "empty", text: EMPTY_TEXT, attrs: { "data-testid": "empty" } }));
    return;
  }
  summary = summarize(model);
  const parts: Node[] = [renderHeader(model, summary), renderCounts(summary)];
  if (summary.entries.length === 0) {
    parts.push(html("p", { className: "empty", text: `No paragraphs were scored in ${model.title}.` }));
  } else {
    parts.push(renderCharts(summary), renderListSection(model));
  }
  root.replaceChildren(...parts);
  renderList();
  restoreFocus(key);
}

function renderHeader(current: PanelModel, { overall }: Summary): HTMLElement {
  const overallText =
    `Overall: ${capitalized(overall.label)} ${SYMBOL[overall.label]} ${formatSigned(overall.mean)}` +
    ` (mean of P(positive) − P(negative) over ${overall.units} unit${overall.units === 1 ? "" : "s"})`;
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

function renderCounts({ counts }: Summary): HTMLElement {
  const items = POLARITY_ORDER.map((polarity) =>
    html(
      "li",
      { className: polarity, attrs: { "data-polarity": polarity } },
      html("span", { className: "symbol", text: SYMBOL[polarity], attrs: { "aria-hidden": "true" } }),
      html("span", { className: "count", text: String(counts[polarity]) }),
      html("span", { text: polarity }),
    ),
  );
  return html("ul", { className: "counts", attrs: { "data-testid": "counts", "aria-label": "Units per polarity" } }, ...items);
}

function renderCharts(current: Summary): HTMLElement {
  return html(
    "section",
    { className: "charts" },
    html("div", { className: "chart" }, html("h2", { text: "Distribution" }), renderHistogram(current.histogram)),
    html("div", { className: "chart wide" }, html("h2", { text: "Arc" }), renderArc(current.entries)),
  );
}

/** Colour of a histogram bin: the same ±OVERALL_THRESHOLD split as the overall label. */
function binPolarity(bin: HistogramBin): Polarity {
  const centre = (bin.from + bin.to) / 2;
  return centre >= OVERALL_THRESHOLD ? "positive" : centre <= -OVERALL_THRESHOLD ? "negative" : "neutral";
}

function renderHistogram(bins: readonly HistogramBin[]): SVGSVGElement {
  const width = 300;
  const height = 130;
  const pad = { left: 6, right: 6, top: 16, bottom: 18 };
  const plotWidth = width - pad.left - pad.right;
  const plotHeight = height - pad.top - pad.bottom;
  const max = Math.max(1, ...bins.map((bin) => bin.count));
  const step = plotWidth / bins.length;
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": describeHistogram(bins),
    "data-testid": "histogram",
    class: "histogram",
  });
  bins.forEach((bin, i) => {
    const barHeight = (bin.count / max) * plotHeight;
    const x = pad.left + i * step + 1;
    const y = pad.top + plotHeight - barHeight;
    const range = `${formatSigned(bin.from)} to ${formatSigned(bin.to)}`;
    chart.append(
      svg(
        "rect",
        { x, y, width: step - 2, height: barHeight, class: `bar ${binPolarity(bin)}`, "data-count": bin.count },
        tooltip(`${bin.count} unit${bin.count === 1 ? "" : "s"} from ${range}`),
      ),
    );
    if (bin.count > 0) {
      const label = svg("text", { x: x + (step - 2) / 2, y: y - 3, class: "bar-label", "text-anchor": "middle" });
      label.textContent = String(bin.count);
      chart.append(label);
    }
  });
  const baseline = pad.top + plotHeight;
  chart.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: baseline, y2: baseline, class: "axis" }));
  for (const [value, anchor] of [[-1, "start"], [0, "middle"], [1, "end"]] as const) {
    const label = svg("text", {
      x: pad.left + ((value + 1) / 2) * plotWidth,
      y: height - 4,
      class: "tick",
      "text-anchor": anchor,
    });
    label.textContent = value === 0 ? "0" : formatSigned(value).replace(".00", "");
    chart.append(label);
  }
  return chart;
}

function renderArc(entries: readonly UnitEntry[]): SVGSVGElement {
  const width = 600;
  const height = 170;
  const pad = { left: 32, right: 10, top: 10, bottom: 10 };
  const plotWidth = width - pad.left - pad.right;
  const plotHeight = height - pad.top - pad.bottom;
  // Points are inset from the plot's edges so the first and last never sit on the axis labels.
  const inset = 10;
  const x = (index: number) =>
    entries.length === 1 ? pad.left + plotWidth / 2 : pad.left + inset + (index / (entries.length - 1)) * (plotWidth - 2 * inset);
  const y = (value: number) => pad.top + ((1 - value) / 2) * plotHeight;
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": describeArc(entries),
    "data-testid": "arc",
    class: "arc",
  });
  for (const value of [1, 0, -1]) {
    chart.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value), class: value === 0 ? "zero" : "grid" }));
    const label = svg("text", { x: pad.left - 4, y: y(value) + 4, class: "tick", "text-anchor": "end" });
    label.textContent = value === 0 ? "0" : value > 0 ? "+1" : "\u22121";
    chart.append(label);
  }
  // Folder runs: a faint rule where the next file starts, so the arc reads file by file.
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].fileIndex === entries[i - 1].fileIndex) continue;
    const at = (x(i - 1) + x(i)) / 2;
    chart.append(svg("line", { x1: at, x2: at, y1: pad.top, y2: height - pad.bottom, class: "file-boundary" }, tooltip(entries[i].fileName)));
  }
  if (entries.length > 1) {
    chart.append(svg("polyline", { points: entries.map((e) => `${x(e.index)},${y(e.signed)}`).join(" "), class: "line" }));
  }
  for (const entry of entries) {
    const point = svg(
      "circle",
      { cx: x(entry.index), cy: y(entry.signed), r: 5, class: `point ${entry.unit.polarity}`, "data-polarity": entry.unit.polarity },
      tooltip(`${entry.fileName} ${lineLabel(entry.unit)} · ${entry.unit.polarity} ${formatPercent(entry.unit.score)} · ${formatSigned(entry.signed)}`),
    );
    // A shortcut for pointer users; keyboard and screen reader users have the same action on the list rows.
    point.addEventListener("click", () => reveal(entry));
    chart.append(point);
  }
  return chart;
}

function renderListSection(current: PanelModel): HTMLElement {
  const counts = summary?.counts ?? { positive: 0, negative: 0, neutral: 0 };
  const toggles = POLARITY_ORDER.map((polarity) => {
    const input = html("input", {
      attrs: { type: "checkbox", "data-testid": `filter-${polarity}`, "data-focus-key": `filter:${polarity}` },
    });
    input.checked = state.filters[polarity];
    input.addEventListener("change", () => {
      state = { filters: { ...state.filters, [polarity]: input.checked } };
      saveState();
      renderList();
    });
    return html(
      "label",
      { className: `toggle ${polarity}` },
      input,
      html("span", { className: "symbol", text: SYMBOL[polarity], attrs: { "aria-hidden": "true" } }),
      html("span", { text: `${capitalized(polarity)} (${counts[polarity]})` }),
    );
  });
  listContainer = html("div", { className: "unit-list", attrs: { "data-testid": "unit-list" } });
  return html(
    "section",
    { className: "units" },
    html("h2", { text: current.kind === "folder" ? "Most negative first, by file" : "Most negative first" }),
    html("fieldset", { className: "filters" }, html("legend", { text: "Show" }), ...toggles),
    listContainer,
  );
}

/** Redraws only the list, so toggling a filter keeps focus on the checkbox. */
function renderList(): void {
  if (!listContainer || !summary || !model) return;
  const key = focusKey();
  const visible = applyFilter(summary.sorted, state.filters);
  if (visible.length === 0) {
    listContainer.replaceChildren(html("p", { className: "empty", text: "No units match the filters." }));
    return;
  }
  if (model.kind === "folder") {
    listContainer.replaceChildren(
      ...groupByFile(visible).map((group) =>
        html(
          "section",
          { className: "file-group" },
          html("h3", { text: `${group.fileName} (${group.entries.length})` }),
          rows(group.entries, true),
        ),
      ),
    );
  } else {
    listContainer.replaceChildren(rows(visible, false));
  }
  restoreFocus(key);
}

function rows(entries: readonly UnitEntry[], showFile: boolean): HTMLUListElement {
  return html("ul", { className: "rows" }, ...entries.map((entry) => html("li", {}, row(entry, showFile))));
}

function row(entry: UnitEntry, showFile: boolean): HTMLButtonElement {
  const { unit } = entry;
  const where = showFile ? `${entry.fileName} ${lineLabel(unit)}` : lineLabel(unit);
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
        title: `Show ${where} in the editor · signed sentiment ${formatSigned(entry.signed)}`,
      },
    },
    html("span", { className: "badge", text: `${SYMBOL[unit.polarity]} ${unit.polarity}` }),
    html("span", { className: "score", text: formatPercent(unit.score) }),
    html("span", { className: "lines", text: where }),
    html("span", { className: "text", text: unit.text }),
  );
  button.addEventListener("click", () => reveal(entry));
  return button;
}

window.addEventListener("message", (event: MessageEvent<unknown>) => {
  // Only well-formed updates are drawn; anything else (other senders, older shapes) is dropped.
  if (!isHostMessage(event.data)) return;
  model = event.data.model;
  received = true;
  render();
});

render();
post({ type: "ready" });
