/**
 * Tables as a source of units (CSV, TSV, JSON Lines, JSON, read in the table worker): one unit per row of the text
 * column, never segmented; with a selection, the rows it touches. Pure: no `vscode` (the editor gives the reading of
 * rows, editor/tableSources.ts).
 */
import type { RuleSettings } from "../../core/judge";
import type { Unit } from "../../core/types";
import type { TableRead } from "../../engine/tables/tableClient";
import type { AnalysedDocument, Span } from "./document";
import { pickRows, type DocumentUnits, type TableInfo, type UnitSource } from "./source";

/** Reads a document's rows by its text column; throws when no column is chosen. */
export type ReadRows<D> = (document: D, rules: RuleSettings) => Promise<{ read: TableRead; info: TableInfo }>;

export class TableSource<D extends AnalysedDocument> implements UnitSource<D> {
  constructor(
    private readonly readRows: ReadRows<D>,
    /** The rules rows are judged by in the table worker. */
    private readonly rules: () => Promise<RuleSettings>,
    /** Drops the worker's copy of a closed document's table. */
    private readonly forgetTable: (uri: D["uri"]) => void,
  ) {}

  async units(document: D, selection: Span | undefined, stale: () => boolean): Promise<DocumentUnits | undefined> {
    const { read, info } = await this.readRows(document, await this.rules());
    if (stale()) return undefined;
    const rows = { lines: read.lines, positions: read.positions, fields: read.fields };
    const skipped = read.notScored;
    if (!selection) return { units: read.units, table: info, ...rows, ...(skipped.units.length > 0 && { notScored: skipped }) };
    const { start: from, end: to } = selection;
    const touched = (units: readonly Unit[]) => units.flatMap((unit, i) => (unit.start <= to && from <= unit.end ? [i] : []));
    const kept = touched(read.units);
    const keptSkipped = touched(skipped.units);
    return {
      units: kept.map((i) => read.units[i]),
      table: info,
      ...pickRows(rows, kept),
      ...(keptSkipped.length > 0 && {
        notScored: { units: keptSkipped.map((i) => skipped.units[i]), reasons: keptSkipped.map((i) => skipped.reasons[i]), ...pickRows(skipped, keptSkipped) },
      }),
    };
  }

  forget(uri: D["uri"]): void {
    this.forgetTable(uri);
  }
}
