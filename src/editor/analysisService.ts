/**
 * Analyses documents in the engine and keeps the latest results per document. Results for a document version that
 * has since changed are dropped, never stored. Emits an event per stored result, and tracks when it is idle.
 */
import * as vscode from "vscode";
import { polarityOf } from "../core/polarity";
import { segment } from "../core/segment";
import type { ScoredUnit } from "../core/types";
import type { EngineClient } from "../engine/client";

export interface DocumentResults {
  uri: vscode.Uri;
  version: number;
  units: ScoredUnit[];
  /** Which model scored these units, as shown to the user. */
  model: string;
}

export class AnalysisService implements vscode.Disposable {
  private readonly results = new Map<string, DocumentResults>();
  private readonly changed = new vscode.EventEmitter<DocumentResults>();
  private readonly busy = new vscode.EventEmitter<boolean>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  /** Fires when a document's results are stored (or re-labelled after a threshold change). */
  readonly onDidChangeResults = this.changed.event;
  /** Fires true when an analysis starts and false when the service is idle again. */
  readonly onDidChangeBusy = this.busy.event;

  constructor(
    private readonly engine: EngineClient,
    private threshold: number,
    /** How the current model is named in hovers and the status bar. */
    public modelName: string,
  ) {}

  get(uri: vscode.Uri): DocumentResults | undefined {
    return this.results.get(uri.toString());
  }

  /**
   * Scores every unit of the document's current version. If the document changes while the engine works, the
   * stale results are dropped and the new version is analysed instead.
   */
  async analyze(document: vscode.TextDocument): Promise<DocumentResults | undefined> {
    this.begin();
    try {
      for (;;) {
        const version = document.version;
        const units = segment(document.getText(), document.languageId);
        const scores = await this.engine.classify(units.map((unit) => unit.text));
        if (document.isClosed) return undefined;
        if (document.version !== version) continue;
        const result: DocumentResults = {
          uri: document.uri,
          version,
          model: this.modelName,
          units: units.map((unit, i) => ({ ...unit, ...scores[i], polarity: polarityOf(scores[i], this.threshold) })),
        };
        this.results.set(document.uri.toString(), result);
        this.changed.fire(result);
        return result;
      }
    } finally {
      this.end();
    }
  }

  /** Re-labels stored results for a new neutral threshold; the model is not asked again. */
  setThreshold(threshold: number): void {
    this.threshold = threshold;
    for (const result of this.results.values()) {
      for (const unit of result.units) unit.polarity = polarityOf(unit, threshold);
      this.changed.fire(result);
    }
  }

  forget(uri: vscode.Uri): void {
    this.results.delete(uri.toString());
  }

  /** Resolves when no analysis is running. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.changed.dispose();
    this.busy.dispose();
    this.results.clear();
    this.idleWaiters.forEach((resolve) => resolve());
    this.idleWaiters = [];
  }

  private begin(): void {
    if (this.inFlight++ === 0) this.busy.fire(true);
  }

  private end(): void {
    if (--this.inFlight > 0) return;
    this.busy.fire(false);
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
