/**
 * The summary's overview, what the page draws at its top (overall label, counts, histogram, the arc's entries),
 * computed from a SummaryModel. Pure TypeScript (no `vscode`, no DOM): the page bundle
 * draws from it, the host's tests and the unit tests check it.
 */
import { labelPolarity, signedSentiment, type LabelMap } from "../core/polarity";
import type { Polarity } from "../core/types";
import type { SummaryModel, SummaryUnit } from "../core/summary/summaryModel";
import type { PolarityFilter } from "./protocol";

/**
 * |mean signed sentiment| at or above which the overall label is positive or negative. Below it the document is called
 * neutral: a mean near zero means either calm text or praise and complaints cancelling out, and the counts tell which.
 */
export const OVERALL_THRESHOLD = 0.2;

/** Number of histogram bins over [-1, 1]; 10 gives 0.2-wide bins, the same step as OVERALL_THRESHOLD. */
export const HISTOGRAM_BINS = 10;

/** One unit with where it lives and the numbers the page sorts and plots by. */
export interface UnitEntry {
  unit: SummaryUnit;
  uri: string;
  fileName: string;
  /** Position of the file in the model (folder runs keep the order the run produced). */
  fileIndex: number;
  /** Position of the unit over the whole model, in document order: the arc's x. */
  index: number;
  /** P(positive labels) − P(negative labels), in [-1, 1]. */
  signed: number;
  /** Sort key, larger = more negative. */
  negativity: number;
}

export interface Overall {
  /** Mean signed sentiment over all units; 0 when there are none. */
  mean: number;
  label: Polarity;
  units: number;
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface FileGroup {
  uri: string;
  fileName: string;
  /** This file's units, most negative first. */
  entries: UnitEntry[];
}

/** Sum of the probabilities of the labels `labelPolarity` reads as `polarity`. */
function probabilityOf(probabilities: Record<string, number>, polarity: Polarity, map?: LabelMap): number {
  let sum = 0;
  for (const [label, p] of Object.entries(probabilities)) if (labelPolarity(label, map) === polarity) sum += p;
  return sum;
}

/** The one definition, in core (the report uses it too). */
export { signedSentiment };

/** True when at least one of the model's labels reads as negative, so P(negative) is a meaningful sort key. */
export function hasNegativeLabel(model: SummaryModel): boolean {
  return model.files.some((file) =>
    file.units.some((unit) => Object.keys(unit.probabilities).some((label) => labelPolarity(label, model.labelMap) === "negative")),
  );
}

/**
 * Sort key for "most negative first". With a negative label it is P(negative labels). Without one (labels the
 * polarity helper cannot read) the probabilities say nothing about negativity, so the shown polarity and its score
 * decide: confident negatives first, then neutrals, then positives with the most confident last.
 */
export function negativityOf(unit: SummaryUnit, negativeLabel: boolean, map?: LabelMap): number {
  if (negativeLabel) return probabilityOf(unit.probabilities, "negative", map);
  if (unit.polarity === "negative") return 1 + unit.score;
  if (unit.polarity === "positive") return -1 - unit.score;
  return 0;
}

/** Every unit of the model, in document order (files in model order), with its numbers. */
export function entriesOf(model: SummaryModel): UnitEntry[] {
  const negativeLabel = hasNegativeLabel(model);
  const entries: UnitEntry[] = [];
  model.files.forEach((file, fileIndex) => {
    for (const unit of file.units) {
      entries.push({
        unit,
        uri: file.uri,
        fileName: file.name,
        fileIndex,
        index: entries.length,
        signed: signedSentiment(unit, model.labelMap),
        negativity: negativityOf(unit, negativeLabel, model.labelMap),
      });
    }
  });
  return entries;
}

export function overallOf(entries: readonly UnitEntry[]): Overall {
  if (entries.length === 0) return { mean: 0, label: "neutral", units: 0 };
  const mean = entries.reduce((sum, entry) => sum + entry.signed, 0) / entries.length;
  const label: Polarity = mean >= OVERALL_THRESHOLD ? "positive" : mean <= -OVERALL_THRESHOLD ? "negative" : "neutral";
  return { mean, label, units: entries.length };
}

/** Units per shown polarity (after the neutral threshold, as the editor paints them). */
export function countsOf(entries: readonly UnitEntry[]): Record<Polarity, number> {
  const counts: Record<Polarity, number> = { positive: 0, negative: 0, neutral: 0 };
  for (const entry of entries) counts[entry.unit.polarity]++;
  return counts;
}

/** Histogram of signed sentiment over [-1, 1]; each bin is [from, to) except the last, which also holds 1. */
export function histogramOf(entries: readonly UnitEntry[], bins = HISTOGRAM_BINS): HistogramBin[] {
  const width = 2 / bins;
  const result: HistogramBin[] = Array.from({ length: bins }, (_, i) => ({ from: -1 + i * width, to: -1 + (i + 1) * width, count: 0 }));
  for (const entry of entries) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(((entry.signed + 1) / 2) * bins)));
    result[bin].count++;
  }
  return result;
}

/** Stable "most negative first": ties keep document order, so the list does not reshuffle between identical runs. */
export function byNegativity(entries: readonly UnitEntry[]): UnitEntry[] {
  return [...entries].sort((a, b) => b.negativity - a.negativity || a.index - b.index);
}

export function applyFilter(entries: readonly UnitEntry[], filter: PolarityFilter): UnitEntry[] {
  return entries.filter((entry) => filter[entry.unit.polarity]);
}

/**
 * Groups (already filtered) entries by file for folder runs. Files are ordered by their most negative unit, so the
 * file that most needs attention comes first; files with no entries left are dropped.
 */
export function groupByFile(entries: readonly UnitEntry[]): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  for (const entry of byNegativity(entries)) {
    let group = groups.get(entry.uri);
    if (!group) groups.set(entry.uri, (group = { uri: entry.uri, fileName: entry.fileName, entries: [] }));
    group.entries.push(entry);
  }
  // byNegativity already visits each file's most negative unit first, so insertion order is the wanted file order.
  return [...groups.values()];
}

/** "L9" or "L9–10". */
export function lineLabel(unit: Pick<SummaryUnit, "startLine" | "endLine">): string {
  return unit.startLine === unit.endLine ? `L${unit.startLine}` : `L${unit.startLine}–${unit.endLine}`;
}

/** Signed value as shown: "+0.42", "−0.87" (a real minus sign, so the column lines up), "0.00". */
export function formatSigned(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  if (rounded === 0) return "0.00";
  return `${rounded > 0 ? "+" : "\u2212"}${Math.abs(rounded).toFixed(2)}`;
}

/** Confidence as shown in list rows: "88%". */
export function formatPercent(score: number): string {
  return `${Math.round(score * 100)}%`;
}

/** Everything the page draws, in one call. */
export interface Overview {
  entries: UnitEntry[];
  overall: Overall;
  counts: Record<Polarity, number>;
  histogram: HistogramBin[];
  /** Entries most negative first. */
  sorted: UnitEntry[];
}

export function overviewOf(model: SummaryModel): Overview {
  const entries = entriesOf(model);
  return {
    entries,
    overall: overallOf(entries),
    counts: countsOf(entries),
    histogram: histogramOf(entries),
    sorted: byNegativity(entries),
  };
}

/** A one-sentence description of the arc for screen readers (the SVG's aria-label). */
export function describeArc(entries: readonly UnitEntry[]): string {
  if (entries.length === 0) return "Sentiment arc: no units.";
  const where = (entry: UnitEntry) => `${entry.fileName} ${lineLabel(entry.unit)}`;
  let low = entries[0];
  let high = entries[0];
  for (const entry of entries) {
    if (entry.signed < low.signed) low = entry;
    if (entry.signed > high.signed) high = entry;
  }
  const first = entries[0];
  const last = entries[entries.length - 1];
  return (
    `Sentiment arc over ${entries.length} unit${entries.length === 1 ? "" : "s"}: ` +
    `starts at ${formatSigned(first.signed)}, ends at ${formatSigned(last.signed)}; ` +
    `lowest ${formatSigned(low.signed)} at ${where(low)}, highest ${formatSigned(high.signed)} at ${where(high)}.`
  );
}

/** A one-sentence description of the histogram for screen readers. */
export function describeHistogram(bins: readonly HistogramBin[]): string {
  const parts = bins
    .filter((bin) => bin.count > 0)
    .map((bin) => `${bin.count} from ${formatSigned(bin.from)} to ${formatSigned(bin.to)}`);
  return parts.length === 0 ? "Sentiment distribution: no units." : `Sentiment distribution: ${parts.join("; ")}.`;
}
