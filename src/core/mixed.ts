/**
 * "Mixed" paragraphs (issue 25 item 4): a paragraph whose sentences disagree strongly, one read negative and another
 * positive, each with at least the mixed threshold's confidence. The rule and its default were chosen with
 * bench/mixed.mjs on real sentences joined in pairs (docs/WRITERS.md has the rates): requiring the paragraph's own score
 * to be unsure as well (a margin rule) found fewer mixed pairs at the same false-alarm rate, so the paragraph's own score
 * plays no part. Pure.
 */
import { labelPolarity, type LabelMap } from "./polarity";

/**
 * The threshold's default: the lowest of those measured at which the rule fires on at most 5 % of same-tone pairs on
 * both data sets with the bundled mini model (3.9 % of SST-2 dev pairs, 2.5 % of airline-tweet pairs).
 */
export const MIXED_THRESHOLD = 0.99;

/**
 * Longer units are not split into sentences (the editor would parse them on its main thread on hover; the CLI keeps
 * the same rule so both label the same paragraphs).
 */
export const MAX_MIXED_LENGTH = 5000;

/** The most negative and the most positive sentence of a paragraph: which (index) and how sure (probability). */
export interface SentenceSpread {
  negative: { index: number; p: number };
  positive: { index: number; p: number };
}

/**
 * The spread of a paragraph's sentences (two or more), undefined for fewer. A sentence's negative (positive) probability
 * is the sum over its labels that read negative (positive), so a three-way model's neutral mass counts for neither.
 */
export function sentenceSpread(sentences: readonly { probabilities: Record<string, number> }[], labelMap?: LabelMap): SentenceSpread | undefined {
  if (sentences.length < 2) return undefined;
  let spread: SentenceSpread | undefined;
  sentences.forEach((sentence, index) => {
    let negative = 0;
    let positive = 0;
    for (const [label, p] of Object.entries(sentence.probabilities)) {
      const polarity = labelPolarity(label, labelMap);
      if (polarity === "negative") negative += p;
      else if (polarity === "positive") positive += p;
    }
    if (!spread) spread = { negative: { index, p: negative }, positive: { index, p: positive } };
    else {
      if (negative > spread.negative.p) spread.negative = { index, p: negative };
      if (positive > spread.positive.p) spread.positive = { index, p: positive };
    }
  });
  return spread;
}

/** True when one sentence reads negative with at least `threshold` and another positive with at least `threshold`. */
export function isMixed(spread: SentenceSpread | undefined, threshold: number = MIXED_THRESHOLD): boolean {
  return spread !== undefined && spread.negative.index !== spread.positive.index && spread.negative.p >= threshold && spread.positive.p >= threshold;
}
