/**
 * Issue 24, item 3: column names such as `__proto__`, `constructor` and `toString` are data everywhere, from the
 * parser through the table worker's packing to reports, groups and the label map. Each case failed before its fix
 * (the message it failed with is quoted).
 */
import { strict as assert } from "node:assert";
import { groupItems } from "../../src/core/summary/groups";
import { SummaryList } from "../../src/core/summary/list";
import { aggregate } from "../../src/core/summary/aggregate";
import { labelPolarity } from "../../src/core/polarity";
import { renderReport, reportTable } from "../../src/core/report";
import type { SummaryFile, SummaryModel } from "../../src/core/summary/summaryModel";
import { parseTable } from "../../src/core/tables";
import { rowUnits } from "../../src/core/tables/units";
import { packFields, RowFields } from "../../src/engine/tables/rows";

/** A tabular file as the CLI and the editor report it: its text column's units with the row's other cells as fields. */
function fileOf(name: string, text: string, column: string): SummaryFile {
  const table = parseTable(text, { format: name.endsWith(".jsonl") ? "jsonl" : "csv" });
  const { units } = rowUnits(table, column);
  // Through the table worker's packing, as the editor gets them.
  const fields = new RowFields(packFields(units));
  return {
    uri: `file:///tmp/${name}`,
    name,
    columns: table.columns,
    textColumn: column,
    units: units.map((unit, i) => ({
      startLine: 1,
      endLine: 1,
      text: unit.text,
      label: i % 2 ? "NEGATIVE" : "POSITIVE",
      score: 0.9,
      polarity: i % 2 ? "negative" : "positive",
      probabilities: { NEGATIVE: i % 2 ? 0.9 : 0.1, POSITIVE: i % 2 ? 0.1 : 0.9 },
      fields: fields.get(i)!,
    })),
  };
}

const hostile = "constructor,__proto__,toString,text\nx,y,z,I love it\n,,,I hate it\n";
const plain = "text,a\nFine,1\n";
const model = (): SummaryModel => ({
  kind: "folder",
  title: "2 files",
  model: "m",
  files: [fileOf("three.csv", hostile, "text"), fileOf("plain.csv", plain, "text"), fileOf("proto.jsonl", '{"text": "ok", "__proto__": "p"}\n{"text": "no"}\n', "text")],
});

describe("keys named like Object.prototype's, end to end (issue 24)", () => {
  it("the table worker's fields keep __proto__ as a field and read absent names as absent", () => {
    const units = model().files[0].units;
    assert.equal(units[0].fields!.__proto__, "y");
    assert.equal(Object.hasOwn(units[0].fields!, "__proto__"), true);
    assert.equal(model().files[1].units[0].fields!.constructor, undefined);
  });

  it('CSV export: no "Invalid Casting Value"; Markdown: no "function Object()"; JSON: the fields as they are', () => {
    const { header, rows } = reportTable(model());
    assert.deepEqual(header.slice(-4), ["constructor", "__proto__", "toString", "a"]);
    assert.deepEqual(rows.map((row) => row.slice(-4)), [
      ["x", "y", "z", ""],
      ["", "", "", ""],
      ["", "", "", "1"],
      ["", "p", "", ""],
      ["", "", "", ""],
    ]);
    const csv = renderReport(model(), "csv", {});
    assert.match(csv, /^three\.csv,1,1,POSITIVE,0\.9,positive,,,I love it,x,y,z,$/m);
    const markdown = renderReport(model(), "markdown", {});
    assert.doesNotMatch(markdown, /function|\[object Object\]|native code/);
    const json = JSON.parse(renderReport(model(), "json", {})) as { units: { fields?: Record<string, string> }[] };
    assert.deepEqual(json.units[0].fields, JSON.parse('{"constructor": "x", "__proto__": "y", "toString": "z"}'));
    assert.deepEqual(json.units[2].fields, { a: "1" });
  });

  it('--group-by constructor: no "keyOf(...).trim is not a function"; rows without the cell are in the empty group', () => {
    const summary = aggregate(model(), { groupBy: "constructor" });
    assert.deepEqual(summary.groups?.map((g) => [g.key, g.count]), [["", 4], ["x", 1]]);
    const byProto = aggregate(model(), { groupBy: "__proto__" });
    assert.deepEqual(byProto.groups?.map((g) => [g.key, g.count]).sort(), [["", 3], ["p", 1], ["y", 1]]);
    const items = [{ polarity: "positive" as const, sentiment: 1, fields: {} }];
    assert.deepEqual(groupItems(items, "toString").map((g) => g.key), [""]);
    const list = new SummaryList([{ ...items[0], text: "a" }]);
    assert.deepEqual([...list.query({ group: { column: "constructor", value: "" } })], [0]);
  });

  it("a model label named constructor reads by its name, not as Object's function from the label map", () => {
    assert.equal(labelPolarity("constructor", {}), "neutral");
    assert.equal(labelPolarity("constructor", { constructor: "negative" } as Record<string, "negative">), "negative");
  });
});
