/**
 * A paragraph's sentences with their own scores, for the hover: computed when a hover asks, never while typing, and
 * cached with every other text the model scored. Pure of the editor's state otherwise.
 */
import * as vscode from "vscode";
import { MAX_MIXED_LENGTH } from "../core/mixed";
import { segment } from "../core/segment";
import type { ScoredUnit, Unit } from "../core/types";
import type { Priority } from "../engine/engineClient";
import type { AnalysisService } from "./analysisService";

/** Longer units are not split on hover: their sentences would be parsed on the host's main thread. */
const MAX_UNIT_LENGTH = MAX_MIXED_LENGTH;
/** Sentences listed at most, the most negative first. */
export const MAX_SENTENCES = 8;

/**
 * The sentences of `unit` (two or more), each scored, with offsets in `document`; undefined when the unit is one
 * sentence or too long to split here. A table's row is read as plaintext.
 */
export async function scoredSentences(
  analysis: AnalysisService,
  document: vscode.TextDocument,
  unit: Pick<Unit, "start" | "end" | "kind">,
  priority: Priority = "high",
): Promise<ScoredUnit[] | undefined> {
  if (unit.end - unit.start > MAX_UNIT_LENGTH) return undefined;
  const source = document.getText(new vscode.Range(document.positionAt(unit.start), document.positionAt(unit.end)));
  const languageId = unit.kind === "row" || document.languageId !== "markdown" ? "plaintext" : "markdown";
  const sentences = segment(source, languageId, "sentence").map((piece) => ({ ...piece, start: piece.start + unit.start, end: piece.end + unit.start }));
  if (sentences.length < 2) return undefined;
  return analysis.scoreOnDemand(sentences, priority);
}
