/** "Next Negative Paragraph" / "Previous Negative Paragraph": moves to the next negative unit, wrapping around. */
import * as vscode from "vscode";
import type { AnalysisService } from "../editor/analysisService";
import { unitRanges } from "../editor/documents";

/**
 * Selects and reveals the first negative unit after the cursor (`direction` 1) or the last one before it (-1),
 * wrapping around the document's end. Says so when the document has no results for its current version or no negative
 * unit.
 */
export function gotoNegative(analysis: AnalysisService, direction: 1 | -1): void {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const document = editor.document;
  const results = analysis.get(document.uri);
  if (!results || results.version !== document.version) {
    void vscode.window.showInformationMessage("Inline Sentiment: this document has not been analysed since its last change. Run Analyze Sentiment.");
    return;
  }
  const negatives: number[] = [];
  results.units.forEach((unit, i) => {
    if (unit.polarity === "negative") negatives.push(i);
  });
  if (negatives.length === 0) {
    void vscode.window.showInformationMessage("Inline Sentiment: no negative paragraph in this document.");
    return;
  }
  const rangeOf = unitRanges(document, results);
  const cursor = editor.selection.start;
  // Units are in document order. Next: the first starting after the cursor; previous: the last starting before it.
  const ranges = negatives.map((i) => rangeOf(i));
  if (direction === -1) ranges.reverse();
  const target = ranges.find((range) => (direction === 1 ? range.start.isAfter(cursor) : range.start.isBefore(cursor))) ?? ranges[0];
  editor.selection = new vscode.Selection(target.start, target.end);
  editor.revealRange(target, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
