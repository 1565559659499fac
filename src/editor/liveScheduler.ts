/**
 * Live highlighting: debounces edits per document and re-analyses the document with the editor's visible ranges first.
 * Only documents of the configured languages, under the size limit, are analysed live; a tabular document only once
 * its text column is chosen (Analyze Sentiment asks), so it is never segmented as prose.
 */
import * as vscode from "vscode";
import type { Settings } from "../config";
import { messageOf } from "../core/errors";
import { LIVE_SCHEMES } from "../core/fileKinds";
import { isMarkdownLanguage } from "../core/sourceFiles";
import { MARKDOWN_LIVE_LIMIT } from "../core/limits";
import { documentLength, documentLooksBinary } from "./documents";
import type { AnalysisService } from "./analysisService";
import type { LiveSwitches } from "./liveSwitches";
import { CHOOSE_COLUMN_NOTE, ColumnNeededError, tableFormatOfDocument, type TableSources } from "./tableSources";

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  release: () => void;
}

export class LiveScheduler implements vscode.Disposable {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly analysis: AnalysisService,
    private readonly settings: () => Settings,
    /** Told why a document is not analysed live (undefined: it is). */
    private readonly onNote: (uri: vscode.Uri, note: string | undefined) => void,
    private readonly onError: (message: string) => void,
    private readonly tables: TableSources,
    private readonly switches: LiveSwitches,
  ) {}

  /**
   * True when the document is highlighted live, by the checks that cost nothing per keystroke; tells onNote when it is
   * too large. (Whether it looks binary is checked once per run, when the debounce fires.)
   */
  isLive(document: vscode.TextDocument): boolean {
    const settings = this.settings();
    if (!settings["live.enabled"] || !settings["live.languages"].includes(document.languageId)) return false;
    if (!LIVE_SCHEMES.includes(document.uri.scheme)) return false;
    const off = this.switches.reason(document);
    if (off) {
      this.onNote(document.uri, off);
      return false;
    }
    const size = documentLength(document);
    if (size > settings["live.maxDocumentSize"]) {
      this.onNote(
        document.uri,
        `Live highlighting is off for this document: ${size.toLocaleString("en")} characters, over the ` +
          `inlineSentiment.live.maxDocumentSize of ${settings["live.maxDocumentSize"].toLocaleString("en")}. Run Analyze Sentiment to score it.`,
      );
      return false;
    }
    if (size > MARKDOWN_LIVE_LIMIT && isMarkdownLanguage(document.languageId)) {
      this.onNote(
        document.uri,
        `Live highlighting is off for this document: ${size.toLocaleString("en")} characters of markdown, over the ` +
          `${MARKDOWN_LIVE_LIMIT.toLocaleString("en")} that are parsed live. Run Analyze Sentiment to score it.`,
      );
      return false;
    }
    return true;
  }

  /** Analyses the document after the debounce delay (0: on the next tick), replacing any analysis scheduled before. */
  schedule(document: vscode.TextDocument, delay = this.settings()["live.debounceMs"]): void {
    if (!this.isLive(document)) return;
    const key = document.uri.toString();
    this.cancel(document.uri);
    const release = this.analysis.hold();
    const timer = setTimeout(() => {
      this.pending.delete(key);
      if (documentLooksBinary(document)) {
        this.onNote(document.uri, "Live highlighting is off for this document: it holds NUL bytes, so it looks binary.");
        return release();
      }
      if (tableFormatOfDocument(document) && !this.tables.column(document.uri)) {
        this.onNote(document.uri, `Live highlighting waits for a text column. ${CHOOSE_COLUMN_NOTE}`);
        return release();
      }
      this.onNote(document.uri, undefined);
      const visible = vscode.window.visibleTextEditors
        .filter((editor) => editor.document === document)
        .flatMap((editor) => editor.visibleRanges);
      this.analysis
        .analyze(document, { visible })
        .catch((error: unknown) => (error instanceof ColumnNeededError ? this.onNote(document.uri, error.message) : this.onError(messageOf(error))))
        .finally(release);
    }, delay);
    this.pending.set(key, { timer, release });
  }

  /** Documents whose debounce is running. */
  get waiting(): number {
    return this.pending.size;
  }

  cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const pending = this.pending.get(key);
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.release();
    this.pending.delete(key);
  }

  dispose(): void {
    for (const { timer, release } of this.pending.values()) {
      clearTimeout(timer);
      release();
    }
    this.pending.clear();
  }
}
