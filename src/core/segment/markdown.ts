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
import type { UnitKind } from "../types";
import { proseOf, type Block, type Leaf } from "./blocks";

const SKIPPED = new Set(["code", "html", "table", "yaml", "toml", "heading", "thematicBreak", "definition", "footnoteDefinition"]);

/** Paragraphs, list items and block quotes of a markdown document (or of a chunk of one). */
export function markdownBlocks(text: string, atDocumentStart: boolean): Block[] {
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

