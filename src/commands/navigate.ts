/**
 * "Next Negative Paragraph" / "Previous Negative Paragraph": moves to the next negative unit, wrapping around; and the
 * hover's sentence links, which select a sentence.
 */
import * as vscode from "vscode";
import type { AnalysisService } from "../editor/analysisService";
import { unitRanges } from "../editor/documents";

/**
 * Selects and reveals the first negative (or mixed) unit after the cursor (`direction` 1) or the last one before it (-1),
 * wrapping around the document's end. Says so when the document has no results for its current version or no negative
 * unit.
 */
export function gotoNegative(analysis: AnalysisService, direction: 1 | -1, isMixed: (text: string) => boolean = () => false): void {
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
    if (unit.polarity === "negative" || isMixed(unit.text)) negatives.push(i);
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

/**
 * Selects `start`..`end` (offsets) in the visible editor of `uri` and gives it focus: a sentence link of the hover.
 * The arguments come from a command link: checked like any input (a uri of a visible editor, integer offsets inside it).
 */
export async function selectRange(uri: unknown, start: unknown, end: unknown): Promise<void> {
  if (typeof uri !== "string" || !Number.isInteger(start) || !Number.isInteger(end)) return;
  const shown = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === uri);
  if (!shown) return;
  const { document } = shown;
  const length = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
  const [from, to] = [start as number, end as number];
  if (from < 0 || to < from || to > length) return;
  const selection = new vscode.Selection(document.positionAt(from), document.positionAt(to));
  const editor = await vscode.window.showTextDocument(document, { viewColumn: shown.viewColumn, selection, preserveFocus: false });
  editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
