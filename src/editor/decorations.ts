/**
 * Paints results: one decoration type per polarity, whole-line backgrounds from contributed theme colours (so themes
 * can override them), a badge after each unit so the label does not rest on colour alone, and overview ruler marks.
 */
import * as vscode from "vscode";
import type { Polarity, ScoredUnit } from "../core/types";
import type { DocumentResults } from "./analysisService";

const POLARITIES: readonly Polarity[] = ["positive", "negative", "neutral"];
const BADGE_ICON: Record<Polarity, string> = { positive: "▲", negative: "▼", neutral: "●" };

export class DecorationController implements vscode.Disposable {
  private readonly types: Record<Polarity, vscode.TextEditorDecorationType>;

  constructor() {
    this.types = Object.fromEntries(
      POLARITIES.map((polarity) => {
        const color = new vscode.ThemeColor(`inlineSentiment.${polarity}Background`);
        const type = vscode.window.createTextEditorDecorationType({
          isWholeLine: true,
          backgroundColor: color,
          overviewRulerColor: color,
          overviewRulerLane: vscode.OverviewRulerLane.Right,
          after: { margin: "0 0 0 2em", color: new vscode.ThemeColor("editorCodeLens.foreground") },
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        });
        return [polarity, type];
      }),
    ) as Record<Polarity, vscode.TextEditorDecorationType>;
  }

  /** Replaces the decorations of every visible editor showing the results' document. */
  show(results: DocumentResults): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === results.uri.toString() && editor.document.version === results.version) {
        this.paint(editor, results.units);
      }
    }
  }

  clear(editor: vscode.TextEditor): void {
    for (const type of Object.values(this.types)) editor.setDecorations(type, []);
  }

  dispose(): void {
    for (const type of Object.values(this.types)) type.dispose();
  }

  private paint(editor: vscode.TextEditor, units: readonly ScoredUnit[]): void {
    const byPolarity: Record<Polarity, vscode.DecorationOptions[]> = { positive: [], negative: [], neutral: [] };
    const document = editor.document;
    for (const unit of units) {
      byPolarity[unit.polarity].push({
        range: new vscode.Range(document.positionAt(unit.start), document.positionAt(unit.end)),
        renderOptions: { after: { contentText: badge(unit) } },
      });
    }
    for (const polarity of POLARITIES) editor.setDecorations(this.types[polarity], byPolarity[polarity]);
  }
}

/** The short text after a unit, e.g. "▼ negative 93%". */
export function badge(unit: Pick<ScoredUnit, "polarity" | "score">): string {
  return `${BADGE_ICON[unit.polarity]} ${unit.polarity} ${Math.round(unit.score * 100)}%`;
}
