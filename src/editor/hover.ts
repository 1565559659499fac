/**
 * Hovers over scored units: label, confidence, every label's probability with a bar, a table row's other fields, the
 * model that scored it, the window count of long paragraphs, and on request ("Why?") the words that move the score most.
 */
import * as vscode from "vscode";
import { notScoredLabel, notScoredWhy } from "../core/judge";
import type { NotScored } from "../core/notScored";
import { signedSentiment, type LabelMap } from "../core/polarity";
import type { ScoredUnit } from "../core/types";
import { COMMANDS } from "../core/commandIds";
import type { Explanation, ModelInfo } from "../engine/engineProtocol";
import { runtimeOf } from "../engine/runtime";
import { modelDisplayName } from "../models/located";
import type { AnalysisService, DocumentResults } from "./analysisService";
import { unitRanges } from "./documents";
import { MIXED_BADGE } from "./decorations";
import type { MixedParagraphs } from "./mixedParagraphs";
import { MAX_SENTENCES, scoredSentences } from "./sentences";

export class SentimentHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly analysis: AnalysisService,
    /** Learns from the sentences scored here whether the paragraph is mixed. */
    private readonly mixed?: MixedParagraphs,
    private readonly log?: vscode.LogOutputChannel,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token?: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const results = this.analysis.get(document.uri);
    if (!results || results.version !== document.version) return undefined;
    const offset = document.offsetAt(position);
    const index = results.units.findIndex((u) => u.start <= offset && offset <= u.end);
    if (index < 0) return this.notScoredHover(document, results, offset);
    const unit = results.units[index];
    // A table's rows keep their other columns beside the units, parsed only for the row hovered.
    const fields = results.fields?.get(index);
    const range = unitRanges(document, results)(index);
    const explanation = this.analysis.cachedExplanation(unit.text);
    // The paragraph's sentences are scored now, when asked for (cached), never while the writer types.
    const sentences = await scoredSentences(this.analysis, document, unit).catch(() => undefined);
    if (token?.isCancellationRequested || document.version !== results.version) {
      const why = token?.isCancellationRequested ? "VS Code cancelled it" : "the document changed";
      this.log?.debug(`hover at line ${position.line + 1} not given: ${why} while its sentences were scored`);
      return undefined;
    }
    const labelMap = this.analysis.labelMap;
    this.mixed?.learn(unit.text, sentences, labelMap);
    const mixed = this.mixed?.isMixed(unit.text) ?? false;
    return new vscode.Hover(hoverMarkdown(unit, results.model, { uri: document.uri, explanation, fields, sentences, labelMap, mixed }), range);
  }

  /** The hover over a unit that was not scored, if the offset is on one. */
  private notScoredHover(document: vscode.TextDocument, results: DocumentResults, offset: number): vscode.Hover | undefined {
    const skipped = results.notScored;
    if (!skipped) return undefined;
    const index = skipped.units.findIndex((u) => u.start <= offset && offset <= u.end);
    if (index < 0) return undefined;
    const range = unitRanges(document, skipped)(index);
    return new vscode.Hover(notScoredMarkdown(skipped.reasons[index], results.model, skipped.fields?.get(index)), range);
  }
}

/** Language codes as a reader names them ("English, French"), by Intl.DisplayNames; a code it cannot name as itself. */
function languageNames(codes: readonly string[]): string {
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames(["en"], { type: "language" });
  } catch {
    names = undefined;
  }
  return codes
    .map((code) => {
      try {
        return names?.of(code) ?? code;
      } catch {
        return code;
      }
    })
    .join(", ");
}

/** The hover of a unit that was not scored: why, and a table row's other columns. */
function notScoredMarkdown(why: NotScored, model: ModelInfo, fields?: Record<string, string>): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.appendMarkdown("**Not scored** · ");
  md.appendText(notScoredLabel(why));
  md.appendMarkdown("\n\n");
  // The reason names the marker or answer from the file: as text.
  md.appendText(notScoredWhy(why));
  md.appendMarkdown("\n\n");
  if (why.reason === "language") {
    md.appendText(`${modelDisplayName(model)} reads ${languageNames(model.languages ?? ["en"])}. `);
  }
  md.appendText("Left out of the counts, groups, themes and the arc; reports list it with its reason. Setting inlineSentiment.feedback.scoreAll scores it anyway.");
  md.appendMarkdown("\n\n");
  if (fields) appendFields(md, fields);
  return md;
}

/**
 * Hover text, with a table row's other columns (`fields`) and the paragraph's own sentences scored (`sentences`, two or
 * more). Trusted for three commands of ours: "Why?" (explain), a sentence's selection (selectRange, whose arguments are
 * checked against the open document) and the full model's download (which takes no arguments); everything from the
 * document (sentences, words of the explanation, fields) goes through appendText, so markdown, HTML and command links
 * in a paragraph show as text.
 */
export function hoverMarkdown(
  unit: ScoredUnit,
  model: ModelInfo,
  context: {
    uri: vscode.Uri;
    explanation?: Explanation;
    fields?: Record<string, string>;
    sentences?: readonly ScoredUnit[];
    labelMap?: LabelMap;
    /** The sentences disagree (core/mixed.ts): said first, the paragraph's own reading after. */
    mixed?: boolean;
  },
): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [COMMANDS.explain, COMMANDS.selectRange, COMMANDS.downloadModel] };
  md.supportHtml = false;
  const title = unit.polarity[0].toUpperCase() + unit.polarity.slice(1);
  if (context.mixed) {
    md.appendMarkdown(`**${MIXED_BADGE[0]} Mixed** · one sentence reads negative and another positive, both with high confidence (listed below)`);
    md.appendMarkdown("\n\n");
    md.appendText("As a whole: ");
  }
  md.appendMarkdown(`**${title}** · ${percent(unit.score)} confidence`);
  if (unit.polarity === "neutral") md.appendText(` (top label ${unit.label}, below the neutral threshold)`);
  md.appendMarkdown("\n\n");
  for (const [label, p] of Object.entries(unit.probabilities).sort((a, b) => b[1] - a[1])) {
    md.appendMarkdown(`\`${bar(p)}\` `);
    md.appendText(`${label} ${percent(p)}`);
    md.appendMarkdown("  \n");
  }
  md.appendMarkdown("\n");
  if (context.sentences) appendSentences(md, context.sentences, context.uri, context.labelMap);
  if (context.fields) appendFields(md, context.fields);
  const windows = unit.windows > 1 ? `, scored in ${unit.windows} overlapping windows` : "";
  md.appendText(`Model: ${modelDisplayName(model)} · ${unit.tokens} tokens${windows} · ${runtimeOf(model)}`);
  if (model.kind === "mini") md.appendMarkdown(` · [$(cloud-download) Download the full model (67 MB)](command:${COMMANDS.downloadModel})`);
  md.appendMarkdown("\n\n");
  if (context.explanation) {
    appendExplanation(md, context.explanation);
  } else {
    const args = encodeURIComponent(JSON.stringify([context.uri.toString(), unit.start]));
    md.appendMarkdown(`[$(lightbulb) Why?](command:${COMMANDS.explain}?${args} "Find the words that move this score most")`);
  }
  return md;
}

/** Characters shown of a sentence in the hover. */
const SENTENCE_LENGTH = 80;

/** The paragraph's sentences, most negative first, each with its label and a link that selects it in the editor. */
function appendSentences(md: vscode.MarkdownString, sentences: readonly ScoredUnit[], uri: vscode.Uri, labelMap?: LabelMap): void {
  const sorted = [...sentences].sort((a, b) => signedSentiment(a, labelMap) - signedSentiment(b, labelMap));
  md.appendText(`Sentences, most negative first (${sentences.length}):`);
  md.appendMarkdown("  \n");
  for (const sentence of sorted.slice(0, MAX_SENTENCES)) {
    const args = encodeURIComponent(JSON.stringify([uri.toString(), sentence.start, sentence.end]));
    // The label and score are ours; the sentence is the document's, so it goes in as text.
    md.appendMarkdown(`[$(selection)](command:${COMMANDS.selectRange}?${args} "Select this sentence") \`${sentence.polarity} ${Math.round(sentence.score * 100)}%\` `);
    const flat = sentence.text.replace(/\s+/g, " ");
    md.appendText(flat.length > SENTENCE_LENGTH ? `${flat.slice(0, SENTENCE_LENGTH - 1)}…` : flat);
    md.appendMarkdown("  \n");
  }
  if (sentences.length > MAX_SENTENCES) md.appendText(`(${sentences.length - MAX_SENTENCES} more)`);
  md.appendMarkdown("\n\n");
}

/** Fields shown in a row's hover, and the characters shown of each value. */
const SHOWN_FIELDS = 6;
const FIELD_LENGTH = 60;

/** A row's other non-empty fields, a few, one per line, as text (they come from the file). */
function appendFields(md: vscode.MarkdownString, fields: Record<string, string>): void {
  const filled = Object.entries(fields).filter(([, value]) => value.trim() !== "");
  if (filled.length === 0) return;
  for (const [name, value] of filled.slice(0, SHOWN_FIELDS)) {
    const flat = value.replace(/\s+/g, " ").trim();
    md.appendText(`${name}: ${flat.length > FIELD_LENGTH ? `${flat.slice(0, FIELD_LENGTH - 1)}…` : flat}`);
    md.appendMarkdown("  \n");
  }
  const more = filled.length - SHOWN_FIELDS;
  if (more > 0) md.appendText(`(${more} more field${more === 1 ? "" : "s"})`);
  md.appendMarkdown("\n\n");
}

function appendExplanation(md: vscode.MarkdownString, explanation: Explanation): void {
  md.appendText(`Why ${explanation.label}: `);
  explanation.words.forEach((word, i) => {
    if (i > 0) md.appendText(" · ");
    md.appendMarkdown("**");
    md.appendText(word.word);
    md.appendMarkdown("**");
    md.appendText(` ${word.influence >= 0 ? "+" : "−"}${Math.abs(word.influence * 100).toFixed(0)}`);
  });
  if (explanation.wordsConsidered < explanation.wordsTotal) {
    md.appendText(` (first ${explanation.wordsConsidered} of ${explanation.wordsTotal} words)`);
  }
}

function percent(p: number): string {
  return `${(p * 100).toFixed(1)} %`;
}

/** A ten-cell bar for a probability. */
function bar(p: number): string {
  const filled = Math.round(p * 10);
  return "█".repeat(filled) + "░".repeat(10 - filled);
}

