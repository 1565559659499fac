/** The status bar item: the active document's sentiment at a glance, a spinner while analysing. */
import * as vscode from "vscode";
import type { Polarity } from "../core/types";
import type { AnalysisService } from "./analysisService";
import { COMMANDS } from "../commands/ids";

export class SentimentStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("inlineSentiment.status", vscode.StatusBarAlignment.Right, 100);
  private busy = false;

  constructor(private readonly analysis: AnalysisService) {
    this.item.name = "Inline Sentiment";
    this.item.command = COMMANDS.analyze;
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.update();
  }

  /** Shows the active editor's results (or hides the item for documents that are not analysed). */
  update(): void {
    const editor = vscode.window.activeTextEditor;
    const results = editor && this.analysis.get(editor.document.uri);
    if (this.busy) {
      this.item.text = "$(sync~spin) Sentiment…";
      this.item.tooltip = "Inline Sentiment: analysing";
      this.item.show();
      return;
    }
    if (!results) {
      this.item.hide();
      return;
    }
    const counts: Record<Polarity, number> = { positive: 0, negative: 0, neutral: 0 };
    for (const unit of results.units) counts[unit.polarity]++;
    this.item.text = `$(pulse) Sentiment: ${counts.positive} ▲ ${counts.negative} ▼ ${counts.neutral} ●`;
    this.item.tooltip =
      `${counts.positive} positive, ${counts.negative} negative, ${counts.neutral} neutral ` +
      `(${results.units.length} paragraphs). Model: ${results.model}. Click to analyse again.`;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
