/**
 * Why a unit is not given a sentiment. A report accounts for every row: scored, or not scored with one of these
 * reasons. Pure: no `vscode`, no `node:`.
 */

/**
 * - `empty`: nothing in the cell (or the row has no cell in the text column).
 * - `missing`: a missing-value marker (`NA`, `N/A`, `NaN`, `null`, `None`, `-`, `.`, `#N/A`, ...).
 * - `non-answer`: a short non-answer ("no", "none", "nothing", "no comment", "n/a", "nothing to add", ...).
 * - `language`: written in a language the model does not read (`detail`: the language found, e.g. "French").
 * - `no-words`: nothing the model can read (emoji only, symbols, numbers).
 */
export type NotScoredReason = "empty" | "missing" | "non-answer" | "language" | "no-words";

/** Why one unit was not scored. */
export interface NotScored {
  reason: NotScoredReason;
  /** The marker or non-answer matched, or the language found (its English name), when there is one. */
  detail?: string;
}
