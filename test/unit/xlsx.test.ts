import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFormatOf } from "../../src/core/tables";
import { rowUnits, summarizeTable } from "../../src/core/tables/units";
import { cellText, readWorkbook, sheetNames, WorkbookError } from "../../src/core/tables/xlsx";
import { TableClient } from "../../src/engine/tables/tableClient";
import { writeXlsx, type XlsxSheet } from "../xlsxWriter";
import { CLI, MINI_MODEL, ROOT } from "./helpers";
import { tableThread } from "../../src/engine/node/threads";

/** Every kind of cell the reader meets, in a sheet with gaps and a merged header cell. */
const KINDS: XlsxSheet = {
  name: "Answers",
  merges: ["C1:D1"],
  rows: [
    ["id", "comment", "Rating", null, "when", "ok", "id"],
    [1, "Great crew, thanks", 5, 4.5, { date: 45000 }, true, "a"],
    [2, { inline: "  Lost my bag.\nNobody cares " }, 1, 0.1 + 0.2, { date: 45000.5, time: true }, false, "b"],
    [3, { rich: ["Bold ", "and", " plain"] }, null, -1234567.25, null, { error: "#N/A" }, "c"],
    // Rows 5 and 6 are absent (a sparse sheet): row 7 is still row 7.
    { row: 7, cells: [4, { formula: 'CONCAT("com","puted")', cached: "computed" }, "x & <y>", "", { date: 0.75, time: true }, null, "d"] },
    { row: 8, cells: [5, null, null, null, null, null, null] },
  ],
};

describe("Excel workbooks (core/tables/xlsx)", () => {
  it("drops a Qualtrics workbook's question-text and import-id rows, keeping each column's question", async () => {
    const table = await readWorkbook(
      await writeXlsx([
        {
          name: "Sheet0",
          rows: [
            ["ResponseId", "Q1", "Q2"],
            ["Response ID", "How likely are you to recommend us?", "What could we do better?"],
            ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}', '{"ImportId":"QID2_TEXT"}'],
            ["R_1", "9", "Faster replies, please."],
            ["R_2", "3", "NA"],
          ],
        },
      ]),
    );
    assert.deepEqual(table.rows.map((row) => row.line), [4, 5], "rows 2 and 3 are headers, not answers");
    assert.equal(table.questions?.get("Q2"), "What could we do better?");
  });

  it("reads shared, inline and rich-text strings, numbers, dates, booleans and empty cells; line is the spreadsheet row", async () => {
    const table = await readWorkbook(await writeXlsx([KINDS, { name: "Other", rows: [["a"], ["b"]] }]));
    assert.equal(table.format, "xlsx");
    assert.deepEqual(table.columns, ["id", "comment", "Rating", "column D", "when", "ok", "id (2)"], "a merged header's blank cell is named by its letter");
    assert.deepEqual(table.problems, [{ line: 1, message: 'Line 1: column "id" appears twice; the later one is read as "id (2)".', caveat: true }]);
    assert.deepEqual(table.rows.map((row) => row.line), [2, 3, 4, 7, 8]);
    assert.deepEqual(table.rows.map((row) => row.endLine), [2, 3, 4, 7, 8]);
    assert.deepEqual({ ...table.rows[0].cells }, { id: "1", comment: "Great crew, thanks", Rating: "5", "column D": "4.5", when: "2023-03-15", ok: "TRUE", "id (2)": "a" });
    assert.deepEqual({ ...table.rows[1].cells }, { id: "2", comment: "  Lost my bag.\nNobody cares ", Rating: "1", "column D": "0.3", when: "2023-03-15 12:00:00", ok: "FALSE", "id (2)": "b" });
    assert.deepEqual({ ...table.rows[2].cells }, { id: "3", comment: "Bold and plain", Rating: "", "column D": "-1234567.25", when: "", ok: "", "id (2)": "c" });
    assert.deepEqual({ ...table.rows[3].cells }, { id: "4", comment: "computed", Rating: "x & <y>", "column D": "", when: "18:00:00", ok: "", "id (2)": "d" });
    assert.equal(table.rows[4].cells.comment, "", "an empty cell is an empty string, as in CSV");
    assert.ok(table.rows.every((row) => Object.values(row.spans).every((span) => span.start === 0 && span.end === 0)), "no text, no offsets");
    assert.deepEqual(table.notes, ['Sheet "Answers" read; the workbook\'s other sheet is "Other".', "2 empty rows between the data skipped (rows 5, 6)."]);
  });

  it("its rows become units like a CSV file's: the empty cell is not scored, named by its row number", async () => {
    const table = await readWorkbook(await writeXlsx([KINDS]));
    const { units, lines, problems, notScored } = rowUnits(table, "comment");
    assert.deepEqual(units.map((unit) => unit.text), ["Great crew, thanks", "  Lost my bag.\nNobody cares ", "Bold and plain", "computed"]);
    assert.deepEqual(lines, [2, 2, 3, 3, 4, 4, 7, 7]);
    assert.deepEqual({ ...units[0].fields }, { id: "1", Rating: "5", "column D": "4.5", when: "2023-03-15", ok: "TRUE", "id (2)": "a" });
    assert.deepEqual(problems.map((problem) => problem.line), [1], "only the repeated header is a problem");
    assert.deepEqual(notScored.lines, [8, 8]);
    assert.deepEqual(notScored.reasons.map((why) => why.reason), ["empty"]);
    assert.equal(summarizeTable(table).suggested, "comment");
  });

  it("a named sheet: by name, by name in another case, by position; a missing one names the sheets there are", async () => {
    const bytes = await writeXlsx([
      { name: "Summary", rows: [["total"], [3]] },
      { name: "Raw & Co", rows: [["text"], ["fine"], ["awful"]] },
    ]);
    assert.deepEqual(sheetNames(bytes), ["Summary", "Raw & Co"]);
    for (const sheet of ["Raw & Co", "raw & co", "2"]) {
      const table = await readWorkbook(bytes, { sheet });
      assert.deepEqual(table.rows.map((row) => row.cells.text), ["fine", "awful"], sheet);
    }
    assert.deepEqual((await readWorkbook(bytes)).columns, ["total"], "the first sheet by default");
    await assert.rejects(readWorkbook(bytes, { sheet: "Answers" }), (error: unknown) => {
      assert.ok(error instanceof WorkbookError);
      assert.equal(error.message, 'no sheet "Answers" in the workbook; its sheets are "Summary", "Raw & Co"');
      return true;
    });
    await assert.rejects(readWorkbook(bytes, { sheet: "3" }), /no sheet "3"/);
  });

  it("a header named like an object's own properties is a column like any other", async () => {
    const table = await readWorkbook(await writeXlsx([{ name: "S", rows: [["__proto__", "constructor", "text"], ["a", "b", "Fine"]] }]));
    assert.deepEqual(table.columns, ["__proto__", "constructor", "text"]);
    assert.deepEqual(Object.entries(table.rows[0].cells), [["__proto__", "a"], ["constructor", "b"], ["text", "Fine"]]);
  });

  it("the header is the first non-empty row; an empty sheet has no columns and says so", async () => {
    const table = await readWorkbook(await writeXlsx([{ name: "S", rows: [{ row: 3, cells: [null, "Comment"] }, [null, "Good"]] }], { compress: false }));
    assert.deepEqual(table.columns, ["column A", "Comment"]);
    assert.deepEqual(table.rows.map((row) => [row.line, row.cells.Comment]), [[4, "Good"]]);
    assert.deepEqual(table.notes.slice(1), ["Header in row 3 (the rows above it are empty)."]);
    const empty = await readWorkbook(await writeXlsx([{ name: "Blank", rows: [] }]));
    assert.deepEqual([empty.columns, empty.rows], [[], []]);
    assert.deepEqual(empty.problems, [{ line: 1, message: 'Line 1: the sheet "Blank" is empty; nothing to read.' }]);
  });

  it("a file that is no workbook gets one clear reason", async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ["text", new TextEncoder().encode("id,text\n1,hello\n"), /^not an Excel workbook \(\.xlsx\): it is not a zip archive$/],
      ["empty", new Uint8Array(0), /^an empty file \(0 bytes\)/],
      // An encrypted .xlsx is an OLE compound file, like an Excel 97-2003 .xls: its signature, then zeros.
      ["encrypted", Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]), /^a password-protected workbook or an Excel 97-2003 \(\.xls\) file/],
      ["truncated", (await writeXlsx([KINDS])).subarray(0, 900), /^not (a readable Excel workbook|an Excel workbook)/],
    ];
    for (const [what, bytes, reason] of cases) {
      await assert.rejects(readWorkbook(bytes), (error: unknown) => error instanceof WorkbookError && reason.test(error.message), what);
    }
    // A zip archive, but no workbook inside (a .docx-like file renamed).
    const { ZipFile } = require("yazl") as { ZipFile: new () => { addBuffer(b: Buffer, n: string): void; end(): void; outputStream: NodeJS.ReadableStream } };
    const zip = new ZipFile();
    zip.addBuffer(Buffer.from("hello"), "word/document.xml");
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    await assert.rejects(readWorkbook(Buffer.concat(chunks)), (error: unknown) => error instanceof WorkbookError && /^not a readable Excel workbook/.test(error.message));
  });

  it("cell values as Excel shows them", () => {
    assert.deepEqual(
      [null, "", "x", 0, 0.1 + 0.2, 1e21, 12345678901234567, true, false, new Date(Date.UTC(2024, 1, 29)), new Date(Date.UTC(2024, 1, 29, 9, 5, 7)), new Date(Date.UTC(2019, 11, 13, 9, 50, 29, 877)), new Date(Date.UTC(2019, 11, 13, 23, 59, 59, 600))].map(cellText),
      ["", "", "x", "0", "0.3", "1e+21", "12345678901234600", "TRUE", "FALSE", "2024-02-29", "2024-02-29 09:05:07", "2019-12-13 09:50:30", "2019-12-14"],
    );
    assert.equal(tableFormatOf("Survey.XLSX"), "xlsx");
  });
});

describe("Excel workbooks in the table worker (dist/tableWorker.js) and the CLI", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "is-xlsx-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the built table worker reads a workbook from its bytes: units with their row numbers, a sheet by name, a bad file's reason", async () => {
    const client = new TableClient(tableThread(join(ROOT, "dist", "tableWorker.js")));
    try {
      const bytes = await writeXlsx([KINDS, { name: "Other", rows: [["note"], ["Friendly staff"]] }]);
      const summary = await client.read({ key: "w", source: { bytes }, format: "xlsx", version: 1 });
      assert.equal(summary.summary.suggested, "comment");
      assert.equal(summary.summary.rows, 5);
      // The same version again: the worker's table is reused, not read again (no bytes needed).
      const read = await client.read({ key: "w", source: () => assert.fail("the kept table is reused"), format: "xlsx", version: 1, column: "comment" });
      assert.deepEqual(read.units.map((unit) => unit.text), ["Great crew, thanks", "  Lost my bag.\nNobody cares ", "Bold and plain", "computed"]);
      assert.deepEqual(read.lines, [2, 2, 3, 3, 4, 4, 7, 7]);
      assert.deepEqual({ ...read.fields.get(3) }, { id: "4", Rating: "x & <y>", "column D": "", when: "18:00:00", ok: "", "id (2)": "d" });
      const other = await client.read({ key: "w#Other", source: { bytes }, format: "xlsx", sheet: "other", column: "note" });
      assert.deepEqual(other.units.map((unit) => unit.text), ["Friendly staff"]);
      await assert.rejects(client.read({ key: "bad", source: { bytes: new Uint8Array([1, 2, 3]) }, format: "xlsx" }), /not an Excel workbook \(\.xlsx\)/);
    } finally {
      client.dispose();
    }
  });

  function analyze(...args: string[]) {
    const result = spawnSync(process.execPath, [CLI, "analyze", "--model", MINI_MODEL, ...args], { encoding: "utf8", env: { ...process.env, INLINE_SENTIMENT_MODEL: "" } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it("analyze reads .xlsx (first sheet, or --sheet), with the row number as the line; a bad workbook is named with its reason", async () => {
    const file = join(dir, "survey.xlsx");
    writeFileSync(file, await writeXlsx([KINDS, { name: "Second", rows: [["text", "group"], ["Terrible, slow checkout.", "web"], ["Lovely helpful staff.", "store"]] }]));
    const first = analyze("--format", "json", "--column", "comment", file);
    const report = JSON.parse(first.stdout);
    // Every row is an entry of the report: row 8's empty cell is not scored, with its reason.
    assert.deepEqual(report.units.map((unit: { start_line: number }) => unit.start_line), [2, 3, 4, 7, 8]);
    assert.deepEqual(report.units.map((unit: { text: string }) => unit.text), ["Great crew, thanks", "  Lost my bag.\nNobody cares ", "Bold and plain", "computed", ""]);
    assert.deepEqual(report.units.map((unit: { scored: boolean; reason?: string }) => unit.reason ?? unit.scored), [true, true, true, true, "empty"]);
    assert.equal(report.units[0].fields.when, "2023-03-15");
    const second = analyze("--format", "json", "--sheet", "Second", "--group-by", "group", file);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /no --column given; scoring column "text"/);
    const units = JSON.parse(second.stdout).units;
    assert.deepEqual(units.map((unit: { start_line: number; fields: { group: string } }) => [unit.start_line, unit.fields.group]), [[2, "web"], [3, "store"]]);
    const bad = join(dir, "broken.xlsx");
    writeFileSync(bad, "id,text\n1,hello\n");
    const refused = analyze(bad, file, "--column", "comment");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /broken\.xlsx: not an Excel workbook \(\.xlsx\): it is not a zip archive/);
    const missing = analyze("--sheet", "Nope", file);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /survey\.xlsx: no sheet "Nope" in the workbook; its sheets are "Answers", "Second"/);
    const usage = analyze("--sheet", "Answers", join(ROOT, "test/fixtures/workspace/feedback.md"));
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--sheet is for \.xlsx workbooks/);
  });
});
