/**
 * The analysis pipeline (./analysis/) in the editor: vscode documents, ranges and events. The steps themselves
 * (source, units, scores, results) take plain objects and are tested without the editor (test/unit/analysis.test.ts);
 * this class turns ranges into offsets, picks nothing itself (the pipeline's sourceOf does), and fires the events the
 * views listen to.
 */
import * as vscode from "vscode";
import type { RuleSettings } from "../core/judge";
import type { LabelMap } from "../core/polarity";
import type { Granularity } from "../core/segment";
import type { Problem, TableFormat } from "../core/tables";
import type { Classification, ScoredUnit, Unit } from "../core/types";
import type { EngineClient, Priority } from "../engine/engineClient";
import type { Explanation, ModelInfo } from "../engine/engineProtocol";
import type { RowFields } from "../engine/tables/rows";
import type { Progress } from "./analysis/activity";
import { AnalysisPipeline } from "./analysis/pipeline";
import type { Results } from "./analysis/results";
import type { NotScoredUnits, TableInfo } from "./analysis/source";
import { tableFormatOfDocument, type TableSources } from "./tableSources";

export type { Progress } from "./analysis/activity";
export type { NotScoredUnits } from "./analysis/source";

/** A document's stored results, as the views read them. */
export type DocumentResults = Results<vscode.Uri, vscode.Range>;

/** The offsets of a range in a document. */
const spanOf = (document: vscode.TextDocument, range: vscode.Range) => ({ start: document.offsetAt(range.start), end: document.offsetAt(range.end) });

export class AnalysisService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DocumentResults>();
  private readonly progress = new vscode.EventEmitter<Progress | undefined>();
  private readonly pipeline: AnalysisPipeline<vscode.TextDocument, vscode.Range>;

  /** Fires when a document's results are stored (or re-labelled after a threshold change). */
  readonly onDidChangeResults = this.changed.event;
  /** Progress of the running analyses; undefined when idle. */
  readonly onDidProgress = this.progress.event;

  constructor(
    engine: EngineClient,
    threshold: number,
    granularity: Granularity,
    labels: LabelMap = {},
    /** Reads tabular documents (CSV, TSV, JSON Lines, JSON): one unit per row of the text column, never segmented. */
    private readonly tables: TableSources,
  ) {
    const isTable = (document: vscode.TextDocument) => tableFormatOfDocument(document) !== undefined;
    this.pipeline = new AnalysisPipeline(
      engine,
      { threshold, granularity, labels },
      {
        isTable,
        rows: (document, rules) => tables.rows(document, rules),
        forget: (uri) => tables.forget(uri),
        languages: (texts) => tables.languages(texts),
      },
      { onStored: (results) => this.changed.fire(results), onProgress: (progress) => this.progress.fire(progress) },
    );
  }

  get labelMap(): LabelMap {
    return this.pipeline.results.labelMap;
  }

  /** The model scores come from, loading it if need be; another model file drops the cached scores. */
  model(): Promise<ModelInfo> {
    return this.pipeline.model();
  }

  get(uri: vscode.Uri): DocumentResults | undefined {
    return this.pipeline.results.get(uri);
  }

  all(): DocumentResults[] {
    return this.pipeline.results.all();
  }

  /** Scores texts, asking the model only for those not in the cache (each distinct text once). */
  classifyTexts(texts: readonly string[], options: { priority?: Priority; signal?: AbortSignal } = {}): Promise<Classification[]> {
    return this.pipeline.scores.classifyTexts(texts, options);
  }

  /** Units scored on demand (a paragraph's sentences): cached like any text, labelled as the rest. */
  scoreOnDemand(units: readonly Unit[], priority: Priority = "high"): Promise<ScoredUnit[]> {
    return this.pipeline.scoreOnDemand(units, priority);
  }

  /**
   * Scores units of a text (not necessarily an open document) with the current settings. Counted by whenIdle; an
   * aborted signal stops it, also in the middle of the text (its queued model work is cancelled).
   */
  async scoreText(text: string, languageId: string, signal?: AbortSignal): Promise<ScoredUnit[]> {
    return (await this.scoreProse(text, languageId, signal)).units;
  }

  /** As scoreText, with the units that were not scored (their reasons) beside the scored ones. */
  scoreProse(text: string, languageId: string, signal?: AbortSignal): Promise<{ units: ScoredUnit[]; notScored?: NotScoredUnits }> {
    return this.pipeline.scoreProse(text, languageId, signal);
  }

  /**
   * Scores the rows of a tabular file (not necessarily open): its remembered text column, else the suggested one.
   * `table` is undefined when the file holds no columns (`problems` then says why). Counted by whenIdle.
   */
  scoreTable(
    uri: vscode.Uri,
    source: { text: string } | { bytes: Uint8Array },
    format: TableFormat,
    signal?: AbortSignal,
    version?: number,
  ): Promise<{ units: ScoredUnit[]; lines: number[]; fields: RowFields; table?: TableInfo; problems: Problem[]; notScored: NotScoredUnits }> {
    return this.pipeline.activity.during(async () => {
      const { read, info } = await this.tables.fileRows(uri, source, format, await this.pipeline.rowRules(), version);
      const units = await this.pipeline.scoreUnits(read.units, signal);
      return { units, lines: read.lines, fields: read.fields, table: info, problems: info?.problems ?? read.problems, notScored: read.notScored };
    });
  }

  /**
   * Scores the document's current version (or only `selection`), visible units first. If the document changes while
   * the engine works, the stale results are dropped; a command-driven run then starts over on the new version.
   */
  analyze(
    document: vscode.TextDocument,
    options: { selection?: vscode.Range; visible?: readonly vscode.Range[]; retryOnChange?: boolean } = {},
  ): Promise<DocumentResults | undefined> {
    const { selection, visible } = options;
    return this.pipeline.analyze(document, {
      retryOnChange: options.retryOnChange,
      ...(selection && !selection.isEmpty && { selection: { span: () => spanOf(document, selection), range: selection } }),
      ...(visible && { visible: () => visible.map((range) => spanOf(document, range)) }),
    });
  }

  /** Stops the document's running analysis (its queued model work is cancelled); stored results stay. */
  cancel(uri: vscode.Uri): void {
    this.pipeline.cancel(uri);
  }

  /** The words that move a unit's score most; cached by text. */
  explain(text: string): Promise<Explanation> {
    return this.pipeline.explain(text);
  }

  cachedExplanation(text: string): Explanation | undefined {
    return this.pipeline.scores.cachedExplanation(text);
  }

  /** Re-labels stored results for a new neutral threshold or label map; the model is not asked again. */
  relabel(threshold: number, labels: LabelMap): void {
    this.pipeline.results.relabel(threshold, labels);
  }

  /** A new unit size; documents are re-analysed by the caller. */
  setGranularity(granularity: Granularity): void {
    this.pipeline.setGranularity(granularity);
  }

  /** Which units are not scored (settings `feedback.missingMarkers`, `nonAnswers`, `scoreAll`); the caller re-analyses. */
  setJudging(rules: RuleSettings): void {
    this.pipeline.setJudging(rules);
  }

  forget(uri: vscode.Uri): void {
    this.pipeline.forget(uri);
  }

  /** What the service holds now, for the soak's watchdog (scripts/soak.mjs). */
  counters(): Record<string, number> {
    return this.pipeline.counters();
  }

  /** Marks work that is scheduled but not started (a debounce), so whenIdle waits for it. */
  hold(): () => void {
    return this.pipeline.activity.hold();
  }

  /** Resolves when no analysis is running or scheduled. */
  whenIdle(): Promise<void> {
    return this.pipeline.activity.whenIdle();
  }

  dispose(): void {
    this.changed.dispose();
    this.progress.dispose();
    this.pipeline.dispose();
  }
}
