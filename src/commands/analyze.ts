/** "Analyze Sentiment": scores the active markdown or plaintext document, or only its selection when there is one. */
import * as vscode from "vscode";
import type { AnalysisService, DocumentResults } from "../editor/analysisService";
import type { ReviewState } from "../editor/reviewState";
import { messageOf } from "../core/errors";
import { BINARY_REASON } from "../core/files";
import { documentLength, documentLooksBinary } from "../editor/documents";

/** Above this many characters the analysis shows a notification with a Cancel button instead of a status bar spinner. */
const LARGE_DOCUMENT = 200_000;

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
  if (documentLooksBinary(document)) {
    void vscode.window.showWarningMessage(`Inline Sentiment: this document ${BINARY_REASON}.`);
    return undefined;
  }
  review.showDocuments();
  const large = documentLength(document) > LARGE_DOCUMENT;
  try {
    return await vscode.window.withProgress(
      large
        ? { location: vscode.ProgressLocation.Notification, title: "Analysing sentiment", cancellable: true }
        : { location: vscode.ProgressLocation.Window, title: "Analysing sentiment" },
      (progress, token) => {
        const listeners = [
          token.onCancellationRequested(() => analysis.cancel(document.uri)),
          analysis.onDidProgress((p) => p?.total && progress.report({ message: `${p.done}/${p.total} paragraphs` })),
        ];
        return analysis
          .analyze(document, {
            selection: selection.isEmpty ? undefined : selection,
            visible: editor.visibleRanges,
            retryOnChange: true,
          })
          .finally(() => listeners.forEach((listener) => listener.dispose()));
      },
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`Inline Sentiment: ${messageOf(error)}`);
    return undefined;
  }
}
