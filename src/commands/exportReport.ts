/** "Export Sentiment Report": what the summary shows (document or folder run) as CSV, JSON or Markdown. */
import * as vscode from "vscode";
import { formatOfPath, renderReport } from "../core/report";
import type { ReviewState } from "../editor/reviewState";

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
  await vscode.workspace.fs.writeFile(uri, Buffer.from(renderReport(model, format), "utf8"));
  void vscode.window.showInformationMessage(`Inline Sentiment: report written to ${vscode.workspace.asRelativePath(uri)}.`);
  return uri;
}
