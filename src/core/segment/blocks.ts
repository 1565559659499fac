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
  return paragraphs(text, () => false);
}

/**
 * A markdown chunk too heavy or too deeply nested to parse (chunker.ts: chunksOf): its paragraphs by plain-text rules,
 * markup kept in the text, in linear time. Fenced code and table rows are left out, as the parser would leave them.
 */
export function heavyBlocks(text: string): Block[] {
  let fence: { char: string; length: number } | undefined;
  return paragraphs(text, (line) => {
    if (fence) {
      const close = line.match(/^ {0,3}(`{3,}|~{3,})[ \t]*$/);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) fence = undefined;
      return true;
    }
    const open = line.match(/^ {0,3}(`{3,}|~{3,})/);
    if (open) fence = { char: open[1][0], length: open[1].length };
    return Boolean(open) || /^\s*\|/.test(line);
  });
}

/** Paragraphs separated by blank lines and by lines `gap` says are not prose (called once per line, in order). */
function paragraphs(text: string, gap: (line: string) => boolean): Block[] {
  const blocks: Block[] = [];
  let start = -1;
  let end = -1;
  const flush = () => {
    if (start >= 0) blocks.push({ start, end, kind: "paragraph", leaves: [{ text: text.slice(start, end), start, end, exact: true }] });
    start = -1;
  };
  for (const match of text.matchAll(LINE)) {
    const line = match[0].slice(0, match[0].length - match[1].length);
    const first = line.search(/\S/);
    if (first < 0 || gap(line)) {
      flush();
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
  const end = chunk.search(/\r|\n/);
  const line = end < 0 ? chunk : chunk.slice(0, end);
  if (end >= 0 && /\S/.test(chunk.slice(end))) return false;
  return /^\S/.test(line) && !BLOCK_START.test(line) && !INLINE_SYNTAX.test(line) && !OTHER_SPACE.test(line);
}

/** The paragraph micromark makes of a plain line: it ends after the line's trailing blanks, its text before them. */
export function plainLineBlocks(chunk: string): Block[] {
  const line = /^[^\r\n]*/.exec(chunk)![0];
  const text = line.trimEnd();
  return [{ start: 0, end: line.length, kind: "paragraph", leaves: [{ text, start: 0, end: text.length, exact: true }] }];
}

