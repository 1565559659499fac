/**
 * Splits a document into the units that are scored. Pure TypeScript (no `vscode`), so it runs in plain mocha and the CLI.
 *
 * Plaintext: paragraphs separated by blank lines. Markdown: parsed with micromark (CommonMark + GFM + front matter);
 * paragraphs, list items and block quotes are units; code, HTML, tables, front matter and headings are not scored.
 * Granularity "line" makes every line of prose a unit (one feedback item per line), "sentence" every sentence.
 * Every unit carries exact UTF-16 offsets into the original text, so CRLF, tabs, emoji and CJK map back exactly.
 *
 * The parts: blocks.ts (plaintext paragraphs, plain markdown lines), chunker.ts (where a document can be cut),
 * markdown.ts (micromark tree to prose), granularity.ts (blocks to units), incremental.ts (reuse across edits).
 */
import type { Unit } from "./types";
import type { Granularity } from "./segment/granularity";
import { DocumentSegmenter } from "./segment/incremental";

export { DocumentSegmenter } from "./segment/incremental";
export type { Granularity } from "./segment/granularity";

/** Units of `text`, in document order. */
export function segment(text: string, languageId: string, granularity: Granularity = "paragraph"): Unit[] {
  return new DocumentSegmenter(languageId, granularity).segmentSync(text);
}
