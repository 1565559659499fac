/**
 * Cuts a document into chunks that parse on their own, so an edit re-parses only the chunks it touched. Pure.
 */
import { LINE } from "./blocks";

/** Blocks that may span blank lines, with the line that closes them. */
const HTML_BLOCKS: [RegExp, RegExp][] = [
  [/^ {0,3}<(script|pre|style|textarea)(\s|>|$)/i, /<\/(script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<![A-Za-z]/, />/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
];

/**
 * [start, end) offsets of chunks that parse on their own: cut before a line that starts at column 0 after a blank
 * line, unless a fenced code block, a multi-line HTML block or the front matter is open. A loose list cut this way
 * parses as several lists with the same items, so its units do not change.
 */
export function* chunksOf(text: string, markdown: boolean, from = 0): Generator<[number, number]> {
  let chunkStart = from;
  let previousBlank = false;
  let fence: { char: string; length: number } | undefined;
  let htmlEnd: RegExp | undefined;
  let frontMatter = from === 0 && markdown && /^(---|\+\+\+)[ \t]*(\r\n|\r|\n)/.test(text);
  let first = true;
  const lines = new RegExp(LINE.source, "g");
  lines.lastIndex = from;
  for (let match = lines.exec(text); match; match = lines.exec(text)) {
    const start = match.index;
    const line = match[0].slice(0, match[0].length - match[1].length);
    if (frontMatter) {
      if (!first && /^(---|\.\.\.|\+\+\+)[ \t]*$/.test(line)) frontMatter = false;
    } else if (fence) {
      const close = line.match(/^ {0,3}(`{3,}|~{3,})[ \t]*$/);
      if (close && close[1][0] === fence.char && close[1].length >= fence.length) fence = undefined;
    } else if (htmlEnd) {
      if (htmlEnd.test(line)) htmlEnd = undefined;
    } else {
      const blank = !/\S/.test(line);
      if (!blank && previousBlank && /^\S/.test(line) && start > chunkStart) {
        yield [chunkStart, start];
        chunkStart = start;
      }
      previousBlank = blank;
      if (markdown && !blank) {
        const open = line.match(/^ {0,3}(`{3,}|~{3,})/);
        if (open) fence = { char: open[1][0], length: open[1].length };
        const html = HTML_BLOCKS.find(([opens]) => opens.test(line));
        if (html && !html[1].test(line.replace(html[0], ""))) htmlEnd = html[1];
      }
    }
    first = false;
    if (match[1] === "") break;
  }
  if (chunkStart < text.length || text.length === 0) yield [chunkStart, text.length];
}

