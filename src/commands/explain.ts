/** "Why?" from the hover: the words that move a unit's score most, then the hover again with them. */
import * as vscode from "vscode";
import type { AnalysisService } from "../editor/analysisService";
import type { Explanation } from "../engine/engineProtocol";
import { messageOf } from "../core/errors";

export async function explainUnit(
  analysis: AnalysisService,
  uri: unknown,
  offset: unknown,
  log?: vscode.LogOutputChannel,
): Promise<Explanation | undefined> {
  // Arguments come from a command link: check them like any input.
  if (typeof uri !== "string" || typeof offset !== "number" || !Number.isInteger(offset)) return undefined;
  const results = analysis.get(vscode.Uri.parse(uri));
  const unit = results?.units.find((u) => u.start <= offset && offset <= u.end);
  if (!results || !unit) {
    log?.info(`Why?: no scored paragraph at offset ${offset} of ${uri} any more`);
    return undefined;
  }
  const started = Date.now();
  try {
    const explanation = await analysis.explain(unit.text);
    const made = `Why? (offset ${offset}): ${explanation.words.length} words for ${explanation.label} in ${Date.now() - started} ms`;
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
    if (!shown || shown.document.version !== results.version) {
      log?.info(`${made}; not shown: the document is ${shown ? "edited since" : "no longer in an editor"}, its next hover lists them`);
      return explanation;
    }
    // The link was clicked inside the hover: give the editor focus back, then show the hover at the unit again.
    const position = shown.document.positionAt(unit.start);
    const editor = await vscode.window.showTextDocument(shown.document, {
      viewColumn: shown.viewColumn,
      selection: new vscode.Selection(position, position),
      preserveFocus: false,
    });
    if (editor === vscode.window.activeTextEditor) {
      // The hover whose link was clicked can still be open (a loaded machine had not closed it yet): showHover would
      // then only focus it, without the words. Closed first, the hover is computed again, with them.
      await vscode.commands.executeCommand("editor.action.hideHover").then(undefined, () => undefined);
      await vscode.commands.executeCommand("editor.action.showHover");
      log?.info(`${made}; the hover is shown again at line ${position.line + 1}`);
    } else {
      log?.info(`${made}; another editor is active, the line's next hover lists them`);
    }
    return explanation;
  } catch (error) {
    log?.error(`Why? (offset ${offset}) failed after ${Date.now() - started} ms: ${messageOf(error)}`);
    void vscode.window.showErrorMessage(`Inline Sentiment: ${messageOf(error)}`);
    return undefined;
  }
}
