/** "Analyze Sentiment": scores the active markdown or plaintext document, or only its selection when there is one. */
import * as vscode from "vscode";
import type { AnalysisService, DocumentResults } from "../editor/analysisService";
import type { ReviewState } from "../editor/reviewState";
import { messageOf } from "../engine/errors";

export const ANALYZED_LANGUAGES = new Set(["markdown", "plaintext"]);

export async function analyzeActiveDocument(analysis: AnalysisService, review: ReviewState): Promise<DocumentResults | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage("Inline Sentiment: open a markdown or plaintext document first.");
    return undefined;
  }
  const { document, selection } = editor;
  if (!ANALYZED_LANGUAGES.has(document.languageId)) {
    void vscode.window.showInformationMessage(
      `Inline Sentiment analyses markdown and plaintext; this document is ${document.languageId}.`,
    );
    return undefined;
  }
  review.showDocuments();
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "Analysing sentiment" },
      () =>
        analysis.analyze(document, {
          selection: selection.isEmpty ? undefined : selection,
          visible: editor.visibleRanges,
          retryOnChange: true,
        }),
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`Inline Sentiment: ${messageOf(error)}`);
    return undefined;
  }
}
