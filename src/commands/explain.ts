/** "Why?" from the hover: the words that move a unit's score most, then the hover again with them. */
import * as vscode from "vscode";
import type { AnalysisService } from "../editor/analysisService";
import type { Explanation } from "../engine/protocol";
import { messageOf } from "../engine/errors";

export async function explainUnit(analysis: AnalysisService, uri: unknown, offset: unknown): Promise<Explanation | undefined> {
  // Arguments come from a command link: check them like any input.
  if (typeof uri !== "string" || typeof offset !== "number" || !Number.isInteger(offset)) return undefined;
  const results = analysis.get(vscode.Uri.parse(uri));
  const unit = results?.units.find((u) => u.start <= offset && offset <= u.end);
  if (!results || !unit) return undefined;
  try {
    const explanation = await analysis.explain(unit.text);
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.uri.toString() === uri && editor.document.version === results.version) {
      const position = editor.document.positionAt(unit.start);
      editor.selection = new vscode.Selection(position, position);
      await vscode.commands.executeCommand("editor.action.showHover");
    }
    return explanation;
  } catch (error) {
    void vscode.window.showErrorMessage(`Inline Sentiment: ${messageOf(error)}`);
    return undefined;
  }
}
