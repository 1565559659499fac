/**
 * Splits a document into the units that are scored. Pure TypeScript (no `vscode`), so it runs in plain mocha and the CLI.
 *
 * Plaintext: paragraphs separated by blank lines. Markdown: parsed with micromark (CommonMark + GFM + front matter);
 * paragraphs, list items and block quotes are units; code, HTML, tables, front matter and headings are not scored.
 * Granularity "line" makes every line of prose a unit (one feedback item per line), "sentence" every sentence.
 * Every unit carries exact UTF-16 offsets into the original text, so CRLF, tabs, emoji and CJK map back exactly.
 */
import type { Nodes, Parent, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { frontmatter } from "micromark-extension-frontmatter";
import { gfm } from "micromark-extension-gfm";
import type { Unit, UnitKind } from "./types";

export type Granularity = "paragraph" | "line" | "sentence";

/** Languages whose documents are segmented as markdown; everything else is plaintext. */
const MARKDOWN_LANGUAGES = new Set(["markdown", "mdx"]);

/** Units of `text`, in document order. */
export function segment(text: string, languageId: string, granularity: Granularity = "paragraph"): Unit[] {
  return new DocumentSegmenter(languageId, granularity).segmentSync(text);
}

export function segmentPlaintext(text: string): Unit[] {
  return segment(text, "plaintext");
}

export function segmentMarkdown(text: string): Unit[] {
  return segment(text, "markdown");
}

/**
 * Milliseconds of parsing between two yields to the event loop in `segmentAsync`: a slice plus a garbage-collection
 * pause (5-10 ms seen in the benchmark's host) stays under the 20 ms the host may be held.
 */
const SLICE_MS = 4;

/**
 * Segments one document again and again as it is edited. The text is cut into chunks that parse independently (at
 * blank lines that no open fence, HTML block or front matter spans), and the blocks of each chunk are kept until the
 * next run: an edit re-parses only the chunks it touched. Markdown parsing is slow (about 4 s for a 10,000-paragraph
 * document on one core), so `segmentAsync` also yields to the event loop between chunks to keep the editor responsive.
 */
export class DocumentSegmenter {
  /** The last run: its text and its chunks, each with its units (absolute offsets). */
  private last: { text: string; chunks: Chunk[] } = { text: "", chunks: [] };
  /**
   * Units of chunks seen, by the chunk's source, with offsets relative to the chunk: a chunk moved or restored (undo)
   * is not parsed again. Pruned to the current chunks when it holds twice as many.
   */
  private known = new Map<string, Unit[]>();
  /** Chunks parsed (not reused) by the last run. */
  parsedChunks = 0;

  /**
   * @param plainLines markdown chunks that are one line of plain prose skip micromark (they parse to one paragraph that
   * is the line itself); off only in the tests that compare the two paths.
   */
  constructor(
    readonly languageId: string,
    readonly granularity: Granularity,
    private readonly plainLines = true,
  ) {}

  segmentSync(text: string): Unit[] {
    const run = this.begin(text);
    for (const range of run.ranges) if (run.add(range)) break;
    return run.finish();
  }

  /** Like segmentSync, yielding every few milliseconds; returns undefined as soon as `cancelled()` says so. */
  async segmentAsync(text: string, cancelled: () => boolean = () => false): Promise<Unit[] | undefined> {
    const run = this.begin(text);
    let slice = performance.now();
    for (const range of run.ranges) {
      if (run.add(range)) break;
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (cancelled()) return undefined;
        slice = performance.now();
      }
    }
    return run.finish();
  }

  private get markdown(): boolean {
    return MARKDOWN_LANGUAGES.has(this.languageId);
  }

  /**
   * A run over `text` that starts where it first differs from the last run's text and stops where the rest is the
   * last run's, shifted. Chunk boundaries are where the chunker has no open fence, HTML block or front matter, so the
   * chunker can start again at any earlier boundary, and once a new boundary falls in the unchanged tail at an old
   * boundary's place, every later chunk is an old one moved by the length change.
   */
  private begin(text: string) {
    this.parsedChunks = 0;
    const old = this.last;
    const [prefix, suffix] = commonEnds(old.text, text);
    const delta = text.length - old.text.length;
    // Keep the chunks that end before the first change (a chunk ending at it could join what the change brings);
    // start chunking again where the first chunk not kept began.
    let kept = 0;
    while (kept < old.chunks.length && old.chunks[kept].end < prefix) kept++;
    const from = kept < old.chunks.length ? old.chunks[kept].start : 0;
    const chunks = old.chunks.slice(0, kept);
    return {
      ranges: chunksOf(text, this.markdown, from),
      /** Adds one chunk; true once the rest of the document is known (old chunks, shifted). */
      add: ([start, end]: [number, number]): boolean => {
        const same = start > from && start >= text.length - suffix ? chunkStartingAt(old.chunks, start - delta) : -1;
        if (same >= 0) {
          for (const chunk of old.chunks.slice(same)) chunks.push(moved(chunk, delta));
          return true;
        }
        chunks.push(this.chunk(text, start, end));
        return false;
      },
      finish: (): Unit[] => {
        if (this.known.size > 2 * chunks.length + 64) this.known = new Map(chunks.flatMap((chunk) => (chunk.parsed ? [[chunk.parsed.key, chunk.parsed.relative]] : [])));
        this.last = { text, chunks };
        // A loop, not flatMap: flatMap over 10,000 one-unit arrays takes ~2 ms, a third of an edit's segmentation.
        const units: Unit[] = [];
        for (const chunk of chunks) for (const unit of chunk.units) units.push(unit);
        return units;
      },
    };
  }

  /**
   * The chunk text[start, end). Micromark chunks are parsed again only if no chunk of the last run had their source;
   * plaintext and plain markdown lines are cut again (cheaper than remembering them: a 10,000-paragraph document's
   * remembered sources would add ~2.5 MB to the host's heap, and its garbage-collection pauses grow with it).
   */
  private chunk(text: string, start: number, end: number): Chunk {
    const source = text.slice(start, end);
    if (!this.markdown || (this.plainLines && isPlainLine(source))) {
      this.parsedChunks++;
      const units = this.unitsOf(this.markdown ? plainLineBlocks(source) : plaintextBlocks(source));
      return { start, end, units: units.map((unit) => shifted(unit, start)) };
    }
    // Front matter is recognised only at the very start of a document.
    const key = (start === 0 ? "0" : "1") + source;
    let relative = this.known.get(key);
    if (!relative) {
      relative = this.unitsOf(markdownBlocks(source, start === 0));
      this.known.set(key, relative);
      this.parsedChunks++;
    }
    return { start, end, parsed: { key, relative }, units: relative.map((unit) => shifted(unit, start)) };
  }

  private unitsOf(blocks: readonly Block[]): Unit[] {
    if (this.granularity === "paragraph") return blocks.map(toUnit);
    return blocks.flatMap(this.granularity === "line" ? splitLines : splitSentences);
  }
}

interface Chunk {
  start: number;
  end: number;
  /** A micromark chunk's source (the key of DocumentSegmenter.known) and units relative to the chunk's start. */
  parsed?: { key: string; relative: Unit[] };
  /** Units with offsets in the document. */
  units: Unit[];
}

/** Index of the chunk that starts at `offset`, or -1 (chunks are in document order). */
function chunkStartingAt(chunks: readonly Chunk[], offset: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (chunks[mid].start === offset) return mid;
    if (chunks[mid].start < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Lengths of the common prefix and of the common suffix (not overlapping it) of two texts. */
function commonEnds(a: string, b: string): [number, number] {
  const limit = Math.min(a.length, b.length);
  // Native comparison of whole blocks first, then characters within the first block that differs.
  const BLOCK = 4096;
  let prefix = 0;
  while (prefix + BLOCK <= limit && a.slice(prefix, prefix + BLOCK) === b.slice(prefix, prefix + BLOCK)) prefix += BLOCK;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const room = limit - prefix;
  while (suffix + BLOCK <= room && a.slice(a.length - suffix - BLOCK, a.length - suffix) === b.slice(b.length - suffix - BLOCK, b.length - suffix)) suffix += BLOCK;
  while (suffix < room && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return [prefix, suffix];
}

function shifted(unit: Unit, by: number): Unit {
  return by === 0 ? unit : { start: unit.start + by, end: unit.end + by, text: unit.text, kind: unit.kind };
}

function moved(chunk: Chunk, by: number): Chunk {
  if (by === 0) return chunk;
  return { start: chunk.start + by, end: chunk.end + by, parsed: chunk.parsed, units: chunk.units.map((unit) => shifted(unit, by)) };
}

/** The whole document parsed at once, without chunks: the reference the chunked path must equal (tests use it). */
export function segmentWhole(text: string, languageId: string): Unit[] {
  return (MARKDOWN_LANGUAGES.has(languageId) ? markdownBlocks(text, true) : plaintextBlocks(text)).map(toUnit);
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
function plainLineBlocks(chunk: string): Block[] {
  const line = /^[^\r\n]*/.exec(chunk)![0];
  const text = line.trimEnd();
  return [{ start: 0, end: line.length, kind: "paragraph", leaves: [{ text, start: 0, end: text.length, exact: true }] }];
}

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

/**
 * A run of prose text whose characters map one to one onto the source from `start`, when `exact`; otherwise
 * (escapes, entities, stripped indentation) only its ends are known.
 */
interface Leaf {
  text: string;
  start: number;
  end: number;
  exact: boolean;
}

/** A scored block before granularity applies: its source range and its prose as leaves. */
interface Block {
  start: number;
  end: number;
  kind: UnitKind;
  leaves: Leaf[];
}

function toUnit(block: Block): Unit {
  return { start: block.start, end: block.end, text: proseOf(block.leaves).trim(), kind: block.kind };
}

function proseOf(leaves: readonly Leaf[]): string {
  return leaves.map((leaf) => leaf.text).join("");
}

const LINE = /[^\r\n]*(\r\n|\r|\n|$)/g;

/** Paragraphs separated by lines that are empty or hold only white space; each is one exact leaf. */
function plaintextBlocks(text: string): Block[] {
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
    if (first < 0) {
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

const SKIPPED = new Set(["code", "html", "table", "yaml", "toml", "heading", "thematicBreak", "definition", "footnoteDefinition"]);

/** Paragraphs, list items and block quotes of a markdown document (or of a chunk of one). */
function markdownBlocks(text: string, atDocumentStart: boolean): Block[] {
  const tree = fromMarkdown(text, {
    extensions: atDocumentStart ? [gfm(), frontmatter(["yaml", "toml"])] : [gfm()],
    mdastExtensions: atDocumentStart ? [gfmFromMarkdown(), frontmatterFromMarkdown(["yaml", "toml"])] : [gfmFromMarkdown()],
  });
  const blocks: Block[] = [];
  const push = (nodes: readonly Nodes[], kind: UnitKind) => {
    const leaves: Leaf[] = [];
    nodes.forEach((node, i) => {
      if (i > 0) separate(leaves);
      collectLeaves(node, text, leaves);
    });
    const first = nodes[0].position?.start.offset;
    const last = nodes[nodes.length - 1].position?.end.offset;
    if (proseOf(leaves).trim() && first !== undefined && last !== undefined) blocks.push({ start: first, end: last, kind, leaves });
  };
  const visit = (nodes: readonly RootContent[]) => {
    for (const node of nodes) {
      if (node.type === "paragraph") push([node], "paragraph");
      else if (node.type === "blockquote") push([node], "blockquote");
      else if (node.type === "list") for (const item of node.children) visitListItem(item.children);
      else if (!SKIPPED.has(node.type) && "children" in node) visit(node.children as RootContent[]);
    }
  };
  // A list item's own prose is one unit; its nested lists are units of their own.
  const visitListItem = (children: readonly RootContent[]) => {
    let run: RootContent[] = [];
    const flush = () => {
      const prose = run.filter((node) => !SKIPPED.has(node.type));
      if (prose.length) push(prose, "listItem");
      run = [];
    };
    for (const child of children) {
      if (child.type === "list") {
        flush();
        visit([child]);
      } else {
        run.push(child);
      }
    }
    flush();
  };
  visit(tree.children);
  return blocks;
}

/** Blocks inside a unit (paragraphs of a block quote) are read as separate lines. */
function separate(leaves: Leaf[]): void {
  const previous = leaves[leaves.length - 1];
  if (previous && !previous.text.endsWith("\n")) leaves.push({ text: "\n", start: previous.end, end: previous.end, exact: false });
}

/** The readable text of a markdown node, as leaves: link and emphasis text kept; syntax, HTML and code blocks dropped. */
function collectLeaves(node: Nodes, source: string, leaves: Leaf[]): void {
  const start = node.position?.start.offset ?? 0;
  const end = node.position?.end.offset ?? start;
  switch (node.type) {
    case "text":
      textLeaves(node.value, start, end, source, leaves);
      return;
    case "inlineCode": {
      // The value sits between the backtick fences.
      const at = source.indexOf(node.value, start);
      const exact = at >= 0 && at + node.value.length <= end;
      leaves.push({ text: node.value, start: exact ? at : start, end: exact ? at + node.value.length : end, exact });
      return;
    }
    case "break":
      leaves.push({ text: "\n", start, end, exact: false });
      return;
    case "image":
    case "imageReference":
      if (node.alt) leaves.push({ text: node.alt, start, end, exact: false });
      return;
    case "html":
    case "code":
    case "yaml":
    case "table":
    case "footnoteReference":
      return;
    default:
      if (!("children" in node)) return;
      (node as Parent).children.forEach((child, i) => {
        if (i > 0 && isBlock(node)) separate(leaves);
        collectLeaves(child as Nodes, source, leaves);
      });
  }
}

/**
 * A text node's leaves, one per line: continuation lines lose their indentation and `>` markers in the node's value,
 * so each line is found in the source on its own. A line that differs from its source (escapes, entities) maps to the
 * whole source line it stands on.
 */
function textLeaves(value: string, start: number, end: number, source: string, leaves: Leaf[]): void {
  let cursor = start;
  value.split("\n").forEach((line, i) => {
    if (i > 0) leaves.push({ text: "\n", start: cursor, end: cursor, exact: false });
    const at = source.indexOf(line, cursor);
    if (line && at >= 0 && at + line.length <= end) {
      leaves.push({ text: line, start: at, end: at + line.length, exact: true });
      cursor = at + line.length;
    } else if (line) {
      const lineEnd = source.slice(cursor, end).search(/\r?\n|\r|$/) + cursor;
      leaves.push({ text: line, start: cursor, end: Math.max(lineEnd, cursor), exact: false });
      cursor = lineEnd;
    }
    const next = source.slice(cursor, end).match(/^[^\r\n]*(\r\n|\r|\n)/);
    if (next) cursor += next[0].length;
  });
}

function isBlock(node: Nodes): boolean {
  return node.type === "blockquote" || node.type === "list" || node.type === "listItem" || node.type === "root";
}

/**
 * Maps a range of a block's prose back to the source: exact inside exact leaves, otherwise to the ends of the leaves
 * it touches.
 */
function sourceRange(leaves: readonly Leaf[], from: number, to: number): { start: number; end: number } {
  let start = -1;
  let end = -1;
  let at = 0;
  for (const leaf of leaves) {
    const leafFrom = at;
    const leafTo = at + leaf.text.length;
    at = leafTo;
    if (leafTo <= from || leafFrom >= to || leaf.text === "\n") continue;
    const localStart = Math.max(from, leafFrom) - leafFrom;
    const localEnd = Math.min(to, leafTo) - leafFrom;
    if (start < 0) start = leaf.exact ? leaf.start + localStart : leaf.start;
    end = leaf.exact ? leaf.start + localEnd : leaf.end;
  }
  return { start, end };
}

/** Cuts a block's prose into the pieces `pieces` finds, trimmed, each mapped back to the source. */
function split(block: Block, pieces: (prose: string) => Iterable<{ index: number; segment: string }>): Unit[] {
  const prose = proseOf(block.leaves);
  const units: Unit[] = [];
  for (const piece of pieces(prose)) {
    const segment = prose.slice(piece.index, piece.index + piece.segment.length);
    const lead = segment.length - segment.trimStart().length;
    const index = piece.index;
    const text = segment.trim();
    if (!text) continue;
    const { start, end } = sourceRange(block.leaves, index + lead, index + lead + text.length);
    if (start >= 0) units.push({ start, end, text, kind: block.kind });
  }
  return units;
}

function splitLines(block: Block): Unit[] {
  return split(block, (prose) => {
    const lines: { index: number; segment: string }[] = [];
    for (const match of prose.matchAll(/[^\r\n]+/g)) lines.push({ index: match.index, segment: match[0] });
    return lines;
  });
}

const sentences = new Intl.Segmenter(undefined, { granularity: "sentence" });

/** Sentences; a line break alone does not end one (hard-wrapped prose), so breaks are read as spaces. */
function splitSentences(block: Block): Unit[] {
  return split(block, (prose) => sentences.segment(prose.replace(/[\r\n]/g, " ")));
}
