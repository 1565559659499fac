/**
 * "Export Sentiment Report": what the summary shows (document or folder run) as CSV, JSON or Markdown, with the groups
 * and themes the panel shows (its group-by column and themes choice, when the panel is open).
 */
import * as vscode from "vscode";
import { csvTablePath, formatOfPath, renderCsvTables, renderReport } from "../core/report";
import type { SummaryState } from "../panel/summaryState";
import { exportOptionsOf } from "../panel/summaryView";
import { SummaryPanel } from "../panel/summaryPanel";

/** Writes the report to `target`, or to a file chosen in a save dialog. Returns where it was written. */
export async function exportReport(summary: SummaryState, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const model = summary.current();
  if (!model) {
    void vscode.window.showInformationMessage("Inline Sentiment: nothing to export yet. Run Analyze Sentiment or Analyze Folder… first.");
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: "Export Sentiment Report",
      defaultUri: folder && vscode.Uri.joinPath(folder, "sentiment-report.csv"),
      filters: { CSV: ["csv"], JSON: ["json"], Markdown: ["md"] },
    }));
  if (!uri) return undefined;
  const format = formatOfPath(uri.path);
  if (!format) {
    void vscode.window.showErrorMessage(`Inline Sentiment: choose a .csv, .json or .md file name (not ${uri.path}).`);
    return undefined;
  }
  // Only the open panel knows what it shows; without one the report has no groups and no themes, as the CLI's default.
  const options = exportOptionsOf(model, SummaryPanel.current?.view);
  const write = (target: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  if (format === "csv") {
    // A CSV file holds one table: the unit rows; the group table and the themes go beside it, as the CLI writes them.
    const tables = renderCsvTables(model, options);
    await write(uri, tables.units);
    if (tables.groups) await write(uri.with({ path: csvTablePath(uri.path, "groups") }), tables.groups);
    if (tables.themes) await write(uri.with({ path: csvTablePath(uri.path, "themes") }), tables.themes);
  } else {
    await write(uri, renderReport(model, format, options));
  }
  void vscode.window.showInformationMessage(`Inline Sentiment: report written to ${vscode.workspace.asRelativePath(uri)}.`);
  return uri;
}
