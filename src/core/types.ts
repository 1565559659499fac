/** Shared result types. Pure TypeScript: no `vscode` import, so core/ and engine/ run under plain mocha and in the CLI. */

/** A span of a document that is scored as one item: a paragraph, a list item, a block quote. */
export interface Unit {
  /** UTF-16 offset of the first character in the document. */
  start: number;
  /** UTF-16 offset just past the last character (exclusive). */
  end: number;
  /** What the model reads: the unit's prose, with markdown syntax removed. */
  text: string;
  kind: UnitKind;
  /** A row of a tabular source (CSV, TSV, JSON Lines, JSON array): its other columns, shown beside the score. */
  fields?: Record<string, string>;
}

/** "row": the text cell of one row of a tabular source. */
export type UnitKind = "paragraph" | "listItem" | "blockquote" | "row";

/** What the model says of one text. */
export interface Classification {
  /** The most probable label, as the model's config.json names it (e.g. "POSITIVE"). */
  label: string;
  /** Probability of `label`. */
  score: number;
  /** Probability of every label, keyed by label name. */
  probabilities: Record<string, number>;
  /** Number of model windows the text needed (1 unless it exceeds the model's input length). */
  windows: number;
  /** Number of word-piece tokens, special tokens excluded. */
  tokens: number;
}

/** How a label reads to a person. */
export type Polarity = "positive" | "negative" | "neutral";

/** A scored unit. */
export interface ScoredUnit extends Unit, Classification {
  /** Polarity after the neutral threshold is applied. */
  polarity: Polarity;
}

/** Where a model comes from: the bundled stand-in, the full DistilBERT SST-2 (bundled or downloaded), or the user's own. */
export type ModelKind = "full" | "mini" | "custom";
