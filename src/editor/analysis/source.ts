/**
 * The second step: a document's source of units. Prose (paragraphs, sentences or lines, judged) and tables (one unit
 * per row of the text column, read in the table worker) are two implementations of one interface, so the run
 * (pipeline.ts) never asks which kind a document is. Pure: no `vscode`.
 */
import type { NotScored } from "../../core/notScored";
import type { Problem } from "../../core/tables";
import type { Unit } from "../../core/types";
import { pickPerUnit, type RowFields } from "../../engine/tables/rows";
import type { AnalysedDocument, Span } from "./document";

/** The table side of a document's results. */
export interface TableInfo {
  columns: string[];
  textColumn: string;
  /** Rows that could not be read, each naming its line. */
  problems: Problem[];
}

/** What a tabular source knows per unit, index by index with its units. */
export interface RowData {
  /** 1-based first and last line of each unit's row, two entries per unit. */
  lines?: readonly number[];
  /** 0-based line and character of each unit's start, then of its end (four entries per unit). */
  positions?: Uint32Array;
  /** Each unit's other columns, by unit index (parsed when asked for). */
  fields?: RowFields;
}

/** Units that are not scored, with the reason of each; a table's come with their lines, positions and fields. */
export interface NotScoredUnits extends RowData {
  units: Unit[];
  reasons: NotScored[];
}

/** Units of a document, with the table they came from when it is a tabular source. */
export interface DocumentUnits extends RowData {
  units: Unit[];
  table?: TableInfo;
  notScored?: NotScoredUnits;
}

/** Where a document's units come from. */
export interface UnitSource<D extends AnalysedDocument = AnalysedDocument> {
  /**
   * The units of the document (or of `selection`, by offsets), parsed off the hot path; undefined when `stale` said
   * the version changed meanwhile. May throw (a table whose text column is not chosen).
   */
  units(document: D, selection: Span | undefined, stale: () => boolean): Promise<DocumentUnits | undefined>;
  /** Drops what the source keeps for a closed document. */
  forget(uri: D["uri"]): void;
}

/** The per-unit data of the units at `indices`, in that order. */
export function pickRows(rows: RowData, indices: readonly number[]): RowData {
  return {
    ...(rows.lines && { lines: pickPerUnit(rows.lines, 2, indices) }),
    ...(rows.positions && { positions: pickPerUnit(rows.positions, 4, indices) }),
    ...(rows.fields && { fields: rows.fields.pick(indices) }),
  };
}
