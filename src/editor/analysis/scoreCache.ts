/**
 * The scores step: texts to classifications, through a cache by text in front of the engine, so an edit re-scores
 * only the units whose text changed; and the explanations ("Why?"), cached the same way. Both belong to one model
 * file: when another one is loaded, they are dropped. Pure: no `vscode` (the engine is given).
 */
import { LruCache } from "../../core/cache";
import { forSliced } from "../../core/slices";
import type { Classification } from "../../core/types";
import type { Priority } from "../../engine/engineClient";
import type { Explanation, ModelInfo } from "../../engine/engineProtocol";
import { hostPause } from "../turns";

/** What the scores step asks of the engine (engine/engineClient.ts's EngineClient; a fake in the unit tests). */
export interface ScoringEngine {
  modelInfo(): Promise<ModelInfo>;
  scores(texts: readonly string[], options: { priority?: Priority; signal?: AbortSignal }): Promise<Classification[]>;
  explain(text: string): Promise<Explanation>;
}

/** Texts remembered per model: enough for a few large documents, small in memory (a result is ~200 bytes). */
const CACHE_ENTRIES = 50_000;
const EXPLANATION_ENTRIES = 500;
/** Characters of text the caches keep as keys, at most (a 1 MB paragraph is one entry, not 1/50,000 of the bound). */
const CACHE_CHARS = 32 * 1024 * 1024;
const EXPLANATION_CHARS = 4 * 1024 * 1024;
const textLength = (text: string) => text.length;

export class ScoreCache {
  private readonly cache = new LruCache<string, Classification>(CACHE_ENTRIES, textLength, CACHE_CHARS);
  private readonly explanations = new LruCache<string, Explanation>(EXPLANATION_ENTRIES, textLength, EXPLANATION_CHARS);
  /** The model whose scores the cache holds. */
  private scoredBy: ModelInfo | undefined;

  constructor(private readonly engine: ScoringEngine) {}

  /**
   * The model scores come from, loading it if need be. Cached scores and explanations belong to one model file (its
   * sha256): when another one is loaded, they are dropped. A reload of the same file (a thread count change) keeps them.
   */
  async model(): Promise<ModelInfo> {
    const info = await this.engine.modelInfo();
    if (info.sha256 !== this.scoredBy?.sha256) {
      if (this.scoredBy) {
        this.cache.clear();
        this.explanations.clear();
      }
    }
    this.scoredBy = info;
    return info;
  }

  /** The model of the last scores: set by classifyTexts, which every run awaits before it stores. */
  get lastModel(): ModelInfo | undefined {
    return this.scoredBy;
  }

  /** Scores texts, asking the model only for those not in the cache (each distinct text once). */
  async classifyTexts(texts: readonly string[], options: { priority?: Priority; signal?: AbortSignal } = {}): Promise<Classification[]> {
    const model = await this.model();
    // 15,000 look-ups and stores held the host's loop for tens of milliseconds: the loops pause every few ms.
    const pause = hostPause();
    const scores = new Array<Classification>(texts.length);
    // Per text not in the cache, its place among those asked for (-1: cached); a text asked for twice has one place.
    const asked = new Int32Array(texts.length).fill(-1);
    const missing: string[] = [];
    const places = new Map<string, number>();
    await forSliced(
      texts,
      pause,
      (text, i) => {
        const cached = this.cache.get(text);
        if (cached) scores[i] = cached;
        else {
          let place = places.get(text);
          if (place === undefined) places.set(text, (place = missing.push(text) - 1));
          asked[i] = place;
        }
      },
      256,
    );
    // Not held while the engine works (seconds for a large table): 15,000 entries the host's collector would copy.
    places.clear();
    if (missing.length) {
      const answers = await this.engine.scores(missing, options);
      // Scores from a model that was replaced meanwhile are returned to this caller (whose run is superseded by the
      // re-analysis a model change starts) but not cached.
      if (this.scoredBy === model) await forSliced(missing, pause, (text, place) => this.cache.set(text, answers[place]), 256);
      await forSliced(
        texts,
        pause,
        (_, i) => {
          if (asked[i] >= 0) scores[i] = answers[asked[i]];
        },
        1024,
      );
    }
    return scores;
  }

  /** The words that move a unit's score most; cached by text. */
  async explain(text: string): Promise<Explanation> {
    const cached = this.explanations.get(text);
    if (cached) return cached;
    const explanation = await this.engine.explain(text);
    this.explanations.set(text, explanation);
    return explanation;
  }

  cachedExplanation(text: string): Explanation | undefined {
    return this.explanations.get(text);
  }

  /** Frees the scores and explanations of texts no open document shows any more. */
  forgetTexts(texts: Iterable<string>): void {
    for (const text of texts) {
      this.cache.delete(text);
      this.explanations.delete(text);
    }
  }

  clear(): void {
    this.cache.clear();
  }

  /** Entries held (the soak's counters). */
  get sizes(): { cache: number; explanations: number } {
    return { cache: this.cache.size, explanations: this.explanations.size };
  }
}
