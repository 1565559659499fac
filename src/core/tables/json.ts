/**
 * JSON Lines, JSON arrays of objects and JSON objects holding such arrays, with exact offsets, through Microsoft's
 * jsonc-parser (the parser VS Code uses for its own settings): its syntax tree gives every value's offset and length,
 * and it keeps going after an error, so the objects before and after a broken one are still read.
 *
 * jsonc-parser recurses once per nesting level, so a line of 100,000 `[` overflows the stack. Nesting deeper than
 * MAX_DEPTH is found first by a linear scan: such a JSON Lines line is skipped with a problem, and in a JSON document
 * the too-deep value is blanked out (same length, so offsets hold) before parsing and its row skipped with a problem.
 * Every walk over the tree here is iterative.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { lineAt, lineStarts } from "../lines";
import type { CellSpan, Problem, Row, Table } from "./table";

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true } as const;

/** Parse errors listed per file before the rest are summed up in one line. */
const MAX_LISTED_ERRORS = 20;

/**
 * Nesting levels read: far beyond any export (API responses nest 5-10 deep), far below what overflows the parser's
 * recursion in a web worker's smaller stack.
 */
export const MAX_DEPTH = 128;

/**
 * One JSON object per line. Blank lines are skipped; a line that is not valid JSON, not an object, or nested deeper
 * than MAX_DEPTH is listed in `problems` with its line number and every other line is still read.
 */
export function parseJsonLines(text: string): Table {
  const builder = new RowBuilder(text, "jsonl");
  const starts = builder.starts;
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (bom) builder.notes.push("Byte order mark at the start skipped.");
  for (let l = 0; l < starts.length; l++) {
    const lineStart = l === 0 ? bom : starts[l];
    let lineEnd = l + 1 < starts.length ? starts[l + 1] : text.length;
    while (lineEnd > lineStart && (text.charCodeAt(lineEnd - 1) === 0x0a || text.charCodeAt(lineEnd - 1) === 0x0d)) lineEnd--;
    const source = text.slice(lineStart, lineEnd);
    if (source.trim() === "") continue;
    const line = l + 1;
    const deep = deepRegions(source, 0, source.length);
    if (deep.length > 0) {
      builder.problems.push({ line, message: `Line ${line}: nested deeper than ${MAX_DEPTH} levels (from column ${deep[0][0] + 1}); the line was skipped.` });
      continue;
    }
    const errors: ParseError[] = [];
    const root = parseTree(source, errors, STRICT);
    if (errors.length > 0 || !root) {
      const first = errors[0];
      const column = first ? first.offset + 1 : 1;
      builder.problems.push({
        line,
        message: `Line ${line}: not valid JSON (${first ? describe(first) : "no value"} at column ${column}); the line was skipped.`,
      });
      continue;
    }
    if (root.type !== "object") {
      builder.problems.push({ line, message: `Line ${line}: a JSON ${root.type} where an object was expected; the line was skipped.` });
      continue;
    }
    builder.add(root, lineStart);
  }
  return builder.table();
}

/**
 * A JSON array of objects, or a JSON object holding arrays of objects (what APIs and scrapers return:
 * `{"meta": {...}, "reviews": [...]}`). `records` names the array by a dotted path of property names ("reviews",
 * "data.items"); a path through an array of objects takes the property of each ("places.reviews": every place's
 * reviews, one after the other). Without it: the array itself, or the largest array of objects among the object's
 * properties (and their properties), said in a note. Elements that are not objects, that hold a syntax error or that
 * nest deeper than MAX_DEPTH are listed in `problems` by line; the others are rows.
 */
export function parseJsonDocument(text: string, records?: string): Table {
  const builder = new RowBuilder(text, "json");
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (bom) builder.notes.push("Byte order mark at the start skipped.");
  const deep = deepRegions(text, bom, text.length);
  const all: ParseError[] = [];
  const root = parseTree(blank(text, deep).slice(bom), all, STRICT);
  // One unclosed bracket per level reports the same error at the same place: said once.
  const errors = all.filter((e, i) => i === 0 || e.offset !== all[i - 1].offset || e.error !== all[i - 1].error);
  const errorOffsets = errors.map((e) => e.offset + bom);
  errors.slice(0, MAX_LISTED_ERRORS).forEach((error, i) => {
    const line = builder.lineOf(errorOffsets[i]);
    builder.problems.push({ line, message: `Line ${line}: not valid JSON (${describe(error)}).` });
  });
  if (errors.length > MAX_LISTED_ERRORS) {
    const line = builder.lineOf(errorOffsets[MAX_LISTED_ERRORS]);
    builder.problems.push({ line, message: `Line ${line}: ${errors.length - MAX_LISTED_ERRORS} more JSON errors from here on.` });
  }
  if (!root || (root.type !== "array" && root.type !== "object")) {
    const line = root ? builder.lineOf(root.offset + bom) : 1;
    builder.problems.push({
      line,
      message: root ? `Line ${line}: the file holds a JSON ${root.type}; an array of objects was expected.` : "Line 1: the file holds no JSON value.",
    });
    return builder.table();
  }
  let arrays: Node[];
  if (records !== undefined && records.trim() !== "") {
    arrays = arraysAt(root, records.trim().split("."));
    if (arrays.length === 0) {
      const found = objectArrays(root);
      builder.problems.push({
        line: 1,
        message:
          `Line 1: no array of objects at "${records}"` +
          (found.length ? `; the arrays of objects are ${found.map((f) => `"${f.path}" (${f.objects})`).join(", ")}.` : "; the file holds none."),
      });
      return builder.table();
    }
  } else if (root.type === "array") {
    arrays = [root];
  } else {
    const found = objectArrays(root);
    const direct = found.filter((f) => !f.throughArray);
    if (direct.length === 0) {
      builder.problems.push({
        line: builder.lineOf(root.offset + bom),
        message:
          `Line ${builder.lineOf(root.offset + bom)}: the file holds a JSON object without an array of objects` +
          (found.length ? ` among its properties; inside its arrays: ${found.map((f) => `"${f.path}" (${f.objects})`).join(", ")}: name one as the records path.` : "; nothing to read as rows."),
      });
      return builder.table();
    }
    const best = direct.reduce((a, b) => (b.objects > a.objects ? b : a));
    const others = found.filter((f) => f !== best).map((f) => `"${f.path}" (${f.objects})`);
    builder.notice(
      `The file holds a JSON object: its rows are the ${best.objects} objects of "${best.path}", the largest array of objects in it` +
        (others.length ? `; also there: ${others.join(", ")} (name one as the records path to read it instead).` : "."),
    );
    arrays = best.nodes;
  }
  for (const array of arrays) {
    for (const element of array.children ?? []) {
      const start = element.offset + bom;
      const end = start + element.length;
      const line = builder.lineOf(start);
      const tooDeep = deep.find(([from]) => from >= start && from < end);
      if (tooDeep) {
        builder.problems.push({ line, message: `Line ${line}: this element nests deeper than ${MAX_DEPTH} levels (from line ${builder.lineOf(tooDeep[0])}); skipped.` });
      } else if (element.type !== "object") {
        builder.problems.push({ line, message: `Line ${line}: a JSON ${element.type} where an object was expected; skipped.` });
      } else if (errorOffsets.some((o) => o >= start && o < end)) {
        builder.problems.push({ line, message: `Line ${line}: this object holds a JSON error; skipped.` });
      } else {
        builder.add(element, bom);
      }
    }
  }
  return builder.table();
}

/** An array of objects found in a JSON object, by its path of property names. */
interface ObjectArrays {
  path: string;
  /** The arrays at that path (several when the path runs through an array of objects). */
  nodes: Node[];
  /** Objects in them. */
  objects: number;
  /** True when the path runs through an array (every element's property), not only through objects. */
  throughArray: boolean;
}

/** Every array holding objects inside `root`, grouped by path, in document order of first appearance. Iterative. */
function objectArrays(root: Node): ObjectArrays[] {
  const byPath = new Map<string, ObjectArrays>();
  const stack: { node: Node; path: string; throughArray: boolean }[] = [{ node: root, path: "", throughArray: false }];
  while (stack.length > 0) {
    const { node, path, throughArray } = stack.pop()!;
    const next: typeof stack = [];
    if (node.type === "object") {
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (!key || !value) continue;
        next.push({ node: value, path: path === "" ? String(key.value) : `${path}.${String(key.value)}`, throughArray });
      }
    } else if (node.type === "array") {
      const objects = (node.children ?? []).filter((child) => child.type === "object").length;
      if (objects > 0 && path !== "") {
        let entry = byPath.get(path);
        if (!entry) byPath.set(path, (entry = { path, nodes: [], objects: 0, throughArray }));
        entry.nodes.push(node);
        entry.objects += objects;
      }
      for (const child of node.children ?? []) if (child.type === "object") next.push({ node: child, path, throughArray: true });
    }
    // Pushed in reverse so that the document order is kept.
    for (let k = next.length - 1; k >= 0; k--) stack.push(next[k]);
  }
  return [...byPath.values()];
}

/** The arrays at a path of property names; a path through an array takes the property of each of its objects. */
function arraysAt(root: Node, path: string[]): Node[] {
  let nodes = [root];
  for (const name of path) {
    const next: Node[] = [];
    for (const node of nodes) {
      const objects = node.type === "array" ? (node.children ?? []).filter((c) => c.type === "object") : node.type === "object" ? [node] : [];
      for (const object of objects) {
        for (const property of object.children ?? []) {
          const [key, value] = property.children ?? [];
          if (key && value && String(key.value) === name) next.push(value);
        }
      }
    }
    nodes = next;
  }
  return nodes.filter((node) => node.type === "array" && (node.children ?? []).some((c) => c.type === "object"));
}

/**
 * Where `text[from, to)` nests deeper than MAX_DEPTH: each region runs from the bracket that opens level MAX_DEPTH + 1
 * to the one that closes it (or `to`). A linear scan that skips strings; brackets are counted without checking that
 * they match (the parser reports that).
 */
export function deepRegions(text: string, from: number, to: number): [number, number][] {
  const regions: [number, number][] = [];
  let depth = 0;
  let opened = -1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: to its closing quote, escapes stepped over.
      for (i++; i < to; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth === MAX_DEPTH + 1) opened = i;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth === MAX_DEPTH + 1) regions.push([opened, i + 1]);
      if (depth > 0) depth--;
    }
  }
  if (depth > MAX_DEPTH) regions.push([opened, to]);
  return regions;
}

/**
 * The text with each region replaced by a string literal of the same length (`"____"`), so every offset stays (lines
 * are counted on the original text). A string, not white space: jsonc-parser takes superlinear time over one long
 * run of white space (1 MB of spaces: 0.4 s), and linear over a string.
 */
function blank(text: string, regions: readonly [number, number][]): string {
  if (regions.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const [from, to] of regions) {
    parts.push(text.slice(at, from), to - from >= 2 ? `"${"_".repeat(to - from - 2)}"` : "0");
    at = to;
  }
  parts.push(text.slice(at));
  return parts.join("");
}

/**
 * A JSON value's source on one line: white space outside strings removed, everything else as written (numbers keep
 * their spelling, strings their escapes). What a nested array or object shows as in a cell.
 */
export function compactJson(source: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < source.length; i++) {
        const s = source.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      out += source.slice(from, i);
      from = i + 1;
    }
  }
  return out + source.slice(from);
}

/** Collects rows and columns (in order of first appearance) from object nodes. */
class RowBuilder {
  readonly starts: number[];
  readonly problems: Problem[] = [];
  readonly notes: string[] = [];
  private readonly rows: Row[] = [];
  private readonly columns: string[] = [];
  private readonly known = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly format: "json" | "jsonl",
  ) {
    this.starts = lineStarts(text);
  }

  lineOf(offset: number): number {
    return lineAt(this.starts, offset) + 1;
  }

  /** A note the reader is told always (see Table.notices). */
  notice(note: string): void {
    this.notes.push(note);
    this.notices.push(note);
  }

  private readonly notices: string[] = [];

  /**
   * Adds an object node whose offsets are relative to `base` in the text. A nested object's values become columns of
   * their own, named by their dotted path (`text.languageCode`), so each can be scored or grouped by; a nested array
   * is one cell, its JSON on one line. Cells and spans are null-prototype objects: a key such as `__proto__` or
   * `constructor` is a column like any other.
   */
  add(node: Node, base: number): void {
    const cells: Record<string, string> = Object.create(null);
    const spans: Record<string, CellSpan> = Object.create(null);
    const start = base + node.offset;
    const end = start + node.length;
    const line = this.lineOf(start);
    // Properties in source order, nested objects' in place: a stack of properties, each object's pushed in reverse.
    const stack: { property: Node; prefix: string }[] = [];
    const push = (object: Node, prefix: string) => {
      const properties = object.children ?? [];
      for (let k = properties.length - 1; k >= 0; k--) stack.push({ property: properties[k], prefix });
    };
    push(node, "");
    while (stack.length > 0) {
      const { property, prefix } = stack.pop()!;
      const [key, value] = property.children ?? [];
      if (!key || !value) continue;
      const name = prefix + String(key.value);
      if (value.type === "object" && (value.children?.length ?? 0) > 0) {
        push(value, `${name}.`);
        continue;
      }
      if (Object.hasOwn(cells, name)) {
        this.problems.push({ line, message: `Line ${line}: the key "${name}" appears twice in this object; the later value is not read.`, caveat: true });
        continue;
      }
      if (!this.known.has(name)) {
        this.known.add(name);
        this.columns.push(name);
      }
      const from = base + value.offset;
      const to = from + value.length;
      cells[name] =
        value.type === "string" ? value.value : value.type === "null" ? "" : value.type === "array" || value.type === "object" ? compactJson(this.text.slice(from, to)) : this.text.slice(from, to);
      spans[name] = value.type === "string" ? { start: from, end: to, quoted: true } : { start: from, end: to };
    }
    this.rows.push({ index: this.rows.length, line, endLine: this.lineOf(end), start, end, cells, spans });
  }

  table(): Table {
    return {
      format: this.format,
      columns: this.columns,
      rows: this.rows,
      problems: this.problems,
      delimiter: "",
      notes: this.notes,
      ...(this.notices.length > 0 && { notices: this.notices }),
    };
  }
}

const READABLE: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "a property name expected",
  ValueExpected: "a value expected",
  ColonExpected: "a colon expected",
  CommaExpected: "a comma expected",
  CloseBraceExpected: "a closing } expected",
  CloseBracketExpected: "a closing ] expected",
  EndOfFileExpected: "text after the end of the value",
  InvalidCommentToken: "a comment, which JSON does not allow",
  UnexpectedEndOfString: "a string that never closes",
  UnexpectedEndOfNumber: "a number cut short",
  InvalidUnicode: "a bad \\u escape",
  InvalidEscapeCharacter: "a bad escape",
  InvalidCharacter: "a control character inside a string",
};

function describe(error: ParseError): string {
  const name = printParseErrorCode(error.error);
  return Object.hasOwn(READABLE, name) ? READABLE[name] : name;
}
