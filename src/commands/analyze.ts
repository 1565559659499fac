/** "Inline Sentiment: Analyze Sentiment": scores the active markdown or plaintext document. */
import * as vscode from "vscode";
import type { AnalysisService } from "../editor/analysisService";
import { messageOf } from "../engine/errors";

export const ANALYZED_LANGUAGES = new Set(["markdown", "plaintext"]);

export async function analyzeActiveDocument(analysis: AnalysisService): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage("Inline Sentiment: open a markdown or plaintext document first.");
    return;
  }
  const { document } = editor;
  if (!ANALYZED_LANGUAGES.has(document.languageId)) {
    void vscode.window.showInformationMessage(
      `Inline Sentiment analyses markdown and plaintext; this document is ${document.languageId}.`,
    );
    return;
  }
  try {
    await analysis.analyze(document);
  } catch (error) {
    void vscode.window.showErrorMessage(`Inline Sentiment: ${messageOf(error)}`);
  }
}
