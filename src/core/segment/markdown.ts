/**
 * Markdown to prose: paragraphs, list items and block quotes of a document (micromark: CommonMark, GFM, front
 * matter), each as leaves of readable text mapped back to exact source offsets. Code, HTML, tables, front matter and
 * headings are not scored; links and emphasis are read as their text. Pure.
 */
import type { Nodes, Parent, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { frontmatter } from "micromark-extension-frontmatter";
import { gfm } from "micromark-extension-gfm";
import { decodeString } from "micromark-util-decode-string";
import type { UnitKind } from "../types";
import { lineParagraph, proseOf, type Block, type Leaf } from "./blocks";

const SKIPPED = new Set(["code", "html", "table", "yaml", "toml", "heading", "thematicBreak", "definition", "footnoteDefinition"]);

/**
 * The parser's options, made once: a document is parsed chunk by chunk (10,000 chunks for 10,000 paragraphs), and
 * making the extensions for each chunk (gfm() combines its constructs anew) was ~15 % of the parse's time and most of
 * its garbage, whose collections lengthen the host's turns. Extensions are configuration, not state (remark-gfm, too,
 * makes them once and parses every file with them).
 */
const OPTIONS = {
  chunk: { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] },
  start: { extensions: [gfm(), frontmatter(["yaml", "toml"])], mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown(["yaml", "toml"])] },
};

/** Paragraphs, list items and block quotes of a markdown document (or of a chunk of one). */
export function markdownBlocks(text: string, atDocumentStart: boolean): Block[] {
  const tree = fromMarkdown(text, atDocumentStart ? OPTIONS.start : OPTIONS.chunk);
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

/**
 * The paragraph micromark makes of a line whose only syntax is character references (blocks.ts isReferenceLine), made
 * without parsing: one text node whose value is the line, trailing blanks left out, with each reference decoded
 * (micromark's own decoding, micromark-util-decode-string), read into leaves as markdownBlocks reads that node. Tests
 * compare it with the parser on every SST-2 sentence and airline tweet.
 */
export function referenceLineBlocks(chunk: string): Block[] {
  return lineParagraph(chunk, (content) => {
    const leaves: Leaf[] = [];
    textLeaves(decodeString(content), 0, content.length, chunk, leaves);
    return leaves;
  });
}

/** Blocks inside a unit (paragraphs of a block quote) are read as separate lines. */
function separate(leaves: Leaf[]): void {
  const previous = leaves[leaves.length - 1];
  if (previous && !previous.text.endsWith("\n")) leaves.push({ text: "\n", start: previous.end, end: previous.end, exact: false });
}

/**
 * The readable text of a markdown node, as leaves: link and emphasis text kept; syntax, HTML and code blocks dropped.
 * A walk with its own stack, not recursion: 5 KB of ">" nest 5,000 block quotes, which overflowed the call stack.
 */
function collectLeaves(root: Nodes, source: string, leaves: Leaf[]): void {
  // Nodes still to read, last first, each with its parent's range (GFM's literal autolinks and some other nodes have
  // no position: they take the rest of the enclosing node's); null separates two children of a block.
  const stack: ({ node: Nodes; start: number; end: number } | null)[] = [{ node: root, start: 0, end: source.length }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item === null) {
      separate(leaves);
      continue;
    }
    const { node } = item;
    // A node without a position starts after the leaves read before it, never before them.
    const start = node.position?.start.offset ?? Math.min(item.end, Math.max(item.start, leaves[leaves.length - 1]?.end ?? 0));
    const end = node.position?.end.offset ?? item.end;
    switch (node.type) {
      case "text":
        textLeaves(node.value, start, end, source, leaves);
        break;
      case "inlineCode": {
        // The value sits between the backtick fences.
        const at = source.indexOf(node.value, start);
        const exact = at >= 0 && at + node.value.length <= end;
        leaves.push({ text: node.value, start: exact ? at : start, end: exact ? at + node.value.length : end, exact });
        break;
      }
      case "break":
        leaves.push({ text: "\n", start, end, exact: false });
        break;
      case "image":
      case "imageReference":
        if (node.alt) leaves.push({ text: node.alt, start, end, exact: false });
        break;
      case "html":
      case "code":
      case "yaml":
      case "table":
      case "footnoteReference":
        break;
      default: {
        if (!("children" in node)) break;
        const children = (node as Parent).children;
        const block = isBlock(node);
        for (let i = children.length - 1; i >= 0; i--) {
          stack.push({ node: children[i] as Nodes, start, end });
          if (i > 0 && block) stack.push(null);
        }
      }
    }
  }
}

/** The end of the source line at `from` (before its line break, or `end`) and where the next line starts. */
function sourceLine(source: string, from: number, end: number): { lineEnd: number; next: number } {
  LINE_BREAK.lastIndex = from;
  const found = LINE_BREAK.exec(source);
  if (!found || found.index >= end) return { lineEnd: end, next: end };
  return { lineEnd: found.index, next: Math.min(end, found.index + found[0].length) };
}
const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * A text node's leaves, one per line: continuation lines lose their indentation and `>` markers in the node's value,
 * so each line is found in its own source line. A line that differs from its source (escapes, entities) maps to the
 * whole source line it stands on. Each source line is read once: linear in the node's length.
 */
function textLeaves(value: string, start: number, end: number, source: string, leaves: Leaf[]): void {
  let cursor = start;
  value.split(/\r\n|\r|\n/).forEach((line, i) => {
    if (i > 0) leaves.push({ text: "\n", start: cursor, end: cursor, exact: false });
    const { lineEnd, next } = sourceLine(source, cursor, end);
    const found = line ? source.slice(cursor, next).indexOf(line) : -1;
    if (line && found >= 0) {
      const at = cursor + found;
      leaves.push({ text: line, start: at, end: at + line.length, exact: true });
    } else if (line) {
      leaves.push({ text: line, start: cursor, end: Math.max(lineEnd, cursor), exact: false });
    }
    // The next value line stands on the next source line (when this one has a line break before the node's end).
    if (next > lineEnd) cursor = next;
    else cursor = line && found >= 0 ? cursor + found + line.length : lineEnd;
  });
}

function isBlock(node: Nodes): boolean {
  return node.type === "blockquote" || node.type === "list" || node.type === "listItem" || node.type === "root";
}

