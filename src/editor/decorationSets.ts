/**
 * An editor's decorations, set only when they change. Setting the same decorations again is not free for the reader:
 * VS Code redraws them and computes an open hover anew, which closed the hover that "Why?" had just shown (and the
 * same for a hover the reader was reading while scores streamed in). Compared by their ranges and badge texts, within
 * one version of the document: after an edit VS Code has moved the ranges, so they are always set again.
 */
import type * as vscode from "vscode";

type Decoration = vscode.Range | vscode.DecorationOptions;

export class DecorationSets {
  private readonly last = new WeakMap<vscode.TextEditor, Map<vscode.TextEditorDecorationType, string>>();

  /** Sets `decorations` of `type` in `editor` unless they are what was set last; true when set. */
  set(editor: vscode.TextEditor, type: vscode.TextEditorDecorationType, decorations: readonly Decoration[]): boolean {
    const key = `${editor.document.version}|${decorations.map(signature).join("|")}`;
    let sets = this.last.get(editor);
    if (sets?.get(type) === key) return false;
    if (!sets) this.last.set(editor, (sets = new Map()));
    sets.set(type, key);
    editor.setDecorations(type, decorations as vscode.Range[] | vscode.DecorationOptions[]);
    return true;
  }
}

function signature(decoration: Decoration): string {
  const range = "range" in decoration ? decoration.range : decoration;
  const text = "range" in decoration ? (decoration.renderOptions?.after?.contentText ?? "") : "";
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}${text}`;
}
