/** Blocks: what a chunk of text parses to before granularity applies. Pure. */
import type { Unit, UnitKind } from "../types";

/**
 * A run of prose text whose characters map one to one onto the source from `start`, when `exact`; otherwise
 * (escapes, entities, stripped indentation) only its ends are known.
 */
export interface Leaf {
  text: string;
  start: number;
  end: number;
  exact: boolean;
}

/** A scored block before granularity applies: its source range and its prose as leaves. */
export interface Block {
  start: number;
  end: number;
  kind: UnitKind;
  leaves: Leaf[];
}

export function toUnit(block: Block): Unit {
  return { start: block.start, end: block.end, text: proseOf(block.leaves).trim(), kind: block.kind };
}

export function proseOf(leaves: readonly Leaf[]): string {
  return leaves.map((leaf) => leaf.text).join("");
}

/** One line and its line break (empty at the end of the text). */
export const LINE = /[^\r\n]*(\r\n|\r|\n|$)/g;

/** Paragraphs separated by lines that are empty or hold only white space; each is one exact leaf. */
export function plaintextBlocks(text: string): Block[] {
  return paragraphs(text, () => undefined);
}

/**
 * A markdown chunk too heavy or too deeply nested to parse (chunker.ts: chunksOf): its paragraphs by plain-text rules,
 * markup kept in the text, in linear time. Fenced code and table rows are left out, as the parser would leave them.
 */
export function heavyBlocks(text: string): Block[] {
  return paragraphs(text, (line, next) => {
    const open = FENCE_OPEN.exec(line);
    if (open) return { skipTo: fenceEnd(text, next, open[1]) };
    return /^\s*\|/.test(line) ? { skipTo: next } : undefined;
  });
}

/**
 * A line (without its break) that opens a fenced code block; group 1 is its fence. A backtick fence's info string
 * holds no backtick (CommonMark 4.5): "```npm install x```" is a paragraph with code in it, and taking it for a fence
 * (as real READMEs write it) cut the document's chunks inside the real fence that follows.
 */
export const FENCE_OPEN = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
const FENCE_CLOSE = /(?<=^|\r\n|\r|\n) {0,3}(`{3,}|~{3,})[ \t]*(?=\r\n|\r|\n|$)/g;

/**
 * Where the fenced code block opened by `fence` (its backticks or tildes) ends: the offset after its closing line's
 * break, searching from `from` (the start of the line after the opening one); the text's end when it is not closed.
 * One regular-expression scan, so a megabyte of code costs the thread a millisecond or two, not a loop per line.
 */
export function fenceEnd(text: string, from: number, fence: string): number {
  FENCE_CLOSE.lastIndex = from;
  for (let close = FENCE_CLOSE.exec(text); close; close = FENCE_CLOSE.exec(text)) {
    if (close[1][0] === fence[0] && close[1].length >= fence.length) {
      const after = close.index + close[0].length;
      return after + (text.startsWith("\r\n", after) ? 2 : after < text.length ? 1 : 0);
    }
  }
  return text.length;
}

/**
 * Paragraphs separated by blank lines and by what `gap` says is not prose: given a line and where the next line starts,
 * it returns where reading resumes (past a fenced block, or `next` for a line left out), or undefined for prose.
 */
function paragraphs(text: string, gap: (line: string, next: number) => { skipTo: number } | undefined): Block[] {
  const blocks: Block[] = [];
  let start = -1;
  let end = -1;
  const flush = () => {
    if (start >= 0) blocks.push({ start, end, kind: "paragraph", leaves: [{ text: text.slice(start, end), start, end, exact: true }] });
    start = -1;
  };
  const lines = new RegExp(LINE.source, "g");
  for (let match = lines.exec(text); match; match = lines.exec(text)) {
    const line = match[0].slice(0, match[0].length - match[1].length);
    const first = line.search(/\S/);
    const next = match.index + match[0].length;
    const skip = first < 0 ? undefined : gap(line, next);
    if (first < 0 || skip) {
      flush();
      if (skip && skip.skipTo >= text.length) break;
      if (skip) lines.lastIndex = skip.skipTo;
    } else {
      if (start < 0) start = match.index + first;
      end = match.index + line.trimEnd().length;
    }
    if (match[1] === "") break;
  }
  flush();
  return blocks;
}

/**
 * Line starts that open block syntax: headings, quotes, bullet lists, thematic breaks, setext underlines, front
 * matter, ordered list markers (up to 9 digits, then "." or ")"). Fences, tables, HTML blocks and link definitions
 * start with characters INLINE_SYNTAX excludes anywhere: escapes, entities, code, emphasis, strikethrough, links,
 * autolinks, HTML.
 */
const BLOCK_START = /^(?:[#>\-+=]|\d{1,9}[.)])/;
const INLINE_SYNTAX = /[`*_[\]<>\\&~|]/;
/** White space micromark keeps as text but String.trim removes (no-break and other Unicode spaces). */
const OTHER_SPACE = /[^\S \t\r\n]/;

/**
 * True when `chunk` is a single line of prose (then blank lines) in which no character can open markdown syntax, so
 * micromark would make it one paragraph whose text is the line: plainLineBlocks gives the same block without parsing.
 * Feedback documents are mostly such lines. Tests compare both paths on every SST-2 sentence and airline tweet.
 */
export function isPlainLine(chunk: string): boolean {
  return fastLine(chunk) === "plain";
}

/** Inline syntax but "&", which opens a character reference or stays text. */
const INLINE_SYNTAX_BUT_REFERENCES = /[`*_[\]<>\\~|]/;
/** What GFM may read as a literal autolink (www., a protocol, an e-mail address): left to the parser. */
const AUTOLINK_LITERAL = /[\w.+-]@|www\.|:\/\/|mailto:|xmpp:/i;

/**
 * True when `chunk` is a line as isPlainLine's but for "&": character references ("&amp;", "&#39;"), which micromark
 * decodes into the paragraph's text (markdown.ts referenceLineBlocks, without parsing), and no text a literal autolink
 * could take. A third of the micromark parses of a feedback document were such lines (airline tweets write "&amp;"), and
 * micromark with GFM allocates about 1 KB per character of them: more than half the segmentation's garbage.
 */
export function isReferenceLine(chunk: string): boolean {
  return fastLine(chunk) === "references";
}

/**
 * Which path reads `chunk` without micromark, if one does: "plain" (isPlainLine), "references" (isReferenceLine). One
 * look at the line for both, as the segmenter asks for every chunk.
 */
export function fastLine(chunk: string): "plain" | "references" | undefined {
  const line = singleLine(chunk);
  if (line === undefined) return undefined;
  if (!INLINE_SYNTAX.test(line)) return "plain";
  return line.includes("&") && !INLINE_SYNTAX_BUT_REFERENCES.test(line) && !AUTOLINK_LITERAL.test(line) ? "references" : undefined;
}

/** The chunk's line when it is a single line of prose (then blank lines) that no block syntax opens; else undefined. */
function singleLine(chunk: string): string | undefined {
  const end = chunk.search(/\r|\n/);
  const line = end < 0 ? chunk : chunk.slice(0, end);
  if (end >= 0 && /\S/.test(chunk.slice(end))) return undefined;
  return /^\S/.test(line) && !BLOCK_START.test(line) && !OTHER_SPACE.test(line) ? line : undefined;
}

/** The paragraph micromark makes of a plain line: it ends after the line's trailing blanks, its text before them. */
export function plainLineBlocks(chunk: string): Block[] {
  return lineParagraph(chunk, (text) => [{ text, start: 0, end: text.length, exact: true }]);
}

/**
 * The paragraph micromark makes of a chunk's first line (a line the fast paths take: fastLine): it ends after the
 * line's trailing blanks; `leaves` reads its content before them (the line without its trailing spaces and tabs).
 */
export function lineParagraph(chunk: string, leaves: (content: string) => Leaf[]): Block[] {
  const line = /^[^\r\n]*/.exec(chunk)![0];
  return [{ start: 0, end: line.length, kind: "paragraph", leaves: leaves(line.replace(/[ \t]+$/, "")) }];
}

