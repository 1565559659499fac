/** The status bar item: the active document's sentiment at a glance, progress while analysing; click opens its menu (summary, switches, settings). */
import * as vscode from "vscode";
import { describeNotScored } from "../core/judge";
import type { NotScored } from "../core/notScored";
import { COMMANDS } from "../core/commandIds";
import { modelDisplayName } from "../models/located";
import { runtimeOf } from "../engine/runtime";
import type { AnalysisService, Progress } from "./analysisService";

export class SentimentStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("inlineSentiment.status", vscode.StatusBarAlignment.Right, 100);
  private progress: Progress | undefined;
  /** Why live highlighting is off for a document, keyed by uri. */
  private readonly notes = new Map<string, string>();
  private readonly lines = new WeakMap<readonly NotScored[], string>();

  constructor(private readonly analysis: AnalysisService) {
    this.item.name = "Inline Sentiment";
    this.item.command = COMMANDS.statusMenu;
  }

  setProgress(progress: Progress | undefined): void {
    this.progress = progress;
    this.update();
  }

  /** A note shown for a document (e.g. live highlighting switched off for a large file), or undefined to clear it. */
  setNote(uri: vscode.Uri, note: string | undefined): void {
    if (note) this.notes.set(uri.toString(), note);
    else this.notes.delete(uri.toString());
    this.update();
  }

  /** The note shown for a document, if any. */
  noteOf(uri: vscode.Uri): string | undefined {
    return this.notes.get(uri.toString());
  }

  update(): void {
    const editor = vscode.window.activeTextEditor;
    const results = editor && this.analysis.get(editor.document.uri);
    const note = editor && this.notes.get(editor.document.uri.toString());
    if (this.progress) {
      const { done, total } = this.progress;
      this.item.text = total ? `$(sync~spin) Sentiment ${done}/${total}` : "$(sync~spin) Sentiment…";
      this.item.tooltip = "Inline Sentiment: analysing";
      this.item.show();
      return;
    }
    if (!results) {
      if (!note) return this.item.hide();
      this.item.text = "$(circle-slash) Sentiment: live off";
      this.item.tooltip = note;
      return this.item.show();
    }
    const { counts } = results;
    this.item.text = `$(pulse) Sentiment: ${counts.positive} ▲ ${counts.negative} ▼ ${counts.neutral} ●`;
    const scope = results.selection ? " in the selection" : "";
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = { enabledCommands: [COMMANDS.downloadModel, COMMANDS.showPanel] };
    tooltip.appendText(
      `${counts.positive} positive, ${counts.negative} negative, ${counts.neutral} neutral (${results.units.length} units${scope}). ` +
        `Model: ${modelDisplayName(results.model)} (${runtimeOf(results.model)}).${note ? " " + note : ""}`,
    );
    if (results.notScored) tooltip.appendText(` ${this.notScoredLine(results.notScored.reasons)}.`);
    tooltip.appendMarkdown(`\n\n[Show the summary](command:${COMMANDS.showPanel})`);
    if (results.model.kind === "mini") {
      tooltip.appendMarkdown(` · [$(cloud-download) Download the full model (67 MB)](command:${COMMANDS.downloadModel})`);
    }
    this.item.tooltip = tooltip;
    this.item.show();
  }

  /** "10,115 missing (NA), 412 in French: not scored", counted once per list of reasons (updates come often). */
  private notScoredLine(reasons: readonly NotScored[]): string {
    let line = this.lines.get(reasons);
    if (line === undefined) this.lines.set(reasons, (line = describeNotScored(reasons)));
    return line;
  }

  dispose(): void {
    this.item.dispose();
  }
}
