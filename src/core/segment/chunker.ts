/**
 * Cuts a document into chunks that parse on their own, so an edit re-parses only the chunks it touched. Pure.
 */
import { FENCE_OPEN, fenceEnd, LINE } from "./blocks";

/** Blocks that may span blank lines, with the line that closes them. */
const HTML_BLOCKS: [RegExp, RegExp][] = [
  [/^ {0,3}<(script|pre|style|textarea)(\s|>|$)/i, /<\/(script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<![A-Za-z]/, />/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
];

/**
 * How much parsing a chunk may cost micromark in one synchronous step, in weight units: a character counts 1, a
 * character that can open inline syntax (emphasis, links, code, HTML, escapes, entities, table cells) counts
 * SYNTAX_WEIGHT more, and each container level (quote or list marker, two columns of indentation) a line opens counts
 * DEPTH_WEIGHT. Measured (bench/adversarial.mts, CPU time of one parse): prose costs about 2 µs a character and
 * syntax characters about 30 µs each, so a chunk at the limit parses in ~25 ms of CPU on a loaded 2-core EPYC; the
 * benchmark's worst shapes stay under 50 ms. A chunk over the limit is read with plain-text rules (heavyBlocks).
 */
export const MAX_CHUNK_WEIGHT = 12_000;
const SYNTAX_WEIGHT = 16;
const DEPTH_WEIGHT = 32;
/**
 * Container levels (quote and list markers, indentation) past which a line's chunk is read as plain text: micromark's
 * cost grows with the square of the nesting (1 KB of "- - - …" took 0.1 s, 4 KB 2 s), and no prose nests this deep.
 */
export const MAX_DEPTH = 24;

/**
 * Characters past which a chunk is cut at the next line whatever it holds (outside a fence, HTML block or front
 * matter): plain-text rules read 32 KB of short lines in ~8 ms of CPU, so no single step of a long paragraph or a
 * heavy chunk holds the thread longer. A paragraph that long becomes several units (each still scored whole).
 */
export const MAX_CHUNK_LENGTH = 32_768;

/**
 * A chunk of a document: [start, end) offsets, true when it is too heavy or too deep for micromark, its weight (see
 * MAX_CHUNK_WEIGHT; 0 outside markdown), and whether it starts and ends at a clean cut: a blank line, then a line at
 * column 0. Such chunks parse the same alone or joined one after another, whatever lies between them in the document
 * (incremental.ts parses them in batches).
 */
export type ChunkRange = [start: number, end: number, heavy: boolean, weight: number, cleanStart: boolean, cleanEnd: boolean];

/** Characters that can open inline syntax (and table cells), which cost micromark far more than prose. */
function syntaxCount(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    switch (line.charCodeAt(i)) {
      case 0x60: // `
      case 0x2a: // *
      case 0x5f: // _
      case 0x5b: // [
      case 0x5d: // ]
      case 0x3c: // <
      case 0x3e: // >
      case 0x5c: // \
      case 0x26: // &
      case 0x7e: // ~
      case 0x7c: // |
      case 0x21: // !
      case 0x28: // (
      case 0x29: // )
      case 0x3a: // : (autolinks, GFM literal links)
        count++;
    }
  }
  return count;
}

/**
 * Container levels a line opens: quote markers, list markers (bullets, or 1-9 digits then "." or ")", each followed
 * by white space), and its indentation in steps of two columns (nested lists). Linear in the line's prefix.
 */
export function depthOf(line: string): number {
  let depth = 0;
  let spaces = 0;
  let i = 0;
  for (;;) {
    while (line[i] === " " || line[i] === "\t") {
      spaces += line[i] === "\t" ? 4 : 1;
      i++;
    }
    const c = line[i];
    if (c === ">") {
      depth++;
      i++;
      continue;
    }
    let marker = 0;
    if (c === "-" || c === "+" || c === "*") marker = 1;
    else {
      while (marker < 9 && line.charCodeAt(i + marker) >= 0x30 && line.charCodeAt(i + marker) <= 0x39) marker++;
      marker = marker > 0 && (line[i + marker] === "." || line[i + marker] === ")") ? marker + 1 : 0;
    }
    const after = line[i + marker];
    if (marker > 0 && (after === " " || after === "\t")) {
      depth++;
      i += marker;
      continue;
    }
    return depth + (spaces >> 1);
  }
}

/** A line at column 0 before which a chunk too heavy to parse may be cut: list items and ATX headings. */
const HEAVY_CUT = /^(?:[-+*]|\d{1,9}[.)]|#{1,6})[ \t]/;

/**
 * [start, end) offsets of chunks that parse on their own: cut before a line that starts at column 0 after a blank
 * line, unless a fenced code block, a multi-line HTML block or the front matter is open. A loose list cut this way
 * parses as several lists with the same items, so its units do not change. A chunk grown heavier than half of
 * MAX_CHUNK_WEIGHT is also cut before a list item or heading at column 0 (a tight list cut there keeps its items);
 * a chunk still over it, or nesting deeper than MAX_DEPTH, is marked heavy. Any chunk longer than MAX_CHUNK_LENGTH is
 * cut at its next line. Linear in the text.
 */
export function* chunksOf(text: string, markdown: boolean, from = 0): Generator<ChunkRange> {
  let chunkStart = from;
  let cleanStart = false;
  let previousBlank = false;
  let htmlEnd: RegExp | undefined;
  let frontMatter = from === 0 && markdown && /^(---|\+\+\+)[ \t]*(\r\n|\r|\n)/.test(text);
  let first = true;
  let weight = 0;
  let deep = false;
  const heavy = () => markdown && (deep || weight > MAX_CHUNK_WEIGHT);
  const lines = new RegExp(LINE.source, "g");
  lines.lastIndex = from;
  for (let match = lines.exec(text); match; match = lines.exec(text)) {
    const start = match.index;
    const line = match[0].slice(0, match[0].length - match[1].length);
    if (frontMatter) {
      if (!first && /^(---|\.\.\.|\+\+\+)[ \t]*$/.test(line)) frontMatter = false;
      weight += line.length;
    } else if (htmlEnd) {
      if (htmlEnd.test(line)) htmlEnd = undefined;
      weight += line.length;
    } else {
      const blank = !/\S/.test(line);
      const clean = !blank && previousBlank && /^\S/.test(line);
      if (
        start > chunkStart &&
        (clean || (markdown && weight > MAX_CHUNK_WEIGHT / 2 && HEAVY_CUT.test(line)) || start - chunkStart > MAX_CHUNK_LENGTH)
      ) {
        yield [chunkStart, start, heavy(), weight, cleanStart, clean];
        chunkStart = start;
        cleanStart = clean;
        weight = 0;
        deep = false;
      }
      previousBlank = blank;
      if (markdown && !blank) {
        const depth = depthOf(line);
        if (depth > MAX_DEPTH) deep = true;
        weight += line.length + SYNTAX_WEIGHT * syntaxCount(line) + DEPTH_WEIGHT * depth;
        const open = FENCE_OPEN.exec(line);
        if (open && match[1] !== "") {
          // The whole fenced block at once, to the end of its closing line: one scan (a loop per line held the thread
          // ~50 ms for a megabyte of code). Nothing inside it can cut the chunk.
          const from = start + match[0].length;
          const after = fenceEnd(text, from, open[1]);
          weight += after - from;
          first = false;
          if (after >= text.length) break;
          lines.lastIndex = after;
          continue;
        }
        const html = HTML_BLOCKS.find(([opens]) => opens.test(line));
        if (html && !html[1].test(line.replace(html[0], ""))) htmlEnd = html[1];
      }
    }
    first = false;
    if (match[1] === "") break;
  }
  if (chunkStart < text.length || text.length === 0) yield [chunkStart, text.length, heavy(), weight, cleanStart, false];
}
