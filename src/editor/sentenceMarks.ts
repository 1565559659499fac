/**
 * Points at the words: in a negative or mixed paragraph of prose on screen, the sentence that makes it negative (its
 * most negative sentence, when that sentence itself reads negative) is underlined; scoring a negative paragraph's
 * sentences also tells whether it is mixed (MixedParagraphs). Sentences are scored only for negative
 * paragraphs in view, at low priority, and cached: typing in a paragraph that is not negative scores nothing more.
 */
import * as vscode from "vscode";
import { signedSentiment } from "../core/polarity";
import type { ScoredUnit } from "../core/types";
import type { AnalysisService, DocumentResults } from "./analysisService";
import { DecorationSets } from "./decorationSets";
import type { MixedParagraphs } from "./mixedParagraphs";
import { scoredSentences } from "./sentences";

/** Negative paragraphs looked at per editor and pass: those in view, a screenful or two. */
const MAX_MARKED = 30;
/** After scrolling stops, the paragraphs now in view are looked at. */
const SCROLL_DELAY_MS = 250;

export class SentenceMarks implements vscode.Disposable {
  // A bottom border rather than textDecoration (CSS text, which cannot name a theme colour): themes can recolour it.
  private readonly type = vscode.window.createTextEditorDecorationType({
    borderWidth: "0 0 2px 0",
    borderStyle: "dotted",
    borderColor: new vscode.ThemeColor("inlineSentiment.negativeSentenceUnderline"),
  });
  /**
   * Per editor, the pass under way; a newer pass makes an older one drop its answer. Weak, as `marked`: an editor
   * closed is never cleared here, and a Map kept it and its document (the whole text) for the rest of the session.
   */
  private passes = new WeakMap<vscode.TextEditor, number>();
  /** What each editor underlines (the extension's tests read it). */
  private marked = new WeakMap<vscode.TextEditor, vscode.Range[]>();
  private pass = 0;
  private readonly timers = new Map<vscode.TextEditor, ReturnType<typeof setTimeout>>();
  /** What each editor was handed last: the same underlines are not set again (an open hover would be computed anew). */
  private readonly sets = new DecorationSets();

  constructor(
    private readonly analysis: AnalysisService,
    /** Learns from each paragraph's scored sentences whether it is mixed. */
    private readonly mixed?: MixedParagraphs,
  ) {}

  /** Underlines the negative paragraphs' worst sentences in the visible editors of the results' document. */
  show(results: DocumentResults): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === results.uri.toString() && editor.document.version === results.version) void this.mark(editor, results);
    }
  }

  /** The editor scrolled: once it rests, the negative paragraphs now in view are marked. */
  scrolled(editor: vscode.TextEditor): void {
    clearTimeout(this.timers.get(editor));
    this.timers.set(
      editor,
      setTimeout(() => {
        this.timers.delete(editor);
        const results = this.analysis.get(editor.document.uri);
        if (results && !results.partial && results.version === editor.document.version) void this.mark(editor, results);
      }, SCROLL_DELAY_MS),
    );
  }

  /** Removes the marks of `uri`'s editors. */
  clear(uri: vscode.Uri): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri.toString()) continue;
      this.passes.set(editor, ++this.pass);
      this.sets.set(editor, this.type, []);
      this.marked.delete(editor);
    }
  }

  /** The ranges underlined in the visible editor of `uri`. */
  markedRanges(uri: vscode.Uri): vscode.Range[] {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    return (editor && this.marked.get(editor)) ?? [];
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.type.dispose();
    this.marked = new WeakMap();
    this.passes = new WeakMap();
  }

  private async mark(editor: vscode.TextEditor, results: DocumentResults): Promise<void> {
    const pass = ++this.pass;
    this.passes.set(editor, pass);
    if (results.table) {
      this.sets.set(editor, this.type, []);
      return;
    }
    const { document } = editor;
    const visible = editor.visibleRanges.map((range) => [document.offsetAt(range.start), document.offsetAt(range.end)]);
    // Negative paragraphs in view, and those already found mixed (by a hover): their sentences are scored (cached).
    const negatives = results.units
      .filter((unit) => (unit.polarity === "negative" || this.mixed?.isMixed(unit.text)) && visible.some(([from, to]) => unit.start <= to && unit.end >= from))
      .slice(0, MAX_MARKED);
    const release = this.analysis.hold();
    try {
      const ranges: vscode.Range[] = [];
      for (const unit of negatives) {
        const sentences = await scoredSentences(this.analysis, document, unit, "low").catch(() => undefined);
        if (this.passes.get(editor) !== pass || document.version !== results.version) return;
        this.mixed?.learn(unit.text, sentences, this.analysis.labelMap);
        const worst = sentences && mostNegative(sentences, this.analysis.labelMap);
        if (worst) ranges.push(new vscode.Range(document.positionAt(worst.start), document.positionAt(worst.end)));
      }
      this.sets.set(editor, this.type, ranges);
      this.marked.set(editor, ranges);
    } finally {
      release();
    }
  }
}

/** The sentence that makes a paragraph negative: its most negative one, if that one reads negative itself. */
function mostNegative(sentences: readonly ScoredUnit[], labelMap: Parameters<typeof signedSentiment>[1]): ScoredUnit | undefined {
  let worst: ScoredUnit | undefined;
  for (const sentence of sentences) if (!worst || signedSentiment(sentence, labelMap) < signedSentiment(worst, labelMap)) worst = sentence;
  return worst?.polarity === "negative" ? worst : undefined;
}
