/**
 * The results step: scored units labelled (polarity by the neutral threshold and label map), counted, and stored per
 * document; re-labelled in place when the threshold or the label map changes, without asking the model again. Each
 * stored result is handed to `onStored`, from which the views (decorations, hover, status bar, panel) are fed. Pure:
 * no `vscode`.
 */
import { polarityOf, type LabelMap } from "../../core/polarity";
import { ScoredRow } from "../../core/scoredRow";
import { mapSliced } from "../../core/slices";
import type { Classification, Polarity, ScoredUnit, Unit } from "../../core/types";
import type { ModelInfo } from "../../engine/engineProtocol";
import type { RowFields } from "../../engine/tables/rows";
import { hostPause } from "../turns";
import type { NotScoredUnits, TableInfo } from "./source";

/** A document's stored results; `U` is the document's uri type, `S` a selection's range type (vscode's in the editor). */
export interface Results<U = unknown, S = unknown> {
  uri: U;
  version: number;
  units: ScoredUnit[];
  /** How many units have each polarity (counted as they were scored, so the status bar need not go through them). */
  counts: Record<Polarity, number>;
  /** The model that scored these units. */
  model: ModelInfo;
  /** True while only part of the document (the visible units) has been scored. */
  partial: boolean;
  /** Set when only a selection was analysed. */
  selection?: S;
  /** A tabular source: its columns, the text column and the rows that could not be read. */
  table?: TableInfo;
  /** A tabular source: 1-based first and last line of each unit's row, two entries per unit. */
  lines?: readonly number[];
  /** A tabular source: 0-based line and character of each unit's start, then of its end (four entries per unit). */
  positions?: Uint32Array;
  /** A tabular source: each unit's other columns, by unit index (parsed when asked for). */
  fields?: RowFields;
  /**
   * The units not scored (empty cells, missing-value markers, non-answers, other languages, no words), each with its
   * reason, in document order. `units` (scored only) and these hold every row of a table once.
   */
  notScored?: NotScoredUnits;
}

/** Scored units with their count per polarity. */
export type Scored = Pick<Results, "units" | "counts">;

export class ResultStore<U extends { toString(): string }, S> {
  private readonly results = new Map<string, Results<U, S>>();

  constructor(
    private threshold: number,
    private labels: LabelMap,
    /** Called with each result stored or re-labelled. */
    private readonly onStored: (results: Results<U, S>) => void,
  ) {}

  get labelMap(): LabelMap {
    return this.labels;
  }

  get(uri: { toString(): string }): Results<U, S> | undefined {
    return this.results.get(uri.toString());
  }

  all(): Results<U, S>[] {
    return [...this.results.values()];
  }

  /** Stores a document's results (replacing the previous ones) and hands them to onStored. */
  store(results: Results<U, S>): Results<U, S> {
    this.results.set(results.uri.toString(), results);
    this.onStored(results);
    return results;
  }

  /** Removes a document's results; returns them. */
  delete(uri: { toString(): string }): Results<U, S> | undefined {
    const key = uri.toString();
    const results = this.results.get(key);
    this.results.delete(key);
    return results;
  }

  clear(): void {
    this.results.clear();
  }

  get size(): number {
    return this.results.size;
  }

  /** Re-labels stored results for a new neutral threshold or label map; the model is not asked again. */
  relabel(threshold: number, labels: LabelMap): void {
    this.threshold = threshold;
    this.labels = labels;
    for (const result of this.results.values()) {
      result.counts = { positive: 0, negative: 0, neutral: 0 };
      for (const unit of result.units) result.counts[(unit.polarity = polarityOf(unit, threshold, labels))]++;
      this.onStored(result);
    }
  }

  /** Scored units, built a few milliseconds per event-loop turn, and counted by polarity. */
  async label(units: readonly Unit[], scores: readonly Classification[]): Promise<Scored> {
    const counts = { positive: 0, negative: 0, neutral: 0 };
    const scored = await mapSliced(
      units,
      hostPause(),
      (unit, i) => {
        const one = this.labelOne(unit, scores[i]);
        counts[one.polarity]++;
        return one;
      },
      256,
    );
    return { units: scored, counts };
  }

  /** One scored unit, labelled with the current threshold and label map. */
  labelOne(unit: Unit, score: Classification): ScoredUnit {
    return new ScoredRow(unit, score, polarityOf(score, this.threshold, this.labels));
  }
}
