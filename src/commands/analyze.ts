/**
 * "Analyze Sentiment": scores the active markdown or plaintext document, or only its selection when there is one. A
 * tabular source (.csv, .tsv, .jsonl, .json, whatever its language id) is scored row by row: the first time, the user
 * chooses the text column; rows that could not be read are reported with their lines.
 */
import * as vscode from "vscode";
import type { AnalysisService, DocumentResults } from "../editor/analysisService";
import type { SummaryState } from "../panel/summaryState";
import { messageOf } from "../core/errors";
import { PROSE_LANGUAGES } from "../core/fileKinds";
import { BINARY_REASON } from "../core/sourceFiles";
import { describeProblems } from "../core/tables/units";
import { documentLength, documentLooksBinary } from "../editor/documents";
import { tableFormatOfDocument, type TableSources } from "../editor/tableSources";

/** Above this many characters the analysis shows a notification with a Cancel button instead of a status bar spinner. */
const LARGE_DOCUMENT = 200_000;

export async function analyzeActiveDocument(
  analysis: AnalysisService,
  summary: SummaryState,
  tables: TableSources,
): Promise<DocumentResults | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage("Inline Sentiment: open a markdown or plaintext document first.");
    return undefined;
  }
  const { document, selection } = editor;
  const tabular = tableFormatOfDocument(document) !== undefined;
  if (!tabular && !PROSE_LANGUAGES.includes(document.languageId)) {
    void vscode.window.showInformationMessage(
      `Inline Sentiment analyses markdown, plaintext and tables (.csv, .tsv, .jsonl, .json); this document is ${document.languageId}.`,
    );
    return undefined;
  }
  if (documentLooksBinary(document)) {
    void vscode.window.showWarningMessage(`Inline Sentiment: this document ${BINARY_REASON}.`);
    return undefined;
  }
  if (tabular) {
    try {
      const column = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: "Reading the table" }, () =>
        tables.ensureColumn(document),
      );
      if (!column) return undefined;
    } catch (error) {
      void vscode.window.showErrorMessage(`Inline Sentiment: ${messageOf(error)}`);
      return undefined;
    }
  }
  summary.showDocuments();
  const large = documentLength(document) > LARGE_DOCUMENT;
  try {
    const results = await vscode.window.withProgress(
      large
        ? { location: vscode.ProgressLocation.Notification, title: "Analysing sentiment", cancellable: true }
        : { location: vscode.ProgressLocation.Window, title: "Analysing sentiment" },
      (progress, token) => {
        const listeners = [
          token.onCancellationRequested(() => analysis.cancel(document.uri)),
          analysis.onDidProgress((p) => p?.total && progress.report({ message: `${p.done}/${p.total} ${tabular ? "rows" : "paragraphs"}` })),
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
    const problems = results?.table?.problems ?? [];
    if (problems.length) {
      void vscode.window.showWarningMessage(
        `Inline Sentiment: ${vscode.workspace.asRelativePath(document.uri)}: ${describeProblems(problems)} Every other row was read.`,
      );
    }
    return results;
  } catch (error) {
    void vscode.window.showErrorMessage(`Inline Sentiment: ${messageOf(error)}`);
    return undefined;
  }
}
