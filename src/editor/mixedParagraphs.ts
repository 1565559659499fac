/**
 * Which paragraphs are mixed (core/mixed.ts): learnt when a paragraph's sentences are scored (the hover, the sentence
 * marks of negative paragraphs in view), kept by the paragraph's text like every score, and read when painting. A
 * paragraph whose sentences were never scored is not known to be mixed: nothing here scores anything.
 */
import * as vscode from "vscode";
import { LruCache } from "../core/cache";
import { isMixed, sentenceSpread, type SentenceSpread } from "../core/mixed";
import type { LabelMap } from "../core/polarity";

/** Paragraphs remembered: their spread is a few numbers; the texts are bounded in characters as the score cache is. */
const ENTRIES = 5000;
const CHARS = 4 * 1024 * 1024;

export class MixedParagraphs implements vscode.Disposable {
  private readonly spreads = new LruCache<string, SentenceSpread>(ENTRIES, (text) => text.length, CHARS);
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /**
   * Fires with the paragraph's text when one is found mixed (or no longer); with undefined when the threshold or the
   * model's reading changed (every paragraph may have).
   */
  readonly onDidChange = this.changed.event;

  constructor(private threshold: number) {}

  /**
   * Records the scored sentences of the paragraph `text` (nothing when they are not known: one sentence, too long,
   * scoring cancelled); fires when that changes whether it is mixed.
   */
  learn(text: string, sentences: readonly { probabilities: Record<string, number> }[] | undefined, labelMap?: LabelMap): void {
    const spread = sentences && sentenceSpread(sentences, labelMap);
    if (!spread) return;
    const before = this.isMixed(text);
    this.spreads.set(text, spread);
    if (this.isMixed(text) !== before) this.changed.fire(text);
  }

  /** True when the paragraph `text` was found mixed (its sentences were scored and disagree). */
  isMixed(text: string): boolean {
    return isMixed(this.spreads.get(text), this.threshold);
  }

  /** The `mixed.threshold` setting changed: what is painted is read again, nothing is scored. */
  setThreshold(threshold: number): void {
    if (threshold === this.threshold) return;
    this.threshold = threshold;
    this.changed.fire(undefined);
  }

  /** Another model or label map: the sentences' scores are no longer theirs. */
  clear(): void {
    if (this.spreads.size === 0) return;
    this.spreads.clear();
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.spreads.clear();
    this.changed.dispose();
  }
}
