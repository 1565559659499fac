/**
 * The analysis pipeline: document -> source (prose or table) -> units -> scores -> results, whose listeners are the
 * views. One run per document at a time: a newer run, cancel() or closing the document aborts the previous one (it
 * stops at its next checkpoint and its queued model work is cancelled). A run checks at each await whether the
 * document moved on: results of a superseded version are dropped, never stored; with `retryOnChange` the run starts
 * over on the new version. Units in the editor's visible ranges are scored and stored first.
 * Pure: no `vscode`; the editor's AnalysisService (../analysisService.ts) adapts it.
 */
import type { RuleSettings } from "../../core/judge";
import type { LabelMap } from "../../core/polarity";
import type { Granularity } from "../../core/segment";
import { forSliced, mapSliced, type Pause } from "../../core/slices";
import type { Classification, ScoredUnit, Unit } from "../../core/types";
import { CancelledError, type Priority } from "../../engine/engineClient";
import type { Explanation, ModelInfo } from "../../engine/engineProtocol";
import { hostPause } from "../turns";
import { Activity, type Progress } from "./activity";
import type { AnalysedDocument, Span } from "./document";
import { Judging, type LanguageFinder } from "./judging";
import { ProseSource } from "./proseSource";
import { ResultStore, type Results, type Scored } from "./results";
import { ScoreCache, type ScoringEngine } from "./scoreCache";
import { pickRows, type DocumentUnits, type NotScoredUnits, type UnitSource } from "./source";
import { TableSource, type ReadRows } from "./tableSource";

/** What the pipeline needs of tabular sources (the editor's TableSources and table worker; fakes in the tests). */
export interface TableAccess<D extends AnalysedDocument> {
  /** Whether the document is read as a table (by file name or language id). */
  isTable(document: D): boolean;
  rows: ReadRows<D>;
  /** Drops the worker's copy of a closed document's table. */
  forget(uri: D["uri"]): void;
  /** The language of prose texts, found in the table worker. */
  languages: LanguageFinder;
}

export interface AnalyzeOptions<S> {
  /** Only this part of the document: its offsets (read on the version analysed), and the range the results carry. */
  selection?: { span: () => Span; range: S };
  /** The stretches the editor shows (offsets on the version analysed): scored and stored first. */
  visible?: () => readonly Span[];
  /** When the document changes during the run, start over on the new version (a command's run) instead of ending. */
  retryOnChange?: boolean;
}

/** Thrown at a checkpoint when the document's version changed since the run began. */
class StaleRun extends Error {}
/** Thrown at a checkpoint when a newer run, cancel() or closing took over. */
class SupersededRun extends Error {}

/** One pass over one version of a document: the checks every await is followed by. */
class Pass {
  readonly version: number;
  constructor(
    private readonly document: AnalysedDocument,
    readonly superseded: () => boolean,
  ) {
    this.version = document.version;
  }
  readonly stale = () => this.superseded() || this.document.version !== this.version;
  /** Ends the pass when it is superseded or stale. */
  check(): void {
    this.checkSuperseded();
    if (this.stale()) throw new StaleRun();
  }
  checkSuperseded(): void {
    if (this.superseded()) throw new SupersededRun();
  }
}

export class AnalysisPipeline<D extends AnalysedDocument, S = never> {
  readonly scores: ScoreCache;
  readonly results: ResultStore<D["uri"], S>;
  readonly activity: Activity;
  private readonly judging: Judging;
  private readonly prose: ProseSource;
  private readonly table: TableSource<D>;
  /** The latest run per document, aborted by the next one, cancel() and forget(). */
  private readonly controllers = new Map<string, AbortController>();

  constructor(
    engine: ScoringEngine,
    settings: { threshold: number; granularity: Granularity; labels: LabelMap },
    private readonly tables: TableAccess<D>,
    events: { onStored: (results: Results<D["uri"], S>) => void; onProgress: (progress: Progress | undefined) => void },
  ) {
    this.scores = new ScoreCache(engine);
    this.results = new ResultStore(settings.threshold, settings.labels, events.onStored);
    this.activity = new Activity(events.onProgress);
    this.judging = new Judging(() => this.scores.model(), tables.languages, settings.granularity);
    this.prose = new ProseSource(this.judging, settings.granularity);
    this.table = new TableSource(tables.rows, () => this.judging.rowRules(), (uri) => tables.forget(uri));
  }

  /** The source of a document's units: the one branch between tables and prose. */
  sourceOf(document: D): UnitSource<D> {
    return this.tables.isTable(document) ? this.table : this.prose;
  }

  /** The model scores come from, loading it if need be (see ScoreCache.model). */
  model(): Promise<ModelInfo> {
    return this.scores.model();
  }

  /** The rules a table's rows are judged by in the table worker. */
  rowRules(): Promise<RuleSettings> {
    return this.judging.rowRules();
  }

  setGranularity(granularity: Granularity): void {
    this.prose.setGranularity(granularity);
  }

  setJudging(rules: RuleSettings): void {
    this.judging.setRules(rules);
  }

  /**
   * Scores the document's current version (or only the selection), visible units first, and stores the results;
   * undefined when the run was superseded, or went stale without `retryOnChange`.
   */
  async analyze(document: D, options: AnalyzeOptions<S> = {}): Promise<Results<D["uri"], S> | undefined> {
    const key = document.uri.toString();
    this.controllers.get(key)?.abort();
    const controller = new AbortController();
    this.controllers.set(key, controller);
    const { signal } = controller;
    const superseded = () => signal.aborted || document.isClosed;
    return this.activity.during(async () => {
      try {
        for (;;) {
          try {
            return await this.pass(document, new Pass(document, superseded), signal, options);
          } catch (error) {
            if (!(error instanceof StaleRun)) throw error;
            if (superseded() || !options.retryOnChange) return undefined;
          }
        }
      } catch (error) {
        // A newer run for this document took over (and cancelled our queued model work): not an error.
        if (error instanceof SupersededRun || error instanceof CancelledError) return undefined;
        throw error;
      } finally {
        if (this.controllers.get(key) === controller) this.controllers.delete(key);
      }
    });
  }

  /** Stops the document's running analysis (its queued model work is cancelled); stored results stay. */
  cancel(uri: { toString(): string }): void {
    this.controllers.get(uri.toString())?.abort();
  }

  /** Scores units of a text that is not an open document (a file of a folder run); counted by whenIdle. */
  scoreProse(text: string, languageId: string, signal?: AbortSignal): Promise<{ units: ScoredUnit[]; notScored?: NotScoredUnits }> {
    return this.activity.during(async () => {
      const { units, notScored } = await this.prose.textUnits(text, languageId, signal);
      return { units: await this.scoreUnits(units, signal), ...(notScored && { notScored }) };
    });
  }

  /** Scores units of a file (reporting its size as progress); an aborted signal stops it. */
  async scoreUnits(units: readonly Unit[], signal?: AbortSignal): Promise<ScoredUnit[]> {
    if (signal?.aborted) throw new CancelledError();
    // A file of a folder run starts: its size, for progress (and for the tests, which cancel inside a file).
    this.activity.report({ done: 0, total: units.length });
    const scores = await this.scores.classifyTexts(
      units.map((unit) => unit.text),
      { signal },
    );
    return (await this.results.label(units, scores)).units;
  }

  /** Units scored on demand (a paragraph's sentences): cached like any text, labelled as the rest. */
  async scoreOnDemand(units: readonly Unit[], priority: Priority = "high"): Promise<ScoredUnit[]> {
    const scores = await this.scores.classifyTexts(units.map((unit) => unit.text), { priority });
    return units.map((unit, i) => this.results.labelOne(unit, scores[i]));
  }

  /** The words that move a unit's score most; cached by text. */
  explain(text: string): Promise<Explanation> {
    const cached = this.scores.cachedExplanation(text);
    return cached ? Promise.resolve(cached) : this.activity.during(() => this.scores.explain(text));
  }

  /** A closed document: its run stops, its segmenter, table copy and results go, and the scores only it showed. */
  forget(uri: D["uri"]): void {
    this.prose.forget(uri);
    this.table.forget(uri);
    this.cancel(uri);
    const results = this.results.delete(uri);
    if (!results) return;
    // Free the closed document's cached scores, except texts another open document still shows.
    const kept = new Set(this.results.all().flatMap((other) => other.units.map((unit) => unit.text)));
    this.scores.forgetTexts(results.units.flatMap(({ text }) => (kept.has(text) ? [] : [text])));
  }

  /** What the pipeline holds now, for the soak's watchdog (scripts/soak.mjs). */
  counters(): Record<string, number> {
    let units = 0;
    for (const result of this.results.all()) units += result.units.length;
    const { inFlight, idleWaiters } = this.activity.counters();
    return { results: this.results.size, units, controllers: this.controllers.size, segmenters: this.prose.size, ...this.scores.sizes, inFlight, idleWaiters };
  }

  dispose(): void {
    this.results.clear();
    this.scores.clear();
    this.activity.release();
  }

  /** One pass over the document's current version. */
  private async pass(document: D, pass: Pass, signal: AbortSignal, options: AnalyzeOptions<S>): Promise<Results<D["uri"], S>> {
    const parsed = await this.sourceOf(document).units(document, options.selection?.span(), pass.stale);
    if (!parsed) throw new StaleRun();
    const { units } = parsed;
    const pause = hostPause();
    const { shown, first, firstAt, rest } = await splitVisible(units, options.visible?.() ?? [], pause);
    pass.check();
    const total = units.length;
    this.activity.report({ done: 0, total });
    const firstScores = await this.scores.classifyTexts(first.map((unit) => unit.text), { priority: "high", signal });
    pass.checkSuperseded();
    // The visible units are stored first, unless the version moved on (the rest's check then ends or restarts the pass).
    if (first.length && rest.length && !pass.stale()) {
      const scoredFirst = await this.results.label(first, firstScores);
      await pause();
      pass.checkSuperseded();
      if (!pass.stale()) this.store(document, pass.version, scoredFirst, true, options, { table: parsed.table, notScored: parsed.notScored, ...pickRows(parsed, firstAt) });
      this.activity.report({ done: first.length, total });
    }
    const restScores = await this.scores.classifyTexts(rest.map((unit) => unit.text), { signal });
    pass.check();
    // Back in document order: the visible units' scores, then the others', each in their own order.
    let [f, r] = [0, 0];
    const scores = await mapSliced(shown, pause, (isShown): Classification => (isShown ? firstScores[f++] : restScores[r++]), 1024);
    const scored = await this.results.label(units, scores);
    // Storing paints, and starts the panel's feed: in a turn of their own when this one's budget is spent.
    await pause();
    pass.check();
    return this.store(document, pass.version, scored, false, options, parsed);
  }

  private store(document: D, version: number, { units, counts }: Scored, partial: boolean, options: AnalyzeOptions<S>, source: Omit<DocumentUnits, "units">): Results<D["uri"], S> {
    return this.results.store({
      uri: document.uri,
      version,
      // Set by classifyTexts, which every pass awaits before it stores.
      model: this.scores.lastModel!,
      partial,
      selection: options.selection?.range,
      units,
      counts,
      ...(source.table && { table: source.table }),
      ...(source.lines && { lines: source.lines }),
      ...(source.positions && { positions: source.positions }),
      ...(source.fields && { fields: source.fields }),
      ...(source.notScored && { notScored: source.notScored }),
    });
  }
}

/** The units in the visible spans (`first`, with their indices) and the others, each in document order. */
async function splitVisible(units: readonly Unit[], visible: readonly Span[], pause: Pause): Promise<{ shown: boolean[]; first: Unit[]; firstAt: number[]; rest: Unit[] }> {
  // An index loop: destructuring each span allocated per unit (1.2 MB of garbage for 15,000 rows).
  const isVisible = (unit: Unit) => {
    for (let r = 0; r < visible.length; r++) if (visible[r].start <= unit.end && unit.start <= visible[r].end) return true;
    return false;
  };
  const shown = await mapSliced(units, pause, isVisible, 1024);
  const first: Unit[] = [];
  /** Where the visible units are among all: their rows' lines, positions and fields when stored first. */
  const firstAt: number[] = [];
  const rest: Unit[] = [];
  await forSliced(
    units,
    pause,
    (unit, i) => {
      if (!shown[i]) rest.push(unit);
      else {
        first.push(unit);
        firstAt.push(i);
      }
    },
    1024,
  );
  return { shown, first, firstAt, rest };
}
