/**
 * A classify answer as it crosses from the engine's worker to the host: numbers in typed arrays and the label names
 * once, instead of an object (with its own label string and probabilities object) per text: 15,000 structured-clone
 * copies took ~234 bytes each on the host and, surviving in its young generation, made its scavenges ~3x longer than
 * the same objects made by its own code. The host reads them as plain Classifications (the CLI) or as ScoreRefs.
 * Pure (no `node:`, no `vscode`): the worker, the web worker and the host share it.
 */
import type { Classification } from "../core/types";

export interface ScoreColumns {
  /** The model's label names, in its order. */
  labels: string[];
  /** Text i's probability of label j at `i * labels.length + j`. */
  probabilities: Float64Array;
  /** Text i's model windows and word-piece tokens (special tokens excluded). */
  windows: Uint32Array;
  tokens: Uint32Array;
}

/** Text `i`'s most probable label (the first of equals), by index. */
function bestLabel(columns: ScoreColumns, i: number): number {
  const { labels, probabilities } = columns;
  const at = i * labels.length;
  let best = 0;
  for (let j = 1; j < labels.length; j++) if (probabilities[at + j] > probabilities[at + best]) best = j;
  return best;
}

/** Text `i`'s probability of every label, keyed by label name (a new object). */
function probabilitiesAt(columns: ScoreColumns, i: number): Record<string, number> {
  const { labels, probabilities } = columns;
  const byLabel: Record<string, number> = {};
  // Defined, not assigned: a label named `__proto__` is an entry like any other, not a prototype to set (issue 24).
  for (let j = 0; j < labels.length; j++) {
    const value = probabilities[i * labels.length + j];
    if (labels[j] === "__proto__") Object.defineProperty(byLabel, labels[j], { value, enumerable: true, writable: true, configurable: true });
    else byLabel[labels[j]] = value;
  }
  return byLabel;
}

/** Text `i`'s classification: the first label with the highest probability, and every label's probability. */
export function classificationAt(columns: ScoreColumns, i: number): Classification {
  const best = bestLabel(columns, i);
  return {
    label: columns.labels[best],
    score: columns.probabilities[i * columns.labels.length + best],
    probabilities: probabilitiesAt(columns, i),
    windows: columns.windows[i],
    tokens: columns.tokens[i],
  };
}

/** Every text's classification, in order. */
export function classificationsOf(columns: ScoreColumns): Classification[] {
  return Array.from(columns.windows, (_, i) => classificationAt(columns, i));
}

/**
 * Text `index` of an answer, read from the answer's columns when asked: one small object per scored text where a
 * Classification is an object, a probabilities object and three boxed numbers. The host keeps 15,000 of them (its
 * score cache, every scored unit) through a long analysis, and each one its young generation's collections copied
 * made those pauses longer. `probabilities` is a new object on each read.
 */
export class ScoreRef implements Classification {
  constructor(
    private readonly columns: ScoreColumns,
    private readonly index: number,
  ) {}

  get label(): string {
    return this.columns.labels[bestLabel(this.columns, this.index)];
  }

  get score(): number {
    return this.columns.probabilities[this.index * this.columns.labels.length + bestLabel(this.columns, this.index)];
  }

  get probabilities(): Record<string, number> {
    return probabilitiesAt(this.columns, this.index);
  }

  get windows(): number {
    return this.columns.windows[this.index];
  }

  get tokens(): number {
    return this.columns.tokens[this.index];
  }

  /** As a plain Classification (JSON.stringify calls it). */
  toJSON(): Classification {
    return classificationAt(this.columns, this.index);
  }
}

/** Every text's classification, in order, read from the columns when asked (see ScoreRef). */
export function scoreRefsOf(columns: ScoreColumns): ScoreRef[] {
  return Array.from(columns.windows, (_, i) => new ScoreRef(columns, i));
}
