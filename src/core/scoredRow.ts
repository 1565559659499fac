/**
 * A scored unit as the editor keeps it: a ScoredRow, the unit and its classification held by reference. Named for its
 * class, apart from engine/scores.ts (ScoreColumns: a classify answer as it crosses from the worker). Pure: no `vscode`.
 */
import type { Classification, Polarity, ScoredUnit, Unit } from "./types";

/**
 * A unit and its classification, held by reference instead of copied into a new object (with its own boxed score and
 * the classification's probabilities object): one object per unit. The polarity is its own, set again when the
 * neutral threshold or label map changes.
 */
export class ScoredRow implements ScoredUnit {
  constructor(
    private readonly unit: Unit,
    private readonly classification: Classification,
    public polarity: Polarity,
  ) {}

  get start(): number {
    return this.unit.start;
  }

  get end(): number {
    return this.unit.end;
  }

  get text(): string {
    return this.unit.text;
  }

  get kind(): Unit["kind"] {
    return this.unit.kind;
  }

  get fields(): Record<string, string> | undefined {
    return this.unit.fields;
  }

  get label(): string {
    return this.classification.label;
  }

  get score(): number {
    return this.classification.score;
  }

  get probabilities(): Record<string, number> {
    return this.classification.probabilities;
  }

  get windows(): number {
    return this.classification.windows;
  }

  get tokens(): number {
    return this.classification.tokens;
  }

  /** As a plain ScoredUnit (JSON.stringify calls it). */
  toJSON(): ScoredUnit {
    const { start, end, text, kind, fields, label, score, probabilities, windows, tokens, polarity } = this;
    return { start, end, text, kind, ...(fields && { fields }), label, score, probabilities, windows, tokens, polarity };
  }
}
