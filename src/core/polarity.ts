import type { Classification, Polarity } from "./types";

/** Label name -> polarity, for models whose label names do not say it (the labelMap setting). */
export type LabelMap = Readonly<Record<string, Polarity>>;

/**
 * Reads a label name as a polarity: the label map first, then the name (POSITIVE, positive, 5 stars, ...). Names that
 * say nothing (LABEL_0, "3 stars") read as neutral.
 */
export function labelPolarity(label: string, map?: LabelMap): Polarity {
  // Own entries only: a model label named `constructor` or `toString` read Object.prototype's function (issue 24).
  const mapped = map && Object.hasOwn(map, label) ? map[label] : undefined;
  if (mapped === "positive" || mapped === "negative" || mapped === "neutral") return mapped;
  let read = byName.get(label);
  if (read === undefined) byName.set(label, (read = readLabel(label)));
  return read;
}

/**
 * Label names already read: a model has a handful, and 15,000 rows read them 15,000 times (lower-casing each time left
 * 0.7 MB of garbage for the extension host's collector per 15,000-row table).
 */
const byName = new Map<string, Polarity>();

function readLabel(label: string): Polarity {
  const name = label.toLowerCase();
  if (/neg|bad|[12] stars?/.test(name)) return "negative";
  if (/pos|good|[45] stars?/.test(name)) return "positive";
  return "neutral";
}

/** The polarity shown for a classification: neutral when the top label's confidence is below `threshold`. */
export function polarityOf(result: Classification, threshold: number, map?: LabelMap): Polarity {
  if (result.score < threshold) return "neutral";
  return labelPolarity(result.label, map);
}

/**
 * Signed sentiment of a result: P(positive labels) − P(negative labels), in [-1, 1]. Labels that read as neither
 * (LABEL_0, "3 stars") count for neither side, so a three-way model's neutral mass pulls the value to zero, as it
 * should. The panel's arc, sort and group means and the report's mean polarity all use this one definition.
 */
export function signedSentiment(result: { probabilities: Record<string, number> }, map?: LabelMap): number {
  let value = 0;
  for (const [label, p] of Object.entries(result.probabilities)) {
    const polarity = labelPolarity(label, map);
    if (polarity === "positive") value += p;
    else if (polarity === "negative") value -= p;
  }
  return Math.max(-1, Math.min(1, value));
}
