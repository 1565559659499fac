/**
 * The first step of the analysis pipeline: the document, as the pipeline reads it. A vscode.TextDocument fits this
 * shape, and so does a plain object, which is how the unit tests drive the pipeline (the shape follows
 * vscode-markdown-languageservice's ITextDocument). Nothing in src/editor/analysis imports `vscode`: the editor's
 * AnalysisService (../analysisService.ts) turns ranges into the offsets below.
 */

/** A document being analysed: what the pipeline reads of it. */
export interface AnalysedDocument {
  /** Its identity: the string form keys everything the pipeline keeps per document. */
  readonly uri: { toString(): string };
  /** Increases on every change: results of an older version are dropped, never stored. */
  readonly version: number;
  /** Picks the segmenter (markdown or plain text) of a prose document. */
  readonly languageId: string;
  /** True once the document is closed: a run on it ends. */
  readonly isClosed: boolean;
  getText(): string;
}

/** A stretch of a document's text by UTF-16 offsets, `end` included (as Unit's). */
export interface Span {
  start: number;
  end: number;
}
