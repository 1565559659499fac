import type { Classification, Polarity } from "./types";

/**
 * Reads a label name as a polarity. Models name their labels differently (POSITIVE, positive, 5 stars, LABEL_1);
 * names that say nothing map to neutral until a label mapping setting says otherwise.
 */
export function labelPolarity(label: string): Polarity {
  const name = label.toLowerCase();
  if (/neg|bad|[12] stars?/.test(name)) return "negative";
  if (/pos|good|[45] stars?/.test(name)) return "positive";
  return "neutral";
}

/** The polarity shown for a classification: neutral when the top label's confidence is below `threshold`. */
export function polarityOf(result: Classification, threshold: number): Polarity {
  if (result.score < threshold) return "neutral";
  return labelPolarity(result.label);
}
