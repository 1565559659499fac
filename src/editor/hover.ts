/** Hovers over scored units: label, confidence, every label's probability and the model that scored it. */
import * as vscode from "vscode";
import type { ScoredUnit } from "../core/types";
import type { AnalysisService } from "./analysisService";

export class SentimentHoverProvider implements vscode.HoverProvider {
  constructor(private readonly analysis: AnalysisService) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const results = this.analysis.get(document.uri);
    if (!results || results.version !== document.version) return undefined;
    const offset = document.offsetAt(position);
    const unit = results.units.find((u) => u.start <= offset && offset <= u.end);
    if (!unit) return undefined;
    const range = new vscode.Range(document.positionAt(unit.start), document.positionAt(unit.end));
    return new vscode.Hover(hoverMarkdown(unit, results.model), range);
  }
}

/** Hover text. Untrusted markdown built only from numbers and label names; the paragraph's own text is never echoed. */
export function hoverMarkdown(unit: ScoredUnit, model: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  md.supportHtml = false;
  const title = unit.polarity[0].toUpperCase() + unit.polarity.slice(1);
  md.appendMarkdown(`**${title}** · ${percent(unit.score)} confidence`);
  if (unit.polarity === "neutral") md.appendText(` (top label ${unit.label}, below the neutral threshold)`);
  md.appendMarkdown("\n\n");
  for (const [label, p] of Object.entries(unit.probabilities).sort((a, b) => b[1] - a[1])) {
    md.appendMarkdown(`\`${bar(p)}\` `);
    md.appendText(`${label} ${percent(p)}`);
    md.appendMarkdown("  \n");
  }
  md.appendMarkdown("\n");
  const windows = unit.windows > 1 ? `, ${unit.windows} windows` : "";
  md.appendText(`Model: ${model} · ${unit.tokens} tokens${windows}`);
  return md;
}

function percent(p: number): string {
  return `${(p * 100).toFixed(1)} %`;
}

/** A ten-cell bar for a probability. */
function bar(p: number): string {
  const filled = Math.round(p * 10);
  return "█".repeat(filled) + "░".repeat(10 - filled);
}
