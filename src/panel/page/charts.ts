/// <reference lib="dom" />
/** The summary page's SVG charts: the histogram of signed sentiment and the arc (points, rolling mean or date axis). */
import type { Polarity } from "../../core/types";
import type { ArcSeries } from "../summaryView";
import { OVERALL_THRESHOLD, describeArc, describeHistogram, formatPercent, formatSigned, lineLabel, type HistogramBin, type UnitEntry } from "../overview";
import { svg, tooltip } from "./dom";

/** Colour of a histogram bin: the same ±OVERALL_THRESHOLD split as the overall label. */
function binPolarity(bin: HistogramBin): Polarity {
  const centre = (bin.from + bin.to) / 2;
  return centre >= OVERALL_THRESHOLD ? "positive" : centre <= -OVERALL_THRESHOLD ? "negative" : "neutral";
}

function polarityOfMean(mean: number): Polarity {
  return mean >= OVERALL_THRESHOLD ? "positive" : mean <= -OVERALL_THRESHOLD ? "negative" : "neutral";
}

export function renderHistogram(bins: readonly HistogramBin[]): SVGSVGElement {
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
    const label = svg("text", { x: pad.left + ((value + 1) / 2) * plotWidth, y: height - 4, class: "tick", "text-anchor": anchor });
    label.textContent = value === 0 ? "0" : formatSigned(value).replace(".00", "");
    chart.append(label);
  }
  return chart;
}

const ARC = { width: 600, height: 170, pad: { left: 32, right: 10, top: 10, bottom: 10 }, inset: 10 };

/** The arc's frame: grid lines at +1, 0 and −1 with their labels. Returns the chart and its y scale. */
function arcFrame(label: string): { chart: SVGSVGElement; y: (value: number) => number; x: (fraction: number) => number } {
  const { width, height, pad, inset } = ARC;
  const plotWidth = width - pad.left - pad.right;
  const plotHeight = height - pad.top - pad.bottom;
  const y = (value: number) => pad.top + ((1 - value) / 2) * plotHeight;
  const x = (fraction: number) => pad.left + inset + fraction * (plotWidth - 2 * inset);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, "data-testid": "arc", class: "arc" });
  for (const value of [1, 0, -1]) {
    chart.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y(value), y2: y(value), class: value === 0 ? "zero" : "grid" }));
    const tick = svg("text", { x: pad.left - 4, y: y(value) + 4, class: "tick", "text-anchor": "end" });
    tick.textContent = value === 0 ? "0" : value > 0 ? "+1" : "\u22121";
    chart.append(tick);
  }
  return { chart, y, x };
}

/**
 * The arc for a series. Points (a few hundred units at most) are clickable and reveal their unit; a rolling mean or a
 * date axis is a line with its points' figures as tooltips.
 */
export function renderArc(series: ArcSeries, reveal: (entry: UnitEntry) => void): SVGSVGElement {
  if (series.kind === "points") return renderPoints(series.entries, reveal);
  if (series.kind === "rolling") {
    const { chart, x, y } = arcFrame(
      `Sentiment arc: rolling mean over ${series.window} items of ${series.total}, from ${formatSigned(series.points[0].mean)} ` +
        `to ${formatSigned(series.points[series.points.length - 1].mean)}.`,
    );
    const last = Math.max(1, series.total - 1);
    chart.setAttribute("data-window", String(series.window));
    chart.append(svg("polyline", { points: series.points.map((p) => `${x(p.index / last)},${y(p.mean)}`).join(" "), class: "line rolling" }));
    return chart;
  }
  const points = series.points;
  const lowest = points.reduce((a, b) => (b.mean < a.mean ? b : a), points[0]);
  const { chart, x, y } = arcFrame(
    points.length === 0
      ? `Sentiment by ${series.bucket}: no readable dates.`
      : `Sentiment by ${series.bucket} of ${series.column}, ${points.length} points from ${points[0].start} to ` +
          `${points[points.length - 1].start}; lowest ${formatSigned(lowest.mean)} in the ${series.bucket} of ${lowest.start}.`,
  );
  const fraction = (i: number) => (points.length === 1 ? 0.5 : i / (points.length - 1));
  if (points.length > 1) chart.append(svg("polyline", { points: points.map((p, i) => `${x(fraction(i))},${y(p.mean)}`).join(" "), class: "line" }));
  points.forEach((p, i) => {
    chart.append(
      svg(
        "circle",
        { cx: x(fraction(i)), cy: y(p.mean), r: 4, class: `point ${polarityOfMean(p.mean)}`, "data-start": p.start },
        tooltip(`${series.bucket} of ${p.start}: mean ${formatSigned(p.mean)} over ${p.count} item${p.count === 1 ? "" : "s"} (${p.counts.negative} negative, ${p.counts.positive} positive)`),
      ),
    );
  });
  if (points.length > 0) {
    for (const [i, anchor] of [[0, "start"], [points.length - 1, "end"]] as const) {
      const label = svg("text", { x: x(fraction(i)), y: ARC.height - 1, class: "tick", "text-anchor": anchor });
      label.textContent = points[i].start;
      chart.append(label);
    }
  }
  return chart;
}

function renderPoints(entries: readonly UnitEntry[], reveal: (entry: UnitEntry) => void): SVGSVGElement {
  const { chart, x: at, y } = arcFrame(describeArc(entries));
  const x = (index: number) => (entries.length === 1 ? at(0.5) : at(index / (entries.length - 1)));
  // Folder runs: a faint rule where the next file starts, so the arc reads file by file.
  for (let i = 1; i < entries.length; i++) {
    if (entries[i].fileIndex === entries[i - 1].fileIndex) continue;
    const where = (x(i - 1) + x(i)) / 2;
    chart.append(
      svg("line", { x1: where, x2: where, y1: ARC.pad.top, y2: ARC.height - ARC.pad.bottom, class: "file-boundary" }, tooltip(entries[i].fileName)),
    );
  }
  if (entries.length > 1) chart.append(svg("polyline", { points: entries.map((e) => `${x(e.index)},${y(e.signed)}`).join(" "), class: "line" }));
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
