/**
 * JSON Lines and JSON arrays of objects, with exact offsets, through Microsoft's jsonc-parser (the parser VS Code uses
 * for its own settings): its syntax tree gives every value's offset and length, and it keeps going after an error, so
 * the objects before and after a broken one are still read.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { lineAt, lineStarts } from "../lines";
import type { CellSpan, Problem, Row, Table } from "./table";

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: true } as const;

/** Parse errors listed per file before the rest are summed up in one line. */
const MAX_LISTED_ERRORS = 20;

/**
 * One JSON object per line. Blank lines are skipped; a line that is not valid JSON, or not an object, is listed in
 * `problems` with its line number and every other line is still read.
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
    const errors: ParseError[] = [];
    const root = parseTree(source, errors, STRICT);
    const line = l + 1;
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
 * A JSON array of objects. Elements that are not objects, or that hold a syntax error, are listed in `problems` by
 * line; the others are rows.
 */
export function parseJsonArray(text: string): Table {
  const builder = new RowBuilder(text, "json");
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (bom) builder.notes.push("Byte order mark at the start skipped.");
  const errors: ParseError[] = [];
  const root = parseTree(bom ? text.slice(1) : text, errors, STRICT);
  const errorOffsets = errors.map((e) => e.offset + bom);
  errors.slice(0, MAX_LISTED_ERRORS).forEach((error, i) => {
    const line = builder.lineOf(errorOffsets[i]);
    builder.problems.push({ line, message: `Line ${line}: not valid JSON (${describe(error)}).` });
  });
  if (errors.length > MAX_LISTED_ERRORS) {
    const line = builder.lineOf(errorOffsets[MAX_LISTED_ERRORS]);
    builder.problems.push({ line, message: `Line ${line}: ${errors.length - MAX_LISTED_ERRORS} more JSON errors from here on.` });
  }
  if (!root || root.type !== "array") {
    const line = root ? builder.lineOf(root.offset + bom) : 1;
    builder.problems.push({
      line,
      message: root ? `Line ${line}: the file holds a JSON ${root.type}; an array of objects was expected.` : "Line 1: the file holds no JSON value.",
    });
    return builder.table();
  }
  for (const element of root.children ?? []) {
    const start = element.offset + bom;
    const end = start + element.length;
    const line = builder.lineOf(start);
    if (element.type !== "object") {
      builder.problems.push({ line, message: `Line ${line}: a JSON ${element.type} where an object was expected; skipped.` });
    } else if (errorOffsets.some((o) => o >= start && o < end)) {
      builder.problems.push({ line, message: `Line ${line}: this object holds a JSON error; skipped.` });
    } else {
      builder.add(element, bom);
    }
  }
  return builder.table();
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

  /** Adds an object node whose offsets are relative to `base` in the text. */
  add(node: Node, base: number): void {
    const cells: Record<string, string> = {};
    const spans: Record<string, CellSpan> = {};
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || !value) continue;
      const name = String(key.value);
      if (!this.known.has(name)) {
        this.known.add(name);
        this.columns.push(name);
      }
      const start = base + value.offset;
      const end = start + value.length;
      cells[name] = value.type === "string" ? value.value : value.type === "null" ? "" : this.text.slice(start, end);
      spans[name] = value.type === "string" ? { start, end, quoted: true } : { start, end };
    }
    const start = base + node.offset;
    const end = start + node.length;
    this.rows.push({ index: this.rows.length, line: this.lineOf(start), endLine: this.lineOf(end), start, end, cells, spans });
  }

  table(): Table {
    return { format: this.format, columns: this.columns, rows: this.rows, problems: this.problems, delimiter: "", notes: this.notes };
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
  return READABLE[name] ?? name;
}
