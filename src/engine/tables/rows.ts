/**
 * The table worker's units in columns (see UnitSlice in protocol.ts): packed in the worker, taken apart on the host,
 * where a row's fields stay JSON text until they are shown. Pure (no `vscode`, no `node:`): a web shell of the table
 * worker can share it.
 */
import { lineAt } from "../../core/lines";
import type { Unit } from "../../core/types";
import type { UnitSlice } from "./protocol";

/** Units `from` to `to` (exclusive) of `units` as a slice; `lines` has two entries per unit, `lineStarts` is the text's. */
export function packSlice(units: readonly Unit[], lines: readonly number[], lineStarts: readonly number[], from: number, to: number): UnitSlice {
  const count = Math.max(0, Math.min(to, units.length) - from);
  const slice: UnitSlice = {
    starts: new Uint32Array(count),
    ends: new Uint32Array(count),
    texts: new Array<string>(count),
    lines: new Uint32Array(lines.slice(from * 2, (from + count) * 2)),
    positions: new Uint32Array(count * 4),
    fields: "",
    fieldEnds: new Uint32Array(count),
  };
  const fields: string[] = [];
  let length = 0;
  for (let k = 0; k < count; k++) {
    const { start, end, text, fields: cells } = units[from + k];
    slice.starts[k] = start;
    slice.ends[k] = end;
    slice.texts[k] = text;
    const startLine = lineAt(lineStarts, start);
    const endLine = lineAt(lineStarts, end);
    slice.positions.set([startLine, start - lineStarts[startLine], endLine, end - lineStarts[endLine]], k * 4);
    const json = JSON.stringify(cells ?? {});
    fields.push(json);
    length += json.length;
    slice.fieldEnds[k] = length;
  }
  slice.fields = fields.join("");
  return slice;
}

/** A slice's units as the host holds them: offsets and text (their fields stay in the slice, see RowFields). */
export function sliceUnits(slice: UnitSlice): Unit[] {
  const units = new Array<Unit>(slice.texts.length);
  for (let k = 0; k < units.length; k++) units[k] = { start: slice.starts[k], end: slice.ends[k], text: slice.texts[k], kind: "row" };
  return units;
}

/**
 * The fields of a table's units (the row's other columns), by unit index, kept as the JSON text they came in: a few
 * long strings instead of an object and a dozen strings per row. `get` parses one row's.
 */
export class RowFields {
  private constructor(
    /** The slices' fields, in order. */
    private readonly slices: readonly Pick<UnitSlice, "fields" | "fieldEnds">[],
    /** The index of each slice's first unit. */
    private readonly firsts: readonly number[],
    /** The units of a pick, as indices into the slices' units; absent: all of them, in order. */
    private readonly indices?: Uint32Array,
  ) {}

  /** The fields of every unit of these slices, in order. */
  static of(slices: readonly Pick<UnitSlice, "fields" | "fieldEnds">[]): RowFields {
    const firsts: number[] = [];
    let count = 0;
    for (const slice of slices) {
      firsts.push(count);
      count += slice.fieldEnds.length;
    }
    firsts.push(count);
    return new RowFields(slices, firsts);
  }

  /** How many units. */
  get length(): number {
    return this.indices ? this.indices.length : this.firsts[this.firsts.length - 1];
  }

  /** Unit `i`'s fields as JSON text (an object of strings); `i` must be below `length`. */
  json(i: number): string {
    const unit = this.indices ? this.indices[i] : i;
    // The last slice whose first unit is at or before this one.
    let [low, high] = [0, this.slices.length - 1];
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.firsts[mid] <= unit) low = mid;
      else high = mid - 1;
    }
    const { fields, fieldEnds } = this.slices[low];
    const k = unit - this.firsts[low];
    return fields.slice(k > 0 ? fieldEnds[k - 1] : 0, fieldEnds[k]);
  }

  /** Unit `i`'s fields, parsed (a new object each time), or undefined past the end. */
  get(i: number): Record<string, string> | undefined {
    return Number.isInteger(i) && i >= 0 && i < this.length ? (JSON.parse(this.json(i)) as Record<string, string>) : undefined;
  }

  /** The fields of the units at `indices`, in that order (a selection's units, the visible ones). */
  pick(indices: readonly number[]): RowFields {
    const own = this.indices;
    return new RowFields(this.slices, this.firsts, Uint32Array.from(indices, (i) => (own ? own[i] : i)));
  }
}

/** The entries of `perUnit` (`width` per unit) for the units at `indices`, in that order, in the same kind of array. */
export function pickPerUnit(perUnit: readonly number[], width: number, indices: readonly number[]): number[];
export function pickPerUnit(perUnit: Uint32Array, width: number, indices: readonly number[]): Uint32Array;
export function pickPerUnit(perUnit: readonly number[] | Uint32Array, width: number, indices: readonly number[]): number[] | Uint32Array {
  const out = perUnit instanceof Uint32Array ? new Uint32Array(indices.length * width) : new Array<number>(indices.length * width);
  indices.forEach((i, k) => {
    for (let w = 0; w < width; w++) out[k * width + w] = perUnit[i * width + w];
  });
  return out;
}
