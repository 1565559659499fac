/**
 * A parsed table's text column as the inputs of scored units: one "row" unit per cell that is an answer, at the cell
 * content's exact offsets, carrying the row's other columns; the other rows as not scored, with the reason. Pure: the editor's table worker and any other caller share it.
 */
import { compileRules, judgeText, notScored, type CompiledRules, type JudgeRules } from "../judge";
import type { NotScored } from "../notScored";
import type { Unit } from "../types";
import { chooseTextColumn, sampleValues, textUnits, type TextUnit } from "./columns";
import type { Problem, Table, TableFormat } from "./table";

/** What a person needs to choose the text column, and what was noticed while reading. */
export interface TableSummary {
  format: TableFormat;
  columns: string[];
  /** A few distinct values per column, each cut short, for the column pick. */
  samples: Record<string, string[]>;
  /** The column chooseTextColumn suggests (most distinct free text). */
  suggested?: string;
  /** Each column's question text, in a survey export that has one (see Table.questions). */
  questions?: Map<string, string>;
  /** Data rows read. */
  rows: number;
  /** What was done without being a problem (delimiter detected, byte order mark skipped). */
  notes: string[];
  /** Of `notes`, those to tell the person choosing (survey header rows left out, the array read in a JSON object). */
  notices?: string[];
}

/** Sample values shown per column, and their length. */
const SAMPLES = 3;
const SAMPLE_LENGTH = 60;

/** The summary of a table, for the column pick. */
export function summarizeTable(table: Table): TableSummary {
  return {
    format: table.format,
    columns: [...table.columns],
    samples: Object.fromEntries(table.columns.map((column) => [column, sampleValues(table, column, SAMPLES, SAMPLE_LENGTH)])),
    suggested: chooseTextColumn(table),
    ...(table.questions && { questions: new Map(table.questions) }),
    rows: table.rows.length,
    notes: [...table.notes],
    ...(table.notices && { notices: [...table.notices] }),
  };
}

/** A table's text column as units, with their lines. */
export interface RowUnits {
  /** The rows to score. */
  units: Unit[];
  /** 1-based first and last line of each unit's cell, two entries per unit (so no line arithmetic over the text). */
  lines: number[];
  /** The rows not to score, each with its reason, in row order (every data row is in `units` or here). */
  notScored: { units: Unit[]; lines: number[]; reasons: NotScored[] };
  /** What the parser could not read, in line order. */
  problems: Problem[];
}

/**
 * The text column's cells as units of kind "row", in row order; `fields` holds the row's other cells (those it has).
 * A row whose cell is empty, or that `rules` judge not to be an answer (see judgeText), goes to `notScored` with its
 * reason. Throws MissingColumnError when the column does not exist.
 */
export function rowUnits(table: Table, column: string, rules: JudgeRules | CompiledRules = {}): RowUnits {
  const { units: cells, empty } = textUnits(table, column);
  const compiled = "compiled" in rules ? rules : compileRules(rules);
  const others = table.columns.filter((name) => name !== column);
  const unitOf = (cell: TextUnit): Unit => {
    const row = table.rows[cell.row].cells;
    // Keyed by the file's column names: a null-prototype object, so a column named `__proto__` is a field like any other.
    const fields: Record<string, string> = Object.create(null);
    for (const name of others) if (Object.hasOwn(row, name)) fields[name] = row[name];
    return { start: cell.start, end: cell.end, text: cell.text, kind: "row", fields };
  };
  const out: RowUnits = { units: [], lines: [], notScored: { units: [], lines: [], reasons: [] }, problems: [...table.problems] };
  const skip = (cell: TextUnit, why: NotScored) => {
    out.notScored.units.push(unitOf(cell));
    out.notScored.lines.push(cell.line, cell.endLine);
    out.notScored.reasons.push(why);
  };
  // Both lists are in row order: merged as they go, so the not-scored rows are too.
  let e = 0;
  for (const cell of cells) {
    for (; e < empty.length && empty[e].row < cell.row; e++) skip(empty[e], notScored("empty"));
    const why = judgeText(cell.text, compiled);
    if (why) skip(cell, why);
    else {
      out.units.push(unitOf(cell));
      out.lines.push(cell.line, cell.endLine);
    }
  }
  for (; e < empty.length; e++) skip(empty[e], notScored("empty"));
  return out;
}

/**
 * One sentence about a file's problems for a warning: how many, then the first few messages (which name their lines).
 */
export function describeProblems(problems: readonly Problem[], shown = 3): string {
  if (problems.length === 0) return "";
  const first = problems.slice(0, shown).map((problem) => problem.message);
  const more = problems.length - first.length;
  const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  return `${count}: ${first.join(" ")}${more > 0 ? ` (and ${more} more)` : ""}`;
}
