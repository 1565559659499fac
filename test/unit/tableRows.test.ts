import { strict as assert } from "node:assert";
import { lineStarts } from "../../src/core/lines";
import type { Unit } from "../../src/core/types";
import { packFields, packSlice, pickPerUnit, RowFields, sliceTransfer, sliceUnits } from "../../src/engine/tables/rows";

describe("the table worker's units in columns (engine/tables/rows)", () => {
  const text = 'a,b\n"x\ny",1\nz,"q ""r"""\n';
  const units: Unit[] = [
    { start: 5, end: 8, text: "x\ny", kind: "row", fields: { b: "1" } },
    { start: 12, end: 13, text: "z", kind: "row", fields: { b: 'q "r"', "a \"b\"": "\u00e9\ud83d\ude00" } },
    { start: 15, end: 22, text: 'q "r"', kind: "row" },
  ];
  const lines = [2, 3, 4, 4, 4, 4];

  it("packs a slice: offsets, texts, lines and positions, and takes it apart again", () => {
    const slice = packSlice(units, lines, lineStarts(text), 0, 3);
    assert.deepEqual([...slice.starts], [5, 12, 15]);
    assert.deepEqual([...slice.ends], [8, 13, 22]);
    assert.deepEqual([...slice.lines], lines);
    assert.deepEqual([...slice.positions], [1, 1, 2, 1, 3, 0, 3, 1, 3, 3, 3, 10]);
    assert.deepEqual(sliceUnits(slice), units.map(({ start, end, text: t }) => ({ start, end, text: t, kind: "row" })));
    const tail = packSlice(units, lines, lineStarts(text), 2, 10);
    assert.deepEqual(sliceUnits(tail).map((u) => u.text), ['q "r"'], "a slice past the end holds the units there are");
    assert.equal(sliceUnits(packSlice(units, lines, lineStarts(text), 3, 10)).length, 0);
  });

  it("sends the texts as UTF-8 and gives each unit its exact text back; texts UTF-8 cannot carry come as one string", () => {
    const odd: Unit[] = [
      { start: 0, end: 1, text: "caf\u00e9 \ud83d\ude00 ok", kind: "row" },
      { start: 2, end: 3, text: "\ufeffstarts with U+FEFF", kind: "row" },
      { start: 4, end: 5, text: "", kind: "row" },
      { start: 6, end: 7, text: "plain", kind: "row" },
    ];
    const starts = lineStarts("a\nb\nc\nd\n");
    const slice = packSlice(odd, [1, 1, 2, 2, 3, 3, 4, 4], starts, 0, 4);
    assert.ok("utf8" in slice.texts, "well-formed texts go as UTF-8");
    assert.deepEqual([...slice.textEnds], [13, 34, 34, 39], "ends in bytes");
    assert.deepEqual(sliceUnits(slice).map((unit) => unit.text), odd.map((unit) => unit.text));
    assert.deepEqual(sliceTransfer(slice), [slice.texts.utf8.buffer]);
    const lone: Unit[] = [odd[3], { start: 8, end: 9, text: "half a pair \ud83d here", kind: "row" }];
    const wide = packSlice(lone, [4, 4, 5, 5], lineStarts("a\nb\nc\nd\ne\n"), 0, 2);
    assert.ok("string" in wide.texts, "a lone surrogate keeps the slice's texts a string");
    assert.deepEqual(sliceUnits(wide).map((unit) => unit.text), lone.map((unit) => unit.text));
    assert.deepEqual(sliceTransfer(wide), []);
  });

  it("fields as one JSON text, by unit index; a pick keeps the order asked for; out of range is undefined", () => {
    const fields = new RowFields(packFields(units));
    assert.equal(fields.length, 3);
    assert.deepEqual([0, 1, 2].map((i) => ({ ...fields.get(i) })), [units[0].fields, units[1].fields, {}]);
    assert.equal(Object.getPrototypeOf(fields.get(0)), null, "null-prototype: a field named constructor is data");
    assert.equal(fields.json(0), '{"b":"1"}');
    assert.equal(fields.get(3), undefined);
    assert.equal(fields.get(-1), undefined);
    const picked = fields.pick([2, 0]);
    assert.equal(picked.length, 2);
    assert.deepEqual([{ ...picked.get(0) }, { ...picked.get(1) }], [{}, units[0].fields]);
    assert.deepEqual({ ...picked.pick([1]).get(0) }, units[0].fields, "a pick of a pick");
  });

  it("picks per-unit entries in the kind of array given", () => {
    assert.deepEqual(pickPerUnit([1, 2, 3, 4, 5, 6], 2, [2, 0]), [5, 6, 1, 2]);
    const typed = pickPerUnit(new Uint32Array([1, 2, 3, 4, 5, 6, 7, 8]), 4, [1]);
    assert.ok(typed instanceof Uint32Array);
    assert.deepEqual([...typed], [5, 6, 7, 8]);
  });
});
