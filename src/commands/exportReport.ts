/**
 * "Export Sentiment Report": what the summary shows (document or folder run) as CSV, JSON or Markdown, with the groups
 * and themes the panel shows (its group-by column and themes choice, when the panel is open).
 */
import * as vscode from "vscode";
import { formatOfPath, renderReport as renderCoreReport, type ReportFormat } from "../core/report";
import type { PanelModel } from "../core/review";
import type { ReviewState } from "../editor/reviewState";
import { exportOptionsOf, type ReportOptions } from "../panel/feedbackView";
import { SummaryPanel } from "../panel/summaryPanel";

/**
 * renderReport as it is called: with the report options (`{ groupBy, themes }`) that core/report.ts takes once the
 * report helper's change lands. Until then its two-argument version stands in (and ignores them); when it lands, this
 * alias goes and renderReport is imported directly.
 */
const renderReport: (model: PanelModel, format: ReportFormat, options: ReportOptions) => string = renderCoreReport;

/** Writes the report to `target`, or to a file chosen in a save dialog. Returns where it was written. */
export async function exportReport(review: ReviewState, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const model = review.current();
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
  const { groupBy, themes } = exportOptionsOf(model, SummaryPanel.current?.view);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(renderReport(model, format, { groupBy, themes }), "utf8"));
  void vscode.window.showInformationMessage(`Inline Sentiment: report written to ${vscode.workspace.asRelativePath(uri)}.`);
  return uri;
}
