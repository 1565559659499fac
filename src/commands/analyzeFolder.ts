/** "Analyze Folder…": every markdown and plaintext file under a folder, with progress and cancel; results in the panel. */
import * as vscode from "vscode";
import { looksBinary } from "../core/lines";
import type { PanelFile, PanelModel } from "../panel/model";
import type { AnalysisService } from "../editor/analysisService";
import { panelFile, type ReviewState } from "../editor/reviewState";
import { messageOf } from "../engine/errors";
import { COMMANDS } from "./ids";

const PATTERN = "**/*.{md,markdown,txt}";
const EXCLUDE = "**/{node_modules,.git}/**";

export async function analyzeFolder(analysis: AnalysisService, review: ReviewState, folder?: vscode.Uri): Promise<PanelModel | undefined> {
  const chosen =
    folder ??
    (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: "Analyze Folder" }))?.[0];
  if (!chosen) return undefined;
  const files = (await vscode.workspace.findFiles(new vscode.RelativePattern(chosen, PATTERN), EXCLUDE)).sort((a, b) =>
    a.path.localeCompare(b.path),
  );
  if (files.length === 0) {
    void vscode.window.showInformationMessage(`Inline Sentiment: no markdown or plaintext files under ${vscode.workspace.asRelativePath(chosen)}.`);
    return undefined;
  }
  const skipped: string[] = [];
  const results: PanelFile[] = [];
  let cancelled = false;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Analysing sentiment", cancellable: true },
    async (progress, token) => {
      for (const [i, uri] of files.entries()) {
        if (token.isCancellationRequested) {
          cancelled = true;
          break;
        }
        progress.report({ message: `${i + 1}/${files.length} ${vscode.workspace.asRelativePath(uri)}`, increment: 100 / files.length });
        try {
          const text = await readText(uri);
          const languageId = /\.(md|markdown)$/i.test(uri.path) ? "markdown" : "plaintext";
          results.push(panelFile(uri, text, await analysis.scoreText(text, languageId)));
        } catch (error) {
          skipped.push(`${vscode.workspace.asRelativePath(uri)}: ${messageOf(error)}`);
        }
      }
    },
  );
  const model: PanelModel = {
    kind: "folder",
    title: `${vscode.workspace.asRelativePath(chosen)} (${results.length} files${cancelled ? ", cancelled" : ""})`,
    model: analysis.modelName,
    files: results,
    labelMap: { ...analysis.labelMap },
  };
  review.showFolder(model);
  if (skipped.length) void vscode.window.showWarningMessage(`Inline Sentiment: skipped ${skipped.length} file(s): ${skipped.join("; ")}`);
  await vscode.commands.executeCommand(COMMANDS.showPanel);
  return model;
}

/** An open document's current text, else the file's; binary files are refused with a reason. */
async function readText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (looksBinary(bytes)) throw new Error("looks like a binary file (NUL bytes)");
  return new TextDecoder("utf-8").decode(bytes);
}
