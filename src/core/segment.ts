/**
 * Splits a document into the units that are scored. Pure TypeScript (no `vscode`), so it runs in plain mocha and the CLI.
 *
 * Plaintext: paragraphs separated by blank lines. Markdown: parsed with micromark (CommonMark + GFM + front matter);
 * paragraphs, list items and block quotes are units; code, HTML, tables, front matter and headings are not scored.
 * Every unit carries exact UTF-16 offsets into the original text, so CRLF, tabs, emoji and CJK map back exactly.
 */
import type { Nodes, Parent, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { frontmatter } from "micromark-extension-frontmatter";
import { gfm } from "micromark-extension-gfm";
import type { Unit, UnitKind } from "./types";

/** Languages whose documents are segmented as markdown; everything else is plaintext. */
const MARKDOWN_LANGUAGES = new Set(["markdown", "mdx"]);

/** Units of `text`, in document order. */
export function segment(text: string, languageId: string): Unit[] {
  return MARKDOWN_LANGUAGES.has(languageId) ? segmentMarkdown(text) : segmentPlaintext(text);
}

const LINE = /[^\r\n]*(\r\n|\r|\n|$)/g;

/** Paragraphs separated by lines that are empty or hold only white space. */
export function segmentPlaintext(text: string): Unit[] {
  const units: Unit[] = [];
  let start = -1;
  let end = -1;
  const flush = () => {
    if (start >= 0) units.push({ start, end, text: text.slice(start, end), kind: "paragraph" });
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
  return units;
}

const SKIPPED = new Set(["code", "html", "table", "yaml", "toml", "heading", "thematicBreak", "definition", "footnoteDefinition"]);

/** Paragraphs, list items and block quotes of a markdown document. */
export function segmentMarkdown(text: string): Unit[] {
  const tree = fromMarkdown(text, {
    extensions: [gfm(), frontmatter(["yaml", "toml"])],
    mdastExtensions: [gfmFromMarkdown(), frontmatterFromMarkdown(["yaml", "toml"])],
  });
  const units: Unit[] = [];
  const push = (nodes: readonly Nodes[], kind: UnitKind) => {
    const prose = nodes.map(plainText).join("\n").trim();
    const first = nodes[0].position;
    const last = nodes[nodes.length - 1].position;
    if (prose && first && last) {
      units.push({ start: first.start.offset ?? 0, end: last.end.offset ?? 0, text: prose, kind });
    }
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
  return units;
}

/** The readable text of a markdown node: link and emphasis text kept, syntax, HTML and code blocks dropped. */
function plainText(node: Nodes): string {
  switch (node.type) {
    case "text":
    case "inlineCode":
      return node.value;
    case "break":
      return "\n";
    case "image":
    case "imageReference":
      return node.alt ?? "";
    case "html":
    case "code":
    case "yaml":
    case "table":
    case "footnoteReference":
      return "";
    default:
      if (!("children" in node)) return "";
      return (node as Parent).children
        .map((child) => plainText(child as Nodes))
        .join(isBlock(node) ? "\n" : "");
  }
}

function isBlock(node: Nodes): boolean {
  return node.type === "blockquote" || node.type === "list" || node.type === "listItem" || node.type === "root";
}
