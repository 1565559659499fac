import { strict as assert } from "node:assert";
import { decodeSource, decodeTabular, BINARY_REASON } from "../../src/core/sourceFiles";
import { MissingColumnError, parseTable } from "../../src/core/tables";
import { describeProblems, rowUnits, summarizeTable } from "../../src/core/tables/units";

describe("tabular units (core/tables/units)", () => {
  const text = 'id,comment,airline\r\n1,"Great crew, thanks",Virgin\r\n2,"Lost my bag.\r\nNobody ""cares""",United\r\n3,,Delta\r\n4,Short row\r\n';
  const table = parseTable(text, { format: "csv" });

  it("one row unit per non-empty text cell, at the cell content's offsets, with the row's other fields; the empty cell is not scored", () => {
    const { units, lines, problems, notScored } = rowUnits(table, "comment");
    assert.deepEqual(units.map((u) => text.slice(u.start, u.end)), ["Great crew, thanks", 'Lost my bag.\r\nNobody ""cares""', "Short row"]);
    assert.deepEqual(units.map((u) => u.text), ["Great crew, thanks", 'Lost my bag.\r\nNobody "cares"', "Short row"]);
    assert.ok(units.every((u) => u.kind === "row"));
    assert.deepEqual({ ...units[1].fields }, { id: "2", airline: "United" });
    assert.deepEqual({ ...units[2].fields }, { id: "4" }, "a short row has no cell for the missing column");
    assert.equal(Object.getPrototypeOf(units[1].fields), null, "fields keyed by column names have no prototype");
    assert.deepEqual(lines, [2, 2, 3, 4, 6, 6], "the quoted multi-line cell spans lines 3-4");
    assert.deepEqual(problems.map((p) => p.line), [6], "the short row, by line: read with a caveat");
    assert.deepEqual(notScored.reasons, [{ reason: "empty" }]);
    assert.deepEqual(notScored.lines, [5, 5]);
    assert.deepEqual({ ...notScored.units[0].fields }, { id: "3", airline: "Delta" });
  });

  it("a column that does not exist throws MissingColumnError naming it", () => {
    assert.throws(() => rowUnits(table, "text"), (e: unknown) => e instanceof MissingColumnError && /"text"/.test(e.message));
  });

  it("summarizes columns with samples and the suggested text column", () => {
    const summary = summarizeTable(table);
    assert.deepEqual(summary.columns, ["id", "comment", "airline"]);
    assert.equal(summary.suggested, "comment");
    assert.equal(summary.rows, 4);
    assert.deepEqual(summary.samples.airline, ["Virgin", "United", "Delta"]);
  });

  it("describes problems by count and the first few messages", () => {
    const problems = Array.from({ length: 5 }, (_, i) => ({ line: i + 2, message: `Line ${i + 2}: bad.` }));
    assert.equal(describeProblems(problems, 2), "5 problems: Line 2: bad. Line 3: bad. (and 3 more)");
    assert.equal(describeProblems(problems.slice(0, 1)), "1 problem: Line 2: bad.");
    assert.equal(describeProblems([]), "");
  });
});

describe("decodeTabular / decodeSource (core/sourceFiles)", () => {
  it("a UTF-16 table is decoded before the binary check; a binary file is still refused", () => {
    const source = "id,text\n1,hello\n";
    const bytes = new Uint8Array(2 + source.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < source.length; i++) bytes[2 + i * 2] = source.charCodeAt(i);
    assert.equal(decodeTabular(bytes).text, source);
    assert.equal(decodeSource(bytes, "survey.csv"), source);
    assert.throws(() => decodeSource(bytes, "notes.txt"), new RegExp(BINARY_REASON.slice(0, 20)));
    assert.throws(() => decodeTabular(new Uint8Array([0x61, 0x00, 0x00, 0x00, 0x62])), new RegExp(BINARY_REASON.slice(0, 20)));
  });
});
