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
  const blocks = MARKDOWN_LANGUAGES.has(languageId) ? markdownBlocks(text) : plaintextBlocks(text);
  if (granularity === "paragraph") return blocks.map(toUnit);
  return blocks.flatMap(granularity === "line" ? splitLines : splitSentences);
}

export function segmentPlaintext(text: string): Unit[] {
  return segment(text, "plaintext");
}

export function segmentMarkdown(text: string): Unit[] {
  return segment(text, "markdown");
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

/** Paragraphs, list items and block quotes of a markdown document. */
function markdownBlocks(text: string): Block[] {
  const tree = fromMarkdown(text, {
    extensions: [gfm(), frontmatter(["yaml", "toml"])],
    mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown(["yaml", "toml"])],
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
