import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableClient } from "../../src/engine/tables/tableClient";
import { threadWithoutFiles } from "./tableThread";
import { DEFAULT_MISSING_MARKERS, DEFAULT_NON_ANSWERS, SCORE_ALL } from "../../src/core/judge";
import { frenchByMerci, rExport } from "./rExport";
import { ROOT } from "./helpers";
import { tableThread } from "../../src/engine/node/threads";

/** The built table worker (npm run build), as the extension runs it. */
const TABLE_WORKER = join(ROOT, "dist", "tableWorker.js");

describe("the table worker (dist/tableWorker.js) and its client", () => {
  let client: TableClient;
  beforeEach(() => (client = new TableClient(tableThread(TABLE_WORKER))));
  afterEach(() => client.dispose());

  const rows = Array.from({ length: 1234 }, (_, i) => `${i},"Row ${i} says the service was ${i % 2 ? "slow" : "great"}",${i % 3 ? "A" : "B"}`);
  const text = ["id,comment,group", ...rows].join("\n") + "\n";

  it("a summary without a column; all units, in order, across many slices, with their lines and fields", async () => {
    const summary = await client.read({ key: "k", source: { text }, format: "csv" });
    assert.deepEqual(summary.units, []);
    assert.equal(summary.summary.suggested, "comment");
    assert.equal(summary.summary.rows, 1234);
    const read = await client.read({ key: "k", source: { text }, format: "csv", column: "comment" });
    assert.equal(read.units.length, 1234);
    assert.deepEqual(read.units.map((u) => u.text), rows.map((_, i) => `Row ${i} says the service was ${i % 2 ? "slow" : "great"}`));
    assert.deepEqual(read.units.map((u) => text.slice(u.start, u.end)), read.units.map((u) => u.text));
    assert.deepEqual(read.lines.slice(0, 4), [2, 2, 3, 3]);
    assert.equal(read.lines.length, 2468);
    assert.equal(read.units[3].fields, undefined, "a unit's fields stay JSON text until asked for");
    assert.deepEqual({ ...read.fields.get(3) }, { id: "3", group: "B" });
    assert.equal(read.fields.length, 1234);
    assert.deepEqual({ ...read.fields.get(1233) }, { id: "1233", group: "B" }, "the last row of the last slice");
    assert.equal(read.fields.get(1234), undefined);
  });

  it("each unit's position as the editor counts lines (CRLF, and a lone LF or CR inside a quoted cell), and rows without a cell for a column", async () => {
    const mixed = 'id,comment,tag\r\n1,"First\nsecond\rthird",a\r\n2,Plain row,b\r\n3,"x ""quoted"" \u00e9\ud83d\ude00 y",\r\n4,Short\r\n';
    const read = await client.read({ key: "mixed", source: { text: mixed }, format: "csv", column: "comment" });
    assert.deepEqual(read.units.map((u) => u.text), ["First\nsecond\rthird", "Plain row", 'x "quoted" \u00e9\ud83d\ude00 y', "Short"]);
    // An independent count: walk the text character by character.
    const positionOf = (offset: number) => {
      let [line, character] = [0, 0];
      for (let i = 0; i < offset; i++) {
        if (mixed[i] === "\r" && mixed[i + 1] === "\n") continue;
        if (mixed[i] === "\n" || mixed[i] === "\r") [line, character] = [line + 1, 0];
        else character++;
      }
      return [line, character];
    };
    const expected = read.units.flatMap((u) => [...positionOf(u.start), ...positionOf(u.end)]);
    assert.deepEqual([...read.positions], expected);
    assert.deepEqual([...read.positions.slice(0, 4)], [1, 3, 3, 5], "the multi-line cell starts on line 1 and ends on line 3");
    assert.deepEqual([...read.positions.slice(8, 12)], [5, 3, 5, 21], "after the emoji (two UTF-16 units)");
    assert.deepEqual({ ...read.fields.get(3) }, { id: "4" }, "a short row has no cell for the missing column");
    const jsonl = '{"text":"Good","stars":"5"}\n{"text":"Bad"}\n';
    const lines = await client.read({ key: "jsonl", source: { text: jsonl }, format: "jsonl", column: "text" });
    assert.deepEqual([{ ...lines.fields.get(0) }, { ...lines.fields.get(1) }], [{ stars: "5" }, {}]);
  });

  it("a version already sent is not sent again; a text the worker lost is sent again", async () => {
    let built = 0;
    const source = () => {
      built++;
      return { text };
    };
    await client.read({ key: "doc", source, version: 7, format: "csv" });
    const read = await client.read({ key: "doc", source, version: 7, format: "csv", column: "comment" });
    assert.equal(built, 1, "the text was built and sent once");
    assert.equal(read.units.length, 1234);
    await client.restart();
    const again = await client.read({ key: "doc", source, version: 7, format: "csv", column: "comment" });
    assert.equal(built, 2, "a restarted worker holds nothing: the text is sent again");
    assert.equal(again.units.length, 1234);
  });

  it("a saved UTF-8 file is read by the worker from its path; any other file, or another length, gets the text sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "table-worker-"));
    try {
      let built = 0;
      const source = () => {
        built++;
        return { text };
      };
      const saved = join(dir, "saved.csv");
      writeFileSync(saved, "\ufeff" + text, "utf8");
      const read = await client.read({ key: "saved", source, version: 1, file: { path: saved, length: text.length }, format: "csv", column: "comment" });
      assert.equal(built, 0, "the text was neither built nor sent");
      const fromText = await client.read({ key: "t", source: { text }, format: "csv", column: "comment" });
      assert.deepEqual(read, fromText, "the same units, offsets, lines and fields as from the text (the BOM is not part of it)");
      await client.read({ key: "saved", source, version: 1, file: { path: saved, length: text.length }, format: "csv", column: "comment" });
      assert.equal(built, 0, "the version read from the file is reused");

      const edited = await client.read({ key: "saved", source, version: 2, file: { path: saved, length: text.length + 1 }, format: "csv", column: "comment" });
      assert.equal(built, 1, "a file of another length than the document's is not taken for it");
      assert.deepEqual(edited, fromText);
      const latin = join(dir, "latin.csv");
      writeFileSync(latin, Buffer.from("name,remark\nA,Tr\xe8s bien\n", "latin1"));
      const latinText = "name,remark\nA,Tr\ufffds bien\n";
      const fallback = await client.read({ key: "latin", source: () => (built++, { text: latinText }), file: { path: latin, length: latinText.length }, format: "csv", column: "remark" });
      assert.equal(built, 2, "bytes that are not UTF-8 may decode otherwise in the editor: the text is sent");
      assert.deepEqual(fallback.units.map((u) => u.text), ["Tr\ufffds bien"]);
      const gone = await client.read({ key: "gone", source: () => (built++, { text }), file: { path: join(dir, "gone.csv"), length: text.length }, format: "csv" });
      assert.equal(built, 3, "an unreadable file: the text is sent");
      assert.equal(gone.summary.rows, 1234);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a missing column is named; fallback uses the suggested one; UTF-16 bytes are decoded in the worker", async () => {
    const missing = await client.read({ key: "k", source: { text }, format: "csv", column: "text" });
    assert.equal(missing.missing, "text");
    assert.deepEqual(missing.units, []);
    const fallback = await client.read({ key: "k", source: { text }, format: "csv", column: "text", fallback: true });
    assert.equal(fallback.column, "comment");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("name\tremark\r\nA\tTrès bien\r\n", "utf16le")]);
    const decoded = await client.read({ key: "b", source: { bytes: new Uint8Array(utf16) }, format: "tsv", fallback: true });
    assert.deepEqual(decoded.units.map((u) => u.text), ["Très bien"]);
    await assert.rejects(client.read({ key: "c", source: { bytes: new Uint8Array([0x61, 0, 0, 0, 0x62, 0x63]) }, format: "csv" }), /binary/);
  });
});


describe("the table server without a file system (VS Code for the Web's table worker)", () => {
  it("a file source is refused and the text is sent instead: the same units as from a worker that reads the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "table-server-"));
    const thread = threadWithoutFiles();
    const client = new TableClient(() => thread);
    const node = new TableClient(tableThread(TABLE_WORKER));
    try {
      const text = 'id,comment,shop\n1,"Two hours late.\nThen, ""sorry"".",Berlin\n2,Lovely staff,Paris\n';
      const saved = join(dir, "saved.csv");
      writeFileSync(saved, text);
      let built = 0;
      const options = { key: "saved", source: () => (built++, { text }), version: 1, file: { path: saved, length: text.length }, format: "csv" as const, column: "comment" };
      const read = await client.read(options);
      assert.equal(built, 1, "the host built the text after the refusal");
      assert.deepEqual(
        thread.requests.filter((r) => r.type === "read").map((r) => Object.keys((r as { source: object }).source)[0]),
        ["file", "text"],
        "the file was offered first, then the text",
      );
      assert.deepEqual(read, await node.read(options), "what the Node worker reads from the file");
      assert.deepEqual(read.units.map((u, i) => [u.text, { ...read.fields.get(i) }]), [
        ['Two hours late.\nThen, "sorry".', { id: "1", shop: "Berlin" }],
        ["Lovely staff", { id: "2", shop: "Paris" }],
      ]);
      assert.deepEqual(read.lines, [2, 3, 4, 4]);
      await client.read(options);
      assert.equal(built, 1, "the version sent is reused, not sent again");
    } finally {
      client.dispose();
      node.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the table worker: rows not scored (issue 22)", () => {
  const rules = { missing: DEFAULT_MISSING_MARKERS, nonAnswers: DEFAULT_NON_ANSWERS, language: true };

  it("every row is a unit to score or a row not scored with its reason, with its lines, positions and fields, across slices", async () => {
    const { text, expected } = rExport();
    const thread = threadWithoutFiles(frenchByMerci);
    const client = new TableClient(() => thread);
    try {
      const read = await client.read({ key: "r", source: { text }, format: "csv", column: "comment", rules });
      assert.equal(read.units.length, expected.scored);
      assert.equal(read.units.length + read.notScored.units.length, 1000, "every data row once");
      const tally = (list: typeof read.notScored.reasons) => {
        const out: Record<string, number> = {};
        for (const why of list) {
          const key = why.reason === "missing" || why.reason === "language" ? `${why.reason}:${why.detail}` : why.reason;
          out[key] = (out[key] ?? 0) + 1;
        }
        return out;
      };
      assert.deepEqual(tally(read.notScored.reasons), expected.reasons);
      assert.equal(read.problems.length, 0, "empty cells and NA are no problems");
      // In row order, each with its own line, position (four entries) and fields.
      const starts = read.notScored.lines.filter((_, k) => k % 2 === 0);
      assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
      assert.equal(read.notScored.positions.length, read.notScored.units.length * 4);
      assert.equal(read.notScored.fields.length, read.notScored.units.length);
      const first = read.notScored.units[0];
      assert.equal(text.slice(first.start, first.end), "NA");
      assert.deepEqual({ ...read.notScored.fields.get(0) }, { id: "1", nps: "2", group: "Detractor" });
      assert.equal(read.notScored.positions[0], 1, "row 1 of the data is the editor's line 1 (0-based)");
      assert.deepEqual({ ...read.fields.get(0) }, { id: "18", nps: "10", group: "Promoter" }, "the first row to score");
      // An empty cell is placed inside its quotes.
      const empty = read.notScored.units[read.notScored.reasons.findIndex((why) => why.reason === "empty")];
      assert.equal(text.slice(empty.start - 1, empty.end + 1), '""');
    } finally {
      client.dispose();
    }
  });

  it("the rules travel with the request: score-all scores all but empty cells; without language the detector is not asked", async () => {
    const { text, expected } = rExport();
    let asked = 0;
    const thread = threadWithoutFiles((t) => (asked++, frenchByMerci(t)));
    const client = new TableClient(() => thread);
    try {
      const all = await client.read({ key: "r", source: { text }, format: "csv", column: "comment", rules: SCORE_ALL });
      assert.equal(all.units.length, 1000 - expected.reasons.empty);
      assert.equal(asked, 0);
      await client.read({ key: "r", source: { text }, format: "csv", column: "comment", rules });
      const once = asked;
      assert.ok(once > 0 && once <= 3, `the detector asked once per distinct text: ${once}`);
      await client.read({ key: "r", source: { text }, format: "csv", column: "comment", rules });
      assert.equal(asked, once, "languages are kept per text in the worker");
    } finally {
      client.dispose();
    }
  });

  it("finds the languages of a prose document's paragraphs in the worker, each text once", async () => {
    let asked = 0;
    const thread = threadWithoutFiles((t) => (asked++, frenchByMerci(t)));
    const client = new TableClient(() => thread);
    try {
      const found = await client.languages(["Très bien, merci", "Great service", "Très bien, merci"]);
      assert.deepEqual(found, [{ code: "fr", name: "French", confidence: 0.9 }, undefined, { code: "fr", name: "French", confidence: 0.9 }]);
      assert.equal(asked, 2, "kept per text");
      assert.deepEqual(await client.languages([]), []);
    } finally {
      client.dispose();
    }
    await assert.rejects(client.languages(["x"]), /shut down/);
  });

  it("the built worker (dist/tableWorker.js) sends the not-scored rows too", async () => {
    const { text, expected } = rExport();
    const client = new TableClient(tableThread(TABLE_WORKER));
    try {
      const read = await client.read({ key: "r", source: { text }, format: "csv", column: "comment", rules: { ...rules, language: false } });
      assert.equal(read.units.length, expected.scored + expected.reasons["language:French"]);
      assert.equal(read.notScored.units.length, 1000 - read.units.length);
    } finally {
      client.dispose();
    }
  });
});
