/**
 * Which summary the panel and reports show: the active document's results, or the last "Analyze Folder…" run until the
 * user analyses a single document again; and how a document's results become a SummaryModel. Implements the panel's
 * SummarySource. On the panel's floor: it reads the editor's results (editor/), and the editor never reads it.
 */
import * as vscode from "vscode";
import { lineSpan, lineStarts } from "../core/lines";
import { tableFormatOf } from "../core/tables";
import type { ScoredUnit } from "../core/types";
import { feedOf, summaryUnitOf, type SummaryFeed, type SummaryFile, type SummaryModel, type SummaryNotScored, type SummaryUnit } from "../core/summary/summaryModel";
import type { RowFields } from "../engine/tables/rows";
import type { SummarySource } from "./summaryPanel";
import type { AnalysisService, NotScoredUnits } from "../editor/analysisService";
import { openDocument } from "../editor/documents";
import type { TableInfo } from "../editor/tableSources";
import { modelDisplayName } from "../models/located";

export class SummaryState implements SummarySource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private folderRun: SummaryModel | undefined;
  /** The last markdown/plaintext document with results: the panel keeps showing it while the panel has focus. */
  private lastDocument: vscode.Uri | undefined;
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly analysis: AnalysisService,
    /** True when the paragraph of this text was found mixed (its sentences were scored: hover, marks). */
    private readonly isMixed: (text: string) => boolean = () => false,
  ) {}

  /** Shows a folder run until a single document is analysed again. */
  showFolder(model: SummaryModel): void {
    this.folderRun = model;
    this.changed.fire();
  }

  /** Back to document mode (after "Analyze Sentiment"). */
  showDocuments(): void {
    this.folderRun = undefined;
    this.changed.fire();
  }

  /** Called on result changes and editor switches. */
  refresh(): void {
    // With the panel focused (e.g. restored after a reload) there is no active editor: use a visible one instead.
    const editor =
      vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors.find((e) => this.analysis.get(e.document.uri));
    if (editor && this.analysis.get(editor.document.uri)) this.lastDocument = editor.document.uri;
    this.changed.fire();
  }

  /** What the panel and reports show now, built in one go (an export; the panel is fed by `load`). */
  current(): SummaryModel | undefined {
    if (this.folderRun) return this.folderRun;
    const parts = this.documentParts();
    if (!parts) return undefined;
    const notScored = Array.from({ length: parts.notScoredCount }, (_, i) => parts.skipped(i, true));
    return { ...parts.model, files: [{ ...parts.head, units: parts.units.map(parts.unit), ...(notScored.length > 0 && { notScored }) }] };
  }

  /** The same as `current()`, as a feed: its rows are made one by one as the panel writes them (15,000 rows). */
  load(): SummaryFeed | undefined {
    if (this.folderRun) return feedOf(this.folderRun);
    const parts = this.documentParts({ fieldsAsJson: true });
    if (!parts) return undefined;
    // The page lists the units not scored by line and reason: their fields stay on the host (reports have them).
    const skipped = parts.notScoredCount > 0 && { notScoredCount: parts.notScoredCount, notScoredUnit: (i: number) => parts.skipped(i, false) };
    return { ...parts.model, files: [{ ...parts.head, count: parts.units.length, unit: (i) => parts.unit(parts.units[i], i), ...skipped }] };
  }

  /**
   * The shown document's model without its rows, its scored units, and how each becomes a row (a table row's fields
   * as JSON text with `fieldsAsJson`: the panel's feed writes them as they are).
   */
  private documentParts(options: { fieldsAsJson?: boolean } = {}): (SummaryRows & { model: Omit<SummaryModel, "files">; units: readonly ScoredUnit[] }) | undefined {
    const results = this.lastDocument && this.analysis.get(this.lastDocument);
    const document = results && openDocument(results.uri);
    if (!results || !document) return undefined;
    return {
      model: {
        kind: "document",
        title: vscode.workspace.asRelativePath(document.uri),
        model: modelDisplayName(results.model),
        partial: results.partial,
        labelMap: { ...this.analysis.labelMap },
      },
      // A table's units carry their lines: its text (megabytes, for 15,000 rows) is not scanned again here.
      ...summaryRows(document.uri, results.lines ? "" : document.getText(), { ...results, mixed: this.isMixed }, options.fieldsAsJson),
      units: results.units,
    };
  }

  async reveal(uri: string, line: number): Promise<void> {
    const target = vscode.Uri.parse(uri);
    // A workbook does not open as text: it opens in whatever editor VS Code has for it (a spreadsheet viewer, if any).
    if (tableFormatOf(target.path) === "xlsx") return void (await vscode.commands.executeCommand("vscode.open", target));
    const document = await vscode.workspace.openTextDocument(target);
    const position = new vscode.Position(Math.min(line - 1, document.lineCount - 1), 0);
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
      preserveFocus: false,
    });
  }

  forget(uri: vscode.Uri): void {
    if (this.lastDocument?.toString() === uri.toString()) this.lastDocument = undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * A file's units as panel rows, with 1-based lines: from `source.lines` (two per unit) when given, else found in
 * `text`. A tabular source's columns, text column and unreadable rows come along.
 */
export function summaryFile(
  uri: vscode.Uri,
  text: string,
  units: readonly ScoredUnit[],
  source: RowSource = {},
): SummaryFile {
  const { head, unit, notScoredCount, skipped } = summaryRows(uri, text, source);
  const notScored = Array.from({ length: notScoredCount }, (_, i) => skipped(i, true));
  return { ...head, units: units.map(unit), ...(notScored.length > 0 && { notScored }) };
}

/** A file's head (name, table) and how each of its units becomes a panel row. */
interface SummaryRows {
  head: Omit<SummaryFile, "units">;
  unit: (unit: ScoredUnit, i: number) => SummaryUnit;
  /** How many units were not scored, and how each becomes a row (with its fields parsed when `withFields`). */
  notScoredCount: number;
  skipped: (i: number, withFields: boolean) => SummaryNotScored;
}

/** What a file's units come with: a table's lines and fields per unit (by index), and the table itself. */
interface RowSource {
  lines?: readonly number[];
  fields?: RowFields;
  table?: TableInfo;
  /** The units not scored, with their reasons (and a table's lines and fields). */
  notScored?: NotScoredUnits;
  /** Which units' paragraphs are known to be mixed, by text. */
  mixed?: (text: string) => boolean;
}

function summaryRows(uri: vscode.Uri, text: string, source: RowSource, fieldsAsJson = false): SummaryRows {
  const { lines, fields, table, notScored, mixed } = source;
  const starts = lines && (!notScored || notScored.lines) ? [] : lineStarts(text);
  return {
    notScoredCount: notScored?.units.length ?? 0,
    skipped: (i, withFields) => {
      const unit = notScored!.units[i];
      const { reason, detail } = notScored!.reasons[i];
      const rowFields = withFields && notScored!.fields && i < notScored!.fields.length ? notScored!.fields.get(i) : undefined;
      return {
        ...(notScored!.lines ? { startLine: notScored!.lines[i * 2], endLine: notScored!.lines[i * 2 + 1] } : lineSpan(starts, unit)),
        text: unit.text,
        reason,
        ...(detail !== undefined && { detail }),
        ...(rowFields && { fields: rowFields }),
      };
    },
    head: {
      uri: uri.toString(),
      name: vscode.workspace.asRelativePath(uri),
      ...(table && { columns: table.columns, textColumn: table.textColumn, problems: table.problems }),
    },
    // A table's fields are kept beside its units (RowFields): as JSON text for the panel's feed, else parsed.
    unit: (unit, i) => {
      const row = summaryUnitOf(
        unit,
        lines ? { startLine: lines[i * 2], endLine: lines[i * 2 + 1] } : lineSpan(starts, unit),
        fields && (fieldsAsJson ? { fieldsJson: fields.json(i) } : i < fields.length ? { fields: fields.get(i)! } : undefined),
      );
      return mixed?.(unit.text) ? { ...row, mixed: true } : row;
    },
  };
}
