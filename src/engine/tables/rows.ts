/**
 * The table worker's units in columns (see UnitSlice and FieldsText in tableProtocol.ts): packed in the worker, taken apart
 * on the host, where a row's fields stay JSON text until they are shown. Pure (no `vscode`, no `node:`): a web shell
 * of the table worker can share it.
 */
import { notScored } from "../../core/judge";
import { lineAt } from "../../core/lines";
import type { NotScored, NotScoredReason } from "../../core/notScored";
import type { Unit } from "../../core/types";
import { nullProto } from "../../core/own";
import type { FieldsText, SliceReasons, UnitSlice } from "./tableProtocol";

/** Units `from` to `to` (exclusive) of `units` as a slice; `lines` has two entries per unit, `lineStarts` is the text's. */
export function packSlice(units: readonly Unit[], lines: readonly number[], lineStarts: readonly number[], from: number, to: number): UnitSlice {
  const count = Math.max(0, Math.min(to, units.length) - from);
  const slice: UnitSlice = {
    starts: new Uint32Array(count),
    ends: new Uint32Array(count),
    texts: { string: "" },
    textEnds: new Uint32Array(count),
    lines: new Uint32Array(lines.slice(from * 2, (from + count) * 2)),
    positions: new Uint32Array(count * 4),
  };
  const texts: string[] = [];
  for (let k = 0; k < count; k++) {
    const { start, end, text } = units[from + k];
    slice.starts[k] = start;
    slice.ends[k] = end;
    texts.push(text);
    const startLine = lineAt(lineStarts, start);
    const endLine = lineAt(lineStarts, end);
    slice.positions.set([startLine, start - lineStarts[startLine], endLine, end - lineStarts[endLine]], k * 4);
  }
  const joined = texts.join("");
  if (!(joined as string & { isWellFormed(): boolean }).isWellFormed()) {
    let length = 0;
    texts.forEach((text, k) => (slice.textEnds[k] = length += text.length));
    slice.texts = { string: joined };
    return slice;
  }
  // At most 3 bytes per UTF-16 code unit; each text is written where the last one ended.
  const bytes = new Uint8Array(joined.length * 3);
  let written = 0;
  texts.forEach((text, k) => (slice.textEnds[k] = written += encoder.encodeInto(text, bytes.subarray(written)).written));
  slice.texts = { utf8: bytes.slice(0, written) };
  return slice;
}

/** The reasons in the order SliceReasons numbers them. */
export const NOT_SCORED_REASONS: readonly NotScoredReason[] = ["empty", "missing", "non-answer", "language", "no-words"];

/** Reasons `from` to `to` (exclusive) of `reasons`, in columns. */
export function packReasons(reasons: readonly NotScored[], from: number, to: number): SliceReasons {
  const count = Math.max(0, Math.min(to, reasons.length) - from);
  const packed: SliceReasons = { reasons: new Uint8Array(count), details: new Uint16Array(count), names: [] };
  const named = new Map<string, number>();
  for (let k = 0; k < count; k++) {
    const { reason, detail } = reasons[from + k];
    packed.reasons[k] = NOT_SCORED_REASONS.indexOf(reason);
    if (detail === undefined) continue;
    let at = named.get(detail);
    if (at === undefined) named.set(detail, (at = packed.names.push(detail)));
    packed.details[k] = at;
  }
  return packed;
}

/** A slice's reasons as NotScored objects (one object per reason and detail: see core/judge.ts `notScored`). */
export function unpackReasons({ reasons, details, names }: SliceReasons): NotScored[] {
  return Array.from(reasons, (code, k) => notScored(NOT_SCORED_REASONS[code] ?? "empty", details[k] > 0 ? names[details[k] - 1] : undefined));
}

/** What to hand over with a slice (its UTF-8 texts' buffer) instead of copying it. */
export function sliceTransfer(slice: UnitSlice): ArrayBuffer[] {
  return "utf8" in slice.texts ? [slice.texts.utf8.buffer] : [];
}

const encoder = new TextEncoder();

/** The fields of `units` (an empty object for a unit without any) as one UTF-8 text; post its buffer as a transfer. */
export function packFields(units: readonly Unit[]): FieldsText {
  const encoded = units.map((unit) => encoder.encode(JSON.stringify(unit.fields ?? {})));
  const ends = new Uint32Array(units.length);
  let length = 0;
  encoded.forEach((one, i) => (ends[i] = length += one.length));
  const bytes = new Uint8Array(length);
  encoded.forEach((one, i) => bytes.set(one, i > 0 ? ends[i - 1] : 0));
  return { bytes, ends };
}

/** A slice's units as the host holds them: offsets and text (their fields are kept apart, see RowFields). */
export function sliceUnits(slice: UnitSlice): Unit[] {
  const { texts, textEnds } = slice;
  const textOf = "utf8" in texts ? (from: number, to: number) => decoder.decode(texts.utf8.subarray(from, to)) : (from: number, to: number) => texts.string.slice(from, to);
  const units = new Array<Unit>(textEnds.length);
  let from = 0;
  for (let k = 0; k < units.length; k++) {
    const to = textEnds[k];
    units[k] = { start: slice.starts[k], end: slice.ends[k], text: textOf(from, to), kind: "row" };
    from = to;
  }
  return units;
}

/** Decodes units' texts and fields exactly: a text that starts with U+FEFF keeps it (the default drops it as a BOM). */
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * The fields of a table's units (the row's other columns), by unit index, kept as the UTF-8 JSON they came in: one
 * buffer instead of an object and a dozen strings per row. `json` decodes one row's, `get` parses it.
 */
export class RowFields {
  constructor(
    private readonly text: FieldsText,
    /** The units of a pick, as indices into `text`'s; absent: all of them, in order. */
    private readonly indices?: Uint32Array,
  ) {}

  /** How many units. */
  get length(): number {
    return this.indices ? this.indices.length : this.text.ends.length;
  }

  /** Unit `i`'s fields as JSON text (an object of strings); `i` must be below `length`. */
  json(i: number): string {
    const unit = this.indices ? this.indices[i] : i;
    const { bytes, ends } = this.text;
    return decoder.decode(bytes.subarray(unit > 0 ? ends[unit - 1] : 0, ends[unit]));
  }

  /**
   * Unit `i`'s fields, parsed (a new object each time), or undefined past the end. A null-prototype object: a field
   * named `constructor` that the row lacks reads undefined, not Object's function.
   */
  get(i: number): Record<string, string> | undefined {
    return Number.isInteger(i) && i >= 0 && i < this.length ? nullProto(JSON.parse(this.json(i)) as Record<string, string>) : undefined;
  }

  /** The fields of the units at `indices`, in that order (a selection's units, the visible ones). */
  pick(indices: readonly number[]): RowFields {
    const own = this.indices;
    return new RowFields(this.text, Uint32Array.from(indices, (i) => (own ? own[i] : i)));
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
