/**
 * Table sources in the editor (CSV, TSV, JSON Lines, JSON arrays of objects): which documents are tables, which
 * column holds their text (asked once per file with a quick pick, remembered in the workspace state), and their rows
 * as units, parsed off the main thread by the table worker.
 */
import * as vscode from "vscode";
import { LruCache, REMEMBERED_FILES, rememberNewest } from "../core/cache";
import type { RuleSettings } from "../core/judge";
import type { DetectedLanguage } from "../core/language";
import { tableFormatOfLanguage } from "../core/fileKinds";
import { tableFormatOf, type TableFormat } from "../core/tables";
import type { TableSummary } from "../core/tables/units";
import type { ReadOptions, TableClient, TableRead } from "../engine/tables/tableClient";
import { documentLength } from "./documents";
import { ownValue } from "../core/own";
import type { TableInfo } from "./analysis/source";

/** Where the chosen columns are kept in the workspace state: uri -> column. */
const STATE_KEY = "inlineSentiment.textColumns";

/** What the status bar says about a table whose text column is not chosen yet. */
export const CHOOSE_COLUMN_NOTE = "Run Analyze Sentiment to choose the text column.";

/** The tabular format of a document: by its file name (whatever its language id), else by a table language id. */
export function tableFormatOfDocument(document: vscode.TextDocument): TableFormat | undefined {
  return tableFormatOf(document.uri.path) ?? tableFormatOfLanguage(document.languageId);
}

export type { TableInfo } from "./analysis/source";

/** A tabular document cannot be analysed yet: its text column is not chosen, or no longer exists. */
export class ColumnNeededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ColumnNeededError";
  }
}

/** Shown when the column pick opens (tests answer it through the real quick pick). */
export interface ColumnPick {
  uri: vscode.Uri;
  columns: string[];
  /** Each column's question text as the pick shows it beside the column (a survey export's), by index; undefined where none. */
  questions: (string | undefined)[];
  /** The preselected column. */
  active: string | undefined;
}

interface ColumnItem extends vscode.QuickPickItem {
  column: string;
}

export class TableSources implements vscode.Disposable {
  private readonly picked = new vscode.EventEmitter<ColumnPick>();
  private readonly chose = new vscode.EventEmitter<vscode.Uri>();
  /** The sheet read per workbook (by uri), when not the first: the newest REMEMBERED_FILES workbooks. */
  private readonly sheets = new LruCache<string, string>(REMEMBERED_FILES);
  /** Fires when the column quick pick is shown. */
  readonly onDidShowColumnPick = this.picked.event;
  /** Fires when a file's text column is chosen. */
  readonly onDidChooseColumn = this.chose.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly client: TableClient,
  ) {}

  /** The remembered text column of a file, if any. */
  column(uri: vscode.Uri): string | undefined {
    return this.state.get<Record<string, string>>(STATE_KEY, {})[uri.toString()];
  }

  async remember(uri: vscode.Uri, column: string): Promise<void> {
    // The newest REMEMBERED_FILES files: a file remembered longest ago asks for its column again.
    await this.state.update(STATE_KEY, rememberNewest(this.state.get<Record<string, string>>(STATE_KEY, {}), uri.toString(), column, REMEMBERED_FILES).entries);
    this.chose.fire(uri);
  }

  /**
   * The document's text column: the remembered one while it exists, else the user's choice from a quick pick (which
   * is then remembered). Undefined when the pick was dismissed or the file has no columns (the user is told why).
   */
  async ensureColumn(document: vscode.TextDocument): Promise<string | undefined> {
    const format = tableFormatOfDocument(document);
    if (!format) return undefined;
    const remembered = this.column(document.uri);
    const { summary, problems } = await this.client.read({ key: document.uri.toString(), ...this.sourceOf(document), format });
    if (remembered && summary.columns.includes(remembered)) return remembered;
    if (summary.columns.length === 0) {
      const why = problems[0]?.message ?? "the file holds no columns.";
      void vscode.window.showWarningMessage(`Inline Sentiment: ${vscode.workspace.asRelativePath(document.uri)} cannot be read as a table. ${why}`);
      return undefined;
    }
    const chosen = await this.pick(document.uri, summary, remembered);
    if (chosen) await this.remember(document.uri, chosen);
    return chosen;
  }

  /**
   * A file's text column for Analyze Feedback File: the remembered one while it exists, else the user's choice from the
   * quick pick (then remembered). The file is read in the table worker (a workbook from its bytes); `version` (its
   * modification time) lets the scoring that follows reuse that read. Undefined when the pick was dismissed or the file
   * has no columns (the user is told why).
   */
  async ensureFileColumn(uri: vscode.Uri, source: { text: string } | { bytes: Uint8Array }, format: TableFormat, version?: number): Promise<string | undefined> {
    const remembered = this.column(uri);
    const { summary, problems } = await this.client.read({ ...this.sheetOf(uri, format), source, format, version });
    if (remembered && summary.columns.includes(remembered)) return remembered;
    if (summary.columns.length === 0) {
      const why = problems[0]?.message ?? "the file holds no columns.";
      void vscode.window.showWarningMessage(`Inline Sentiment: ${vscode.workspace.asRelativePath(uri)} cannot be read as a table. ${why}`);
      return undefined;
    }
    const chosen = await this.pick(uri, summary, remembered);
    if (chosen) await this.remember(uri, chosen);
    return chosen;
  }

  /**
   * The rows of the document's remembered column as units. Throws ColumnNeededError when no column is chosen or the
   * chosen one is no longer in the file.
   */
  async rows(document: vscode.TextDocument, rules?: RuleSettings): Promise<{ read: TableRead; info: TableInfo }> {
    const format = tableFormatOfDocument(document);
    const column = this.column(document.uri);
    if (!format || !column) throw new ColumnNeededError(CHOOSE_COLUMN_NOTE);
    const read = await this.client.read({ key: document.uri.toString(), ...this.sourceOf(document), format, column, rules });
    if (read.missing || !read.column) {
      throw new ColumnNeededError(`The text column "${column}" is no longer in the file. ${CHOOSE_COLUMN_NOTE}`);
    }
    return { read, info: { columns: read.summary.columns, textColumn: read.column, problems: read.problems } };
  }

  /**
   * A file's rows by its remembered column, else the suggested one (Analyze Folder asks nothing). `version` (the file's
   * modification time) lets the worker reuse the table it read for ensureFileColumn.
   */
  async fileRows(
    uri: vscode.Uri,
    source: { text: string } | { bytes: Uint8Array },
    format: TableFormat,
    rules?: RuleSettings,
    version?: number,
  ): Promise<{ read: TableRead; info?: TableInfo }> {
    const read = await this.client.read({ ...this.sheetOf(uri, format), source, format, version, column: this.column(uri), fallback: true, rules });
    if (!read.column) return { read };
    const problems = read.missing
      ? [{ line: 1, message: `Line 1: the remembered text column "${read.missing}" is not in the file; "${read.column}" was scored instead.` }, ...read.problems]
      : read.problems;
    return { read, info: { columns: read.summary.columns, textColumn: read.column, problems } };
  }

  /**
   * A document's text, built only when the worker does not hold this version's yet and cannot read it from the saved
   * file: a 3 MB text cost the host's event loop tens of milliseconds to build and post.
   */
  private sourceOf(document: vscode.TextDocument): Pick<ReadOptions, "source" | "version" | "file"> {
    const encoding = (document as { encoding?: string }).encoding;
    const saved = document.uri.scheme === "file" && !document.isDirty && !document.isUntitled && (encoding === undefined || /^utf-?8(bom)?$/i.test(encoding));
    return {
      source: () => ({ text: document.getText() }),
      version: document.version,
      ...(saved && { file: { path: document.uri.fsPath, length: documentLength(document) } }),
    };
  }

  /** The language of each text, found in the table worker (off the host's main thread); undefined: cannot tell. */
  languages(texts: readonly string[]): Promise<(DetectedLanguage | undefined)[]> {
    return this.client.languages(texts);
  }

  /**
   * Reads `sheet` of the workbook `uri` from now on in this session (Analyze Feedback File's sheet pick); undefined:
   * its first sheet.
   */
  useSheet(uri: vscode.Uri, sheet: string | undefined): void {
    if (sheet === undefined) this.sheets.delete(uri.toString());
    else this.sheets.set(uri.toString(), sheet);
  }

  /** The worker's key of a file's table, and a workbook's sheet when one was chosen: each sheet is a table of its own. */
  private sheetOf(uri: vscode.Uri, format: TableFormat): { key: string; sheet?: string } {
    const sheet = format === "xlsx" ? this.sheets.get(uri.toString()) : undefined;
    return sheet === undefined ? { key: uri.toString() } : { key: `${uri.toString()}#sheet=${sheet}`, sheet };
  }

  /** Drops the worker's copy of a closed document's table. */
  forget(uri: vscode.Uri): void {
    this.client.forget(uri.toString());
  }

  dispose(): void {
    this.picked.dispose();
    this.chose.dispose();
  }

  private pick(uri: vscode.Uri, summary: TableSummary, missing: string | undefined): Promise<string | undefined> {
    const quickPick = vscode.window.createQuickPick<ColumnItem>();
    // How the rows were found (survey header rows left out, the array of a JSON object) is said here, once per file.
    quickPick.title = `Which column of ${vscode.workspace.asRelativePath(uri)} holds the text to score?${summary.notices ? ` ${summary.notices.join(" ")}` : ""}`;
    quickPick.placeholder = missing
      ? `The column "${missing}" is no longer in the file: choose the text column (remembered for this file)`
      : `Choose the text column (remembered for this file); ${summary.rows.toLocaleString("en")} rows`;
    // A survey export's question text is shown beside its column id, and typing either finds the column.
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    const questions = summary.columns.map((column) => summary.questions?.get(column));
    quickPick.items = summary.columns.map((column, i) => {
      const samples = ownValue(summary.samples, column) ?? [];
      const notes = [questions[i], column === summary.suggested ? "(most distinct free text)" : undefined].filter((note) => note !== undefined);
      return {
        label: column,
        description: notes.length ? notes.join("  ") : undefined,
        detail: samples.length ? samples.join("  ·  ") : "(empty in the rows sampled)",
        column,
      };
    });
    const active = quickPick.items.find((item) => item.column === summary.suggested);
    if (active) quickPick.activeItems = [active];
    return new Promise((resolve) => {
      let chosen: string | undefined;
      quickPick.onDidAccept(() => {
        chosen = quickPick.activeItems[0]?.column;
        quickPick.hide();
      });
      quickPick.onDidHide(() => {
        quickPick.dispose();
        resolve(chosen);
      });
      quickPick.show();
      this.picked.fire({ uri, columns: summary.columns, questions, active: active?.column });
    });
  }
}
