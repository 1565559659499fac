import type { Classification, Polarity } from "./types";

/** Label name -> polarity, for models whose label names do not say it (the labelMap setting). */
export type LabelMap = Readonly<Record<string, Polarity>>;

/**
 * Reads a label name as a polarity: the label map first, then the name (POSITIVE, positive, 5 stars, ...). Names that
 * say nothing (LABEL_0, "3 stars") read as neutral.
 */
export function labelPolarity(label: string, map?: LabelMap): Polarity {
  const mapped = map?.[label];
  if (mapped) return mapped;
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
