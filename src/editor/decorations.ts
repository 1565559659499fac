/**
 * Paints results: one decoration type per polarity and strength, whole-line backgrounds from contributed theme colours
 * (so themes can override them), overview ruler marks, and (per the `indicator` setting) a badge after each unit and/or
 * a gutter glyph, so the label does not rest on colour alone. Whole-line decorations follow word wrap.
 * Documents with many units (a 15,000-row table) are painted around the visible lines only, and again as the editor
 * scrolls: handing VS Code every unit's decoration at once held the extension host's event loop for ~100 ms.
 */
import * as vscode from "vscode";
import { notScoredLabel } from "../core/judge";
import type { Polarity, ScoredUnit, Unit } from "../core/types";
import type { Indicator, Show } from "../config";
import type { DocumentResults } from "./analysisService";
import { DecorationSets } from "./decorationSets";
import { unitRanges } from "./documents";

export type Strength = "Strong" | "Medium" | "Weak";
type Style = `${"positive" | "negative"}${Strength}` | "neutral" | "mixed";

const STYLES: readonly Style[] = [
  "positiveStrong", "positiveMedium", "positiveWeak", "negativeStrong", "negativeMedium", "negativeWeak", "neutral", "mixed",
];
const BADGE_ICON: Record<Polarity, string> = { positive: "▲", negative: "▼", neutral: "●" };
/** Up to this many units are painted all at once; above it, those within MARGIN_LINES of the visible lines. */
const FULL_PAINT = 2000;
const MARGIN_LINES = 400;

/** What an editor shows: the units, for a table where each is (see DocumentResults.positions), and those not scored. */
type Painted = Pick<DocumentResults, "units" | "positions" | "table" | "notScored">;

/** Lines [from, to] (0-based) painted in an editor showing many units. */
interface Window {
  from: number;
  to: number;
}

/** Confidence bands for the three strengths of a positive or negative unit. */
export function strengthOf(score: number): Strength {
  if (score >= 0.97) return "Strong";
  if (score >= 0.9) return "Medium";
  return "Weak";
}

function styleOf(unit: Pick<ScoredUnit, "polarity" | "score">, mixed: boolean): Style {
  if (mixed) return "mixed";
  return unit.polarity === "neutral" ? "neutral" : `${unit.polarity}${strengthOf(unit.score)}`;
}

export class DecorationController implements vscode.Disposable {
  private types = new Map<Style, vscode.TextEditorDecorationType>();
  /** The faint "not scored: French" badge after a unit that was not scored; no background, no ruler mark. */
  private notScoredType: vscode.TextEditorDecorationType | undefined;
  /** What each editor shows, so an indicator change can repaint without asking for results again. */
  private readonly painted = new Map<vscode.TextEditor, Painted>();
  /** The lines painted, for editors whose units are painted around the visible lines only. */
  private readonly windows = new Map<vscode.TextEditor, Window>();
  /** How many units of each style each editor was last given (the extension's tests read it). */
  private readonly counts = new Map<vscode.TextEditor, Partial<Record<Style, number>>>();
  /** What each editor was handed last: the same decorations are not set again. */
  private readonly sets = new DecorationSets();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private indicator: Indicator,
    private showing: Show,
    /** True when the paragraph of this text was found mixed (its sentences scored and disagreeing). */
    private readonly isMixed: (text: string) => boolean = () => false,
  ) {
    this.createTypes();
  }

  /** Paints again what every editor shows (which paragraphs are mixed changed); nothing is asked for. */
  repaint(): void {
    this.prune();
    for (const [editor, painted] of this.painted) this.paint(editor, painted);
  }

  /** Replaces the decorations of every visible editor showing the results' document version. */
  show(results: DocumentResults): void {
    this.prune();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() === results.uri.toString() && editor.document.version === results.version) {
        this.paint(editor, results);
      }
    }
  }

  /** How many units of each style the visible editors of `uri` were last painted with (empty: nothing painted). */
  paintedStyles(uri: vscode.Uri): Partial<Record<Style, number>> {
    const key = uri.toString();
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
    return (editor && this.counts.get(editor)) ?? {};
  }

  /** Forgets what closed editors showed. */
  prune(): void {
    for (const editor of this.painted.keys()) {
      if (vscode.window.visibleTextEditors.includes(editor)) continue;
      this.painted.delete(editor);
      this.windows.delete(editor);
      this.counts.delete(editor);
    }
  }

  /** The editor scrolled: paints the units around the new visible lines when they leave the painted window. */
  scrolled(editor: vscode.TextEditor): void {
    const window = this.windows.get(editor);
    const painted = this.painted.get(editor);
    if (!window || !painted || editor.visibleRanges.length === 0) return;
    const first = editor.visibleRanges[0].start.line;
    const last = editor.visibleRanges[editor.visibleRanges.length - 1].end.line;
    const slack = MARGIN_LINES / 4;
    if ((window.from > 0 && first - slack < window.from) || last + slack > window.to) this.paint(editor, painted);
  }

  /** Removes what the editors showing `uri` paint (live highlighting was switched off for it). */
  clear(uri: vscode.Uri): void {
    const key = uri.toString();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== key) continue;
      for (const type of this.types.values()) this.sets.set(editor, type, []);
      if (this.notScoredType) this.sets.set(editor, this.notScoredType, []);
      this.painted.delete(editor);
      this.windows.delete(editor);
      this.counts.delete(editor);
    }
  }

  /** Which units of prose documents are painted (`inlineSentiment.show`); what is painted is painted again. */
  setShow(show: Show): void {
    if (show === this.showing) return;
    this.showing = show;
    this.prune();
    for (const [editor, painted] of this.painted) this.paint(editor, painted);
  }

  /** A new indicator style: only the decoration types change; what is painted is painted again. */
  setIndicator(indicator: Indicator): void {
    if (indicator === this.indicator) return;
    this.indicator = indicator;
    this.disposeTypes();
    this.createTypes();
    this.prune();
    for (const [editor, painted] of this.painted) this.paint(editor, painted);
  }

  dispose(): void {
    this.disposeTypes();
    this.painted.clear();
    this.windows.clear();
  }

  private createTypes(): void {
    const gutter = this.indicator === "gutter" || this.indicator === "both";
    for (const style of STYLES) {
      const polarity = style.replace(/Strong|Medium|Weak/, "") as Polarity | "mixed";
      const color = new vscode.ThemeColor(
        style === "neutral" || style === "mixed" ? `inlineSentiment.${style}Background` : `inlineSentiment.${polarity}Background${style.slice(polarity.length)}`,
      );
      this.types.set(
        style,
        vscode.window.createTextEditorDecorationType({
          isWholeLine: true,
          backgroundColor: color,
          overviewRulerColor: color,
          overviewRulerLane: vscode.OverviewRulerLane.Right,
          gutterIconPath: gutter ? vscode.Uri.joinPath(this.extensionUri, "media", `${polarity}.svg`) : undefined,
          gutterIconSize: "70%",
          after: { margin: "0 0 0 2em", color: new vscode.ThemeColor("editorCodeLens.foreground") },
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
      );
    }
    this.notScoredType = vscode.window.createTextEditorDecorationType({
      after: { margin: "0 0 0 2em", color: new vscode.ThemeColor("editorCodeLens.foreground"), fontStyle: "italic" },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
  }

  private disposeTypes(): void {
    for (const type of this.types.values()) type.dispose();
    this.types.clear();
    this.notScoredType?.dispose();
    this.notScoredType = undefined;
  }

  private paint(editor: vscode.TextEditor, painted: Painted): void {
    const { units } = painted;
    const byStyle = new Map<Style, vscode.DecorationOptions[]>(STYLES.map((style) => [style, []]));
    const document = editor.document;
    const badges = this.indicator === "badge" || this.indicator === "both";
    const rangeOf = unitRanges(document, painted);
    // Windowed when the units and the badges of those not scored are many together.
    const notScored = painted.notScored;
    const windowed = units.length + (notScored?.units.length ?? 0) > FULL_PAINT && editor.visibleRanges.length > 0;
    if (!windowed) this.windows.delete(editor);
    const [from, to] = this.shown(editor, units, windowed);
    // Feedback (a table) is reviewed whole; a writer's prose shows only what the `show` setting asks for.
    const show = painted.table ? "all" : this.showing;
    for (let i = from; i < to; i++) {
      const unit = units[i];
      const mixed = this.isMixed(unit.text);
      if (!mixed && !showsPolarity(unit.polarity, show)) continue;
      byStyle.get(styleOf(unit, mixed))!.push({
        range: rangeOf(i),
        renderOptions: badges ? { after: { contentText: mixed ? MIXED_BADGE : badge(unit) } } : undefined,
      });
    }
    const counts: Partial<Record<Style, number>> = {};
    for (const [style, options] of byStyle) {
      this.sets.set(editor, this.types.get(style)!, options);
      if (options.length > 0) counts[style] = options.length;
    }
    // Units not scored get a faint badge saying why, unless indicators are off; in a writer's prose only when every
    // polarity is shown (the calm default shows negative paragraphs only, and the hover still says why).
    const skipped: vscode.DecorationOptions[] = [];
    if (notScored && this.indicator !== "none" && show === "all") {
      const skippedRange = unitRanges(document, notScored);
      const [first, end] = this.shown(editor, notScored.units, windowed);
      for (let i = first; i < end; i++) {
        skipped.push({ range: skippedRange(i), renderOptions: { after: { contentText: `not scored: ${notScoredLabel(notScored.reasons[i])}` } } });
      }
    }
    this.sets.set(editor, this.notScoredType!, skipped);
    this.painted.set(editor, painted);
    this.counts.set(editor, counts);
  }

  /**
   * Which units to paint, as [first, end) indices: all of them, or when `windowed` (there are many), those within
   * MARGIN_LINES of the visible lines.
   */
  private shown(editor: vscode.TextEditor, units: readonly Unit[], windowed: boolean): [number, number] {
    if (!windowed) return [0, units.length];
    const document = editor.document;
    const from = Math.max(0, editor.visibleRanges[0].start.line - MARGIN_LINES);
    const to = Math.min(document.lineCount - 1, editor.visibleRanges[editor.visibleRanges.length - 1].end.line + MARGIN_LINES);
    this.windows.set(editor, { from, to });
    const start = document.offsetAt(new vscode.Position(from, 0));
    const end = document.offsetAt(document.lineAt(to).range.end);
    // Units are in document order and do not overlap: the first one ending at or after `start`, by binary search.
    let low = 0;
    let high = units.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (units[mid].end < start) low = mid + 1;
      else high = mid;
    }
    let stop = low;
    while (stop < units.length && units[stop].start <= end) stop++;
    return [low, stop];
  }
}

/** The badge of a mixed paragraph: every `show` paints it (it holds a negative sentence). */
export const MIXED_BADGE = "◐ mixed";

/** True when a unit of this polarity is painted under the `show` setting. */
function showsPolarity(polarity: Polarity, show: Show): boolean {
  return show === "all" || (show === "notPositive" ? polarity !== "positive" : polarity === "negative");
}

/** The short text after a unit, e.g. "▼ negative 93%". */
export function badge(unit: Pick<ScoredUnit, "polarity" | "score">): string {
  return `${BADGE_ICON[unit.polarity]} ${unit.polarity} ${Math.round(unit.score * 100)}%`;
}
