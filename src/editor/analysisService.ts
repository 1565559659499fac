/**
 * Analyses documents in the engine and keeps the latest results per document.
 * - Results are cached by text (bounded), so an edit re-scores only the units whose text changed.
 * - Units in the editor's visible ranges are scored and painted before the rest.
 * - Results for a document version that has since changed are dropped, never stored or painted.
 * Emits an event per stored result, and tracks when it is idle (no run in flight, no run scheduled).
 */
import * as vscode from "vscode";
import { LruCache } from "../core/cache";
import { compileRules, judgeText, notScored, type CompiledRules, type RuleSettings } from "../core/judge";
import type { NotScored } from "../core/notScored";
import { polarityOf, type LabelMap } from "../core/polarity";
import { DocumentSegmenter, type Granularity } from "../core/segment";
import { ScoredRow } from "../core/scoredRow";
import { forSliced, mapSliced } from "../core/slices";
import type { Problem, TableFormat } from "../core/tabular";
import type { Classification, Polarity, ScoredUnit, Unit } from "../core/types";
import { CancelledError, type EngineClient, type Priority } from "../engine/client";
import type { Explanation, ModelInfo } from "../engine/protocol";
import { pickPerUnit, type RowFields } from "../engine/tables/rows";
import { hostPause } from "./turns";
import { tableFormatOfDocument, type TableInfo, type TabularSources } from "./tables";

export interface DocumentResults {
  uri: vscode.Uri;
  version: number;
  units: ScoredUnit[];
  /** How many units have each polarity (counted as they were scored, so the status bar need not go through them). */
  counts: Record<Polarity, number>;
  /** The model that scored these units. */
  model: ModelInfo;
  /** True while only part of the document (the visible units) has been scored. */
  partial: boolean;
  /** Set when only a selection was analysed. */
  selection?: vscode.Range;
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

/** Units that are not scored, with the reason of each; a table's come with their lines, positions and fields. */
export interface NotScoredUnits {
  units: Unit[];
  reasons: NotScored[];
  /** A tabular source: as DocumentResults' lines, positions and fields, index by index with `units`. */
  lines?: readonly number[];
  positions?: Uint32Array;
  fields?: RowFields;
}

/** Scored units with their count per polarity. */
type Scored = Pick<DocumentResults, "units" | "counts">;

/** What a tabular source knows per unit, index by index with its units. */
type RowData = Pick<DocumentResults, "lines" | "positions" | "fields">;

/** Units of a document, with the table they came from when it is a tabular source. */
interface DocumentUnits extends RowData {
  units: Unit[];
  table?: TableInfo;
  notScored?: NotScoredUnits;
}

/** The per-unit data of the units at `indices`, in that order. */
function pickRows(rows: RowData, indices: readonly number[]): RowData {
  return {
    ...(rows.lines && { lines: pickPerUnit(rows.lines, 2, indices) }),
    ...(rows.positions && { positions: pickPerUnit(rows.positions, 4, indices) }),
    ...(rows.fields && { fields: rows.fields.pick(indices) }),
  };
}

export interface Progress {
  done: number;
  total: number;
}

/** Texts remembered per model: enough for a few large documents, small in memory (a result is ~200 bytes). */
const CACHE_ENTRIES = 50_000;
const EXPLANATION_ENTRIES = 500;
/** Characters of text the caches keep as keys, at most (a 1 MB paragraph is one entry, not 1/50,000 of the bound). */
const CACHE_CHARS = 32 * 1024 * 1024;
const EXPLANATION_CHARS = 4 * 1024 * 1024;
const textLength = (text: string) => text.length;

export class AnalysisService implements vscode.Disposable {
  private readonly results = new Map<string, DocumentResults>();
  private readonly cache = new LruCache<string, Classification>(CACHE_ENTRIES, textLength, CACHE_CHARS);
  private readonly explanations = new LruCache<string, Explanation>(EXPLANATION_ENTRIES, textLength, EXPLANATION_CHARS);
  /**
   * The latest run per document. Starting a new run, cancelling or closing aborts the previous one: it stops at its
   * next await and its queued model work is cancelled.
   */
  private readonly controllers = new Map<string, AbortController>();
  /** Per document: keeps the last run's parsed chunks, so an edit re-parses only what it touched. */
  private readonly segmenters = new Map<string, DocumentSegmenter>();
  private readonly changed = new vscode.EventEmitter<DocumentResults>();
  private readonly progress = new vscode.EventEmitter<Progress | undefined>();
  private inFlight = 0;
  /** The model whose scores the cache holds. */
  private scoredBy: ModelInfo | undefined;
  /** Which units are not scored (settings `feedback.*`); the model's languages are added per run. */
  private judging: RuleSettings = {};
  /** Per paragraph text: why it is not scored (null: it is scored). Emptied when the rules or the model change. */
  private readonly judged = new LruCache<string, NotScored | null>(CACHE_ENTRIES);
  /** The compiled rules of prose and of rows for the current settings and model, made when first needed. */
  private compiled: { languages?: readonly string[]; prose: CompiledRules } | undefined;
  private idleWaiters: (() => void)[] = [];

  /** Fires when a document's results are stored (or re-labelled after a threshold change). */
  readonly onDidChangeResults = this.changed.event;
  /** Progress of the running analyses; undefined when idle. */
  readonly onDidProgress = this.progress.event;

  constructor(
    private readonly engine: EngineClient,
    private threshold: number,
    private granularity: Granularity,
    private labels: LabelMap = {},
    /** Reads tabular documents (CSV, TSV, JSON Lines, JSON): one unit per row of the text column, never segmented. */
    private readonly tables: TabularSources,
  ) {}

  get labelMap(): LabelMap {
    return this.labels;
  }

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

  get(uri: vscode.Uri): DocumentResults | undefined {
    return this.results.get(uri.toString());
  }

  all(): DocumentResults[] {
    return [...this.results.values()];
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

  /** Units scored on demand (a paragraph's sentences): cached like any text, labelled as the rest. */
  async scoreOnDemand(units: readonly Unit[], priority: Priority = "high"): Promise<ScoredUnit[]> {
    const scores = await this.classifyTexts(units.map((unit) => unit.text), { priority });
    return units.map((unit, i) => this.scored(unit, scores[i]));
  }

  /**
   * Scores units of a text (not necessarily an open document) with the current settings. Counted by whenIdle; an
   * aborted signal stops it, also in the middle of the text (its queued model work is cancelled).
   */
  async scoreText(text: string, languageId: string, signal?: AbortSignal): Promise<ScoredUnit[]> {
    return (await this.scoreProse(text, languageId, signal)).units;
  }

  /** As scoreText, with the units that were not scored (their reasons) beside the scored ones. */
  async scoreProse(text: string, languageId: string, signal?: AbortSignal): Promise<{ units: ScoredUnit[]; notScored?: NotScoredUnits }> {
    this.begin();
    try {
      const segmented = (await new DocumentSegmenter(languageId, this.granularity).segmentAsync(text, () => signal?.aborted ?? false)) ?? [];
      const { units, notScored } = await this.judgeProse(segmented);
      return { units: await this.scoreUnits(units, signal), ...(notScored && { notScored }) };
    } finally {
      this.end();
    }
  }

  /**
   * Scores the rows of a tabular file (not necessarily open): its remembered text column, else the suggested one.
   * `table` is undefined when the file holds no columns (`problems` then says why). Counted by whenIdle.
   */
  async scoreTable(
    uri: vscode.Uri,
    source: { text: string } | { bytes: Uint8Array },
    format: TableFormat,
    signal?: AbortSignal,
    version?: number,
  ): Promise<{ units: ScoredUnit[]; lines: number[]; fields: RowFields; table?: TableInfo; problems: Problem[]; notScored: NotScoredUnits }> {
    this.begin();
    try {
      const { read, info } = await this.tables.fileRows(uri, source, format, await this.rowRules(), version);
      const units = await this.scoreUnits(read.units, signal);
      return { units, lines: read.lines, fields: read.fields, table: info, problems: info?.problems ?? read.problems, notScored: read.notScored };
    } finally {
      this.end();
    }
  }

  private async scoreUnits(units: readonly Unit[], signal?: AbortSignal): Promise<ScoredUnit[]> {
    if (signal?.aborted) throw new CancelledError();
    // A file of a folder run starts: its size, for progress (and for the tests, which cancel inside a file).
    this.progress.fire({ done: 0, total: units.length });
    const scores = await this.classifyTexts(units.map((unit) => unit.text), { signal });
    return (await this.scoredAll(units, scores)).units;
  }

  /**
   * Scores the document's current version (or only `selection`), visible units first. If the document changes while
   * the engine works, the stale results are dropped; a command-driven run then starts over on the new version.
   */
  async analyze(
    document: vscode.TextDocument,
    options: { selection?: vscode.Range; visible?: readonly vscode.Range[]; retryOnChange?: boolean } = {},
  ): Promise<DocumentResults | undefined> {
    const key = document.uri.toString();
    this.controllers.get(key)?.abort();
    const controller = new AbortController();
    this.controllers.set(key, controller);
    const { signal } = controller;
    const superseded = () => signal.aborted || document.isClosed;
    this.begin();
    try {
      for (;;) {
        const version = document.version;
        const stale = () => superseded() || document.version !== version;
        const parsed = await this.unitsOf(document, options.selection, stale);
        if (!parsed) {
          if (superseded() || !options.retryOnChange) return undefined;
          continue;
        }
        const { units } = parsed;
        const visible = (options.visible ?? []).map((range) => [document.offsetAt(range.start), document.offsetAt(range.end)]);
        // An index loop: destructuring each range allocated per unit (1.2 MB of garbage for 15,000 rows).
        const isVisible = (unit: Unit) => {
          for (let r = 0; r < visible.length; r++) if (visible[r][0] <= unit.end && unit.start <= visible[r][1]) return true;
          return false;
        };
        const pause = hostPause();
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
        if (stale()) {
          if (superseded() || !options.retryOnChange) return undefined;
          continue;
        }
        const total = units.length;
        this.progress.fire({ done: 0, total });
        const firstScores = await this.classifyTexts(first.map((unit) => unit.text), { priority: "high", signal });
        if (superseded()) return undefined;
        if (first.length && rest.length && !stale()) {
          const scoredFirst = await this.scoredAll(first, firstScores);
          await pause();
          if (superseded()) return undefined;
          if (!stale()) this.store(document, version, scoredFirst, true, options.selection, { table: parsed.table, notScored: parsed.notScored, ...pickRows(parsed, firstAt) });
          this.progress.fire({ done: first.length, total });
        }
        const restScores = await this.classifyTexts(rest.map((unit) => unit.text), { signal });
        if (superseded()) return undefined;
        if (stale()) {
          if (options.retryOnChange) continue;
          return undefined;
        }
        // Back in document order: the visible units' scores, then the others', each in their own order.
        let [f, r] = [0, 0];
        const scores = await mapSliced(shown, pause, (isShown) => (isShown ? firstScores[f++] : restScores[r++]), 1024);
        const scored = await this.scoredAll(units, scores);
        // Storing paints, and starts the panel's feed: in a turn of their own when this one's budget is spent.
        await pause();
        if (superseded()) return undefined;
        if (stale()) {
          if (options.retryOnChange) continue;
          return undefined;
        }
        return this.store(document, version, scored, false, options.selection, parsed);
      }
    } catch (error) {
      // A newer run for this document took over and cancelled our queued work: not an error.
      if (error instanceof CancelledError) return undefined;
      throw error;
    } finally {
      if (this.controllers.get(key) === controller) this.controllers.delete(key);
      this.end();
    }
  }

  /** Stops the document's running analysis (its queued model work is cancelled); stored results stay. */
  cancel(uri: vscode.Uri): void {
    this.controllers.get(uri.toString())?.abort();
  }

  /** The words that move a unit's score most; cached by text. */
  async explain(text: string): Promise<Explanation> {
    const cached = this.explanations.get(text);
    if (cached) return cached;
    this.begin();
    try {
      const explanation = await this.engine.explain(text);
      this.explanations.set(text, explanation);
      return explanation;
    } finally {
      this.end();
    }
  }

  cachedExplanation(text: string): Explanation | undefined {
    return this.explanations.get(text);
  }

  /** Re-labels stored results for a new neutral threshold or label map; the model is not asked again. */
  relabel(threshold: number, labels: LabelMap): void {
    this.threshold = threshold;
    this.labels = labels;
    for (const result of this.results.values()) {
      result.counts = { positive: 0, negative: 0, neutral: 0 };
      for (const unit of result.units) result.counts[(unit.polarity = polarityOf(unit, threshold, labels))]++;
      this.changed.fire(result);
    }
  }

  /** A new unit size; documents are re-analysed by the caller. */
  setGranularity(granularity: Granularity): void {
    this.granularity = granularity;
    this.compiled = undefined;
    this.judged.clear();
  }

  /** Which units are not scored (settings `feedback.missingMarkers`, `nonAnswers`, `scoreAll`); the caller re-analyses. */
  setJudging(rules: RuleSettings): void {
    this.judging = rules;
    this.compiled = undefined;
    this.judged.clear();
  }

  /** The rules a table's rows are judged by in the table worker: the settings' with the model's languages. */
  private async rowRules(): Promise<RuleSettings> {
    const model = await this.model();
    return { ...this.judging, ...(model.languages && { languages: model.languages }) };
  }

  /**
   * The rules a paragraph is judged by: its language and whether it has words. Markers and non-answers are for
   * answers, so they apply only at granularity "line" (one answer per line, a pasted feedback list). Compiled without
   * the detector: languages are found in the table worker (see judgeProse).
   */
  private async proseRules(): Promise<CompiledRules> {
    const model = await this.model();
    if (this.compiled && this.compiled.languages === model.languages) return this.compiled.prose;
    const line = this.granularity === "line";
    const prose = compileRules({
      ...this.judging,
      missing: line ? this.judging.missing : [],
      nonAnswers: line ? this.judging.nonAnswers : [],
      languages: model.languages,
    });
    this.judged.clear();
    this.compiled = { languages: model.languages, prose };
    return prose;
  }

  /**
   * Splits segmented units into those to score and those not, each text judged once while the rules hold. The cheap
   * rules run here, a few milliseconds per event-loop turn; the languages of the texts not judged yet are found in
   * the table worker, in one request: the detector's tables (tens of megabytes, most of a second to load) never load
   * on the host's thread. If the worker cannot answer, those texts are scored (as a text the detector cannot place).
   */
  private async judgeProse(units: readonly Unit[]): Promise<{ units: Unit[]; notScored?: NotScoredUnits }> {
    const rules = await this.proseRules();
    const pause = hostPause();
    /** Per unit: why it is not scored, null when it is, undefined while its language is still to be found. */
    const whys = new Array<NotScored | null | undefined>(units.length);
    const unknown = new Set<string>();
    await forSliced(
      units,
      pause,
      (unit, i) => {
        let why = this.judged.get(unit.text);
        if (why === undefined) {
          why = judgeText(unit.text, rules) ?? null;
          if (why === null && this.judging.language) {
            unknown.add(unit.text);
            return;
          }
          this.judged.set(unit.text, why);
        }
        whys[i] = why;
      },
      64,
    );
    if (unknown.size > 0) {
      const texts = [...unknown];
      const found = await this.tables.languages(texts).catch(() => texts.map(() => undefined));
      const decided = new Map<string, NotScored | null>();
      texts.forEach((text, k) => {
        const language = found[k];
        const why = language && !rules.languages.has(language.code.toLowerCase()) ? notScored("language", language.name) : null;
        decided.set(text, why);
        this.judged.set(text, why);
      });
      units.forEach((unit, i) => {
        if (whys[i] === undefined) whys[i] = decided.get(unit.text) ?? null;
      });
    }
    const kept: Unit[] = [];
    const skipped: NotScoredUnits = { units: [], reasons: [] };
    await forSliced(
      units,
      pause,
      (unit, i) => {
        const why = whys[i];
        if (!why) kept.push(unit);
        else {
          skipped.units.push(unit);
          skipped.reasons.push(why);
        }
      },
      1024,
    );
    return { units: kept, ...(skipped.units.length > 0 && { notScored: skipped }) };
  }

  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.segmenters.delete(key);
    this.tables.forget(uri);
    this.cancel(uri);
    const results = this.results.get(key);
    if (!results) return;
    this.results.delete(key);
    // Free the closed document's cached scores, except texts another open document still shows.
    const kept = new Set(this.all().flatMap((other) => other.units.map((unit) => unit.text)));
    for (const { text } of results.units) {
      if (kept.has(text)) continue;
      this.cache.delete(text);
      this.explanations.delete(text);
    }
  }

  /** What the service holds now, for the soak's watchdog (scripts/soak.mjs). */
  counters(): Record<string, number> {
    let units = 0;
    for (const result of this.results.values()) units += result.units.length;
    const { results, controllers, segmenters, cache, explanations, inFlight } = this;
    return { results: results.size, units, controllers: controllers.size, segmenters: segmenters.size, cache: cache.size, explanations: explanations.size, inFlight, idleWaiters: this.idleWaiters.length };
  }

  /** Marks work that is scheduled but not started (a debounce), so whenIdle waits for it. */
  hold(): () => void {
    this.begin();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.end();
    };
  }

  /** Resolves when no analysis is running or scheduled. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.changed.dispose();
    this.progress.dispose();
    this.results.clear();
    this.cache.clear();
    this.idleWaiters.forEach((resolve) => resolve());
    this.idleWaiters = [];
  }

  /**
   * Units of the document (or selection), parsed off the hot path; undefined when the version went stale meanwhile.
   * A tabular document's units are the rows of its text column (those the selection touches, if there is one); it
   * throws ColumnNeededError while no column is chosen.
   */
  private async unitsOf(document: vscode.TextDocument, selection: vscode.Range | undefined, stale: () => boolean): Promise<DocumentUnits | undefined> {
    if (tableFormatOfDocument(document)) {
      const { read, info } = await this.tables.rows(document, await this.rowRules());
      if (stale()) return undefined;
      const rows = { lines: read.lines, positions: read.positions, fields: read.fields };
      const skipped = read.notScored;
      if (!selection || selection.isEmpty) return { units: read.units, table: info, ...rows, ...(skipped.units.length > 0 && { notScored: skipped }) };
      const [from, to] = [document.offsetAt(selection.start), document.offsetAt(selection.end)];
      const touched = (units: readonly Unit[]) => units.flatMap((unit, i) => (unit.start <= to && from <= unit.end ? [i] : []));
      const kept = touched(read.units);
      const keptSkipped = touched(skipped.units);
      return {
        units: kept.map((i) => read.units[i]),
        table: info,
        ...pickRows(rows, kept),
        ...(keptSkipped.length > 0 && {
          notScored: { units: keptSkipped.map((i) => skipped.units[i]), reasons: keptSkipped.map((i) => skipped.reasons[i]), ...pickRows(skipped, keptSkipped) },
        }),
      };
    }
    if (selection && !selection.isEmpty) {
      const offset = document.offsetAt(selection.start);
      const units = await new DocumentSegmenter(document.languageId, this.granularity).segmentAsync(document.getText(selection), stale);
      return units && this.judgeProse(units.map((unit) => ({ ...unit, start: unit.start + offset, end: unit.end + offset })));
    }
    const key = document.uri.toString();
    let segmenter = this.segmenters.get(key);
    if (!segmenter || segmenter.languageId !== document.languageId || segmenter.granularity !== this.granularity) {
      segmenter = new DocumentSegmenter(document.languageId, this.granularity);
      this.segmenters.set(key, segmenter);
    }
    const units = await segmenter.segmentAsync(document.getText(), stale);
    return units && this.judgeProse(units);
  }

  private store(
    document: vscode.TextDocument,
    version: number,
    { units, counts }: Scored,
    partial: boolean,
    selection: vscode.Range | undefined,
    source: Omit<DocumentUnits, "units">,
  ): DocumentResults {
    const result: DocumentResults = {
      uri: document.uri,
      version,
      // Set by classifyTexts, which every run awaits before it stores.
      model: this.scoredBy!,
      partial,
      selection: selection && !selection.isEmpty ? selection : undefined,
      units,
      counts,
      ...(source.table && { table: source.table }),
      ...(source.lines && { lines: source.lines }),
      ...(source.positions && { positions: source.positions }),
      ...(source.fields && { fields: source.fields }),
      ...(source.notScored && { notScored: source.notScored }),
    };
    this.results.set(document.uri.toString(), result);
    this.changed.fire(result);
    return result;
  }

  /** Scored units, built a few milliseconds per event-loop turn, and counted by polarity. */
  private async scoredAll(units: readonly Unit[], scores: readonly Classification[]): Promise<Scored> {
    const counts = { positive: 0, negative: 0, neutral: 0 };
    const scored = await mapSliced(
      units,
      hostPause(),
      (unit, i) => {
        const one = this.scored(unit, scores[i]);
        counts[one.polarity]++;
        return one;
      },
      256,
    );
    return { units: scored, counts };
  }

  private scored(unit: Unit, score: Classification): ScoredUnit {
    return new ScoredRow(unit, score, polarityOf(score, this.threshold, this.labels));
  }

  private begin(): void {
    if (this.inFlight++ === 0) this.progress.fire({ done: 0, total: 0 });
  }

  private end(): void {
    if (--this.inFlight > 0) return;
    this.progress.fire(undefined);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
