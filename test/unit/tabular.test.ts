import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import {
  chooseTextColumn,
  decodeText,
  decodeWindows1252,
  detectDelimiter,
  MissingColumnError,
  parseTable,
  sampleValues,
  tableFormatOf,
  textUnits,
  type Table,
} from "../../src/core/tables";
import { cellSpans } from "../../src/core/tables/csv";
import { sharedFile } from "./helpers";

/** Each row's cell sources, as the text holds them, by column. */
function sources(text: string, table: Table): Record<string, string>[] {
  return table.rows.map((row) => Object.fromEntries(Object.entries(row.spans).map(([c, s]) => [c, text.slice(s.start, s.end)])));
}

const utf16le = (text: string, bom: boolean) => {
  const bytes = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  if (bom) bytes.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    bytes[(bom ? 2 : 0) + i * 2] = text.charCodeAt(i) & 0xff;
    bytes[(bom ? 2 : 0) + i * 2 + 1] = text.charCodeAt(i) >> 8;
  }
  return bytes;
};

describe("decodeText", () => {
  it("UTF-8 without and with a byte order mark", () => {
    assert.deepEqual(decodeText(new TextEncoder().encode("a,b\né,ü")), { text: "a,b\né,ü", encoding: "utf-8", bom: false });
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("a,b")]);
    assert.deepEqual(decodeText(withBom), { text: "a,b", encoding: "utf-8", bom: true });
  });

  it("UTF-16LE with a BOM, as spreadsheets save 'Unicode text', and the table it holds", () => {
    const source = "id\tcomment\r\n1\tSehr gut, danke – très bien\r\n2\tSlow\r\n";
    const decoded = decodeText(utf16le(source, true));
    assert.equal(decoded.encoding, "utf-16le");
    assert.equal(decoded.bom, true);
    assert.equal(decoded.text, source);
    const table = parseTable(decoded.text, { format: "csv" });
    assert.equal(table.delimiter, "\t");
    assert.deepEqual(table.columns, ["id", "comment"]);
    assert.deepEqual(table.rows.map((r) => r.cells.comment), ["Sehr gut, danke – très bien", "Slow"]);
    assert.deepEqual(table.problems, []);
  });

  it("UTF-16BE by its BOM", () => {
    const le = utf16le("x,y", false);
    const be = new Uint8Array([0xfe, 0xff, ...Array.from({ length: le.length }, (_, i) => le[i ^ 1])]);
    assert.deepEqual(decodeText(be), { text: "x,y", encoding: "utf-16be", bom: true });
  });

  it("UTF-16LE without a BOM is guessed from its NUL bytes, with a note", () => {
    const decoded = decodeText(utf16le("name,text\nA,hello there\n", false));
    assert.equal(decoded.encoding, "utf-16le");
    assert.equal(decoded.text, "name,text\nA,hello there\n");
    assert.match(decoded.note ?? "", /UTF-16LE/);
  });

  it("bytes that are not UTF-8 are read as Windows-1252, with a note", () => {
    const decoded = decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9])); // "café" in Windows-1252
    assert.equal(decoded.text, "café");
    assert.equal(decoded.encoding, "windows-1252");
    assert.match(decoded.note ?? "", /offset 3/);
  });
});

/**
 * Windows-1252 as the WHATWG Encoding Standard's index-windows-1252 maps bytes 0x80-0x9F (written out from the
 * standard, not computed: https://encoding.spec.whatwg.org/index-windows-1252.txt), the five undefined bytes (0x81,
 * 0x8D, 0x8F, 0x90, 0x9D) as the C1 code point of the same value. Every other byte is its own code point.
 */
const WHATWG_1252_80_9F: Record<number, string> = {
  0x80: "\u20AC", 0x81: "\u0081", 0x82: "\u201A", 0x83: "\u0192", 0x84: "\u201E", 0x85: "\u2026", 0x86: "\u2020", 0x87: "\u2021",
  0x88: "\u02C6", 0x89: "\u2030", 0x8a: "\u0160", 0x8b: "\u2039", 0x8c: "\u0152", 0x8d: "\u008D", 0x8e: "\u017D", 0x8f: "\u008F",
  0x90: "\u0090", 0x91: "\u2018", 0x92: "\u2019", 0x93: "\u201C", 0x94: "\u201D", 0x95: "\u2022", 0x96: "\u2013", 0x97: "\u2014",
  0x98: "\u02DC", 0x99: "\u2122", 0x9a: "\u0161", 0x9b: "\u203A", 0x9c: "\u0153", 0x9d: "\u009D", 0x9e: "\u017E", 0x9f: "\u0178",
};
const whatwg1252 = (byte: number) => WHATWG_1252_80_9F[byte] ?? String.fromCharCode(byte);

describe("Windows-1252 and Latin-1", () => {
  it("decodes each of the 256 byte values as WHATWG maps it (not Node 20's Latin-1 reading of 0x80-0x9F)", () => {
    for (let byte = 0; byte < 256; byte++) {
      assert.equal(decodeWindows1252(new Uint8Array([byte])), whatwg1252(byte), `byte 0x${byte.toString(16)}`);
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const decoded = decodeText(all); // 0x80 alone is not UTF-8, so the whole file is read as Windows-1252
    assert.equal(decoded.encoding, "windows-1252");
    assert.equal(decoded.text, Array.from(all, whatwg1252).join(""));
  });

  it("a CSV saved by Excel on Windows: euro signs and curly quotes, no C1 control characters; the encoding said once", () => {
    // "Prix: 15€ – «très bien»", "it’s “fine”" and Latin-1 letters as Windows-1252 bytes.
    const bytes = Uint8Array.from([
      ...Buffer.from("id;comment\r\n1;Prix: 15"), 0x80, ...Buffer.from(" "), 0x96, ...Buffer.from(" "), 0xab, ...Buffer.from("tr"), 0xe8, ...Buffer.from("s bien"), 0xbb,
      ...Buffer.from("\r\n2;it"), 0x92, ...Buffer.from("s "), 0x93, ...Buffer.from("fine"), 0x94, ...Buffer.from(", na"), 0xef, ...Buffer.from("ve\r\n"),
    ]);
    const decoded = decodeText(bytes);
    assert.equal(decoded.encoding, "windows-1252");
    assert.match(decoded.note ?? "", /^Read as Windows-1252 \(Latin-1 read the same way\)/);
    const table = parseTable(decoded.text, { format: "csv" });
    assert.deepEqual(table.rows.map((r) => r.cells.comment), ["Prix: 15€ – «très bien»", "it’s “fine”, naïve"]);
    assert.doesNotMatch(decoded.text, /[\u0080-\u009f]/);
    // Stated once for the file: a note of the decoding, none in the table's rows or problems.
    assert.deepEqual(table.problems, []);
  });

  it("a long file decodes in chunks without losing or reordering a byte", () => {
    const bytes = Uint8Array.from({ length: 100_003 }, (_, i) => (i % 7 === 0 ? 0x80 : 0x61 + (i % 26)));
    const text = decodeWindows1252(bytes);
    assert.equal(text.length, bytes.length);
    assert.equal(text, Array.from(bytes, whatwg1252).join(""));
  });
});

describe("parseTable: CSV", () => {
  it("detects , ; and tab, with quotes respected", () => {
    assert.equal(detectDelimiter('a,b,c\n1,"x;y;z",3\n'), ",");
    assert.equal(detectDelimiter('a;b;c\n1;"x,y,z,w";3\n4;5;6\n'), ";");
    assert.equal(detectDelimiter("a\tb\n1,5\t2,5\n"), "\t");
    assert.equal(detectDelimiter("just one column\nno delimiters\n"), ",");
  });

  it("a semicolon file with a BOM, CRLF and a blank line", () => {
    const text = '\uFEFFname;comment\r\nAnna;"Gut; sehr ""gut"""\r\n\r\nBen;schlecht\r\n';
    const table = parseTable(text, { format: "csv" });
    assert.equal(table.delimiter, ";");
    assert.deepEqual(table.columns, ["name", "comment"]);
    assert.deepEqual(table.rows.map((r) => ({ ...r.cells })), [
      { name: "Anna", comment: 'Gut; sehr "gut"' },
      { name: "Ben", comment: "schlecht" },
    ]);
    assert.deepEqual(sources(text, table), [
      { name: "Anna", comment: '"Gut; sehr ""gut"""' },
      { name: "Ben", comment: "schlecht" },
    ]);
    assert.deepEqual(table.rows.map((r) => [r.line, r.endLine]), [[2, 2], [4, 4]]);
    assert.deepEqual(table.problems, []);
    assert.ok(table.notes.some((n) => /Byte order mark/.test(n)));
  });

  it("a quoted multi-line cell: exact offsets and the lines it spans", () => {
    const text = 'id,text,airline\n1,"First line\nsecond, with comma\nthird ""quoted""",United\n2,short,Delta\n';
    const table = parseTable(text, { format: "csv" });
    assert.deepEqual(table.problems, []);
    const [first, second] = table.rows;
    assert.equal(first.cells.text, 'First line\nsecond, with comma\nthird "quoted"');
    assert.equal(text.slice(first.spans.text.start, first.spans.text.end), '"First line\nsecond, with comma\nthird ""quoted"""');
    assert.equal(first.spans.text.quoted, true);
    assert.equal(text.slice(first.start, first.end), '1,"First line\nsecond, with comma\nthird ""quoted""",United');
    assert.deepEqual([first.line, first.endLine, second.line, second.endLine], [2, 4, 5, 5]);
    const { units } = textUnits(table, "text");
    assert.equal(text.slice(units[0].start, units[0].end), 'First line\nsecond, with comma\nthird ""quoted""');
    assert.deepEqual([units[0].line, units[0].endLine, units[1].line], [2, 4, 5]);
  });

  it("ragged rows: each named by line, kept, the missing cell absent", () => {
    const text = "id,text,airline\n1,fine,United\n2,too short\n3,one,two,three\n4,last,Delta";
    const table = parseTable(text, { format: "csv" });
    assert.deepEqual(table.rows.map((r) => r.cells.id), ["1", "2", "3", "4"]);
    assert.deepEqual({ ...table.rows[1].cells }, { id: "2", text: "too short" });
    assert.deepEqual(table.problems.map((p) => p.line), [3, 4]);
    assert.match(table.problems[0].message, /^Line 3: 2 fields where the header has 3; no cell for "airline"/);
    assert.match(table.problems[1].message, /^Line 4: 4 fields .* 1 extra ignored/);
    assert.equal(textUnits(table, "text").units.length, 4);
    const { empty } = textUnits(table, "airline");
    assert.deepEqual(empty.map((u) => [u.line, u.text, u.absent]), [[3, "", true]], "the row without the cell has nothing to score");
  });

  it("an unclosed quote names the line it opened on; rows before and after it are kept", () => {
    const text = 'id,text\n1,good\n2,"never closed\n3,after\n4,"also fine"\n';
    const table = parseTable(text, { format: "csv" });
    assert.deepEqual(table.rows.map((r) => r.cells.text), ["good", "after", "also fine"]);
    assert.deepEqual(table.rows.map((r) => r.line), [2, 4, 5]);
    assert.equal(table.problems.length, 1);
    assert.equal(table.problems[0].line, 3);
    assert.match(table.problems[0].message, /^Line 3: a quoted field opens here/);
  });

  it("a closing quote followed by more text makes that row unreadable, by line", () => {
    const text = 'id,text\n1,"ok"junk\n2,fine\n';
    const table = parseTable(text, { format: "csv" });
    assert.deepEqual(table.rows.map((r) => r.cells.text), ["fine"]);
    assert.deepEqual(table.problems.map((p) => p.line), [2]);
  });

  it("an empty text cell is no problem: it is listed apart with its line (not scored); the others are scored", () => {
    const table = parseTable('id,text\n1,hello\n2,\n3,"  "\n4,bye\n', { format: "csv" });
    const { units, empty } = textUnits(table, "text");
    assert.deepEqual(units.map((u) => u.text), ["hello", "bye"]);
    assert.deepEqual(empty.map((u) => [u.line, u.text]), [[3, ""], [4, "  "]]);
    assert.deepEqual(table.problems, []);
  });

  it("a column that does not exist: an error naming it and the columns there are", () => {
    const table = parseTable("id,text\n1,a\n", { format: "csv" });
    assert.throws(() => textUnits(table, "comment"), (e: unknown) => {
      assert.ok(e instanceof MissingColumnError);
      assert.equal(e.message, 'Column "comment" does not exist; the columns are "id", "text".');
      return true;
    });
  });

  it("a 1 MB cell is kept whole, with its offsets", () => {
    const big = "word ".repeat(200_000);
    const text = `id,text\n1,"${big}"\n2,small\n`;
    const table = parseTable(text, { format: "csv" });
    assert.deepEqual(table.problems, []);
    assert.equal(table.rows[0].cells.text, big);
    const { units } = textUnits(table, "text");
    assert.equal(units[0].text.length, 1_000_000);
    assert.equal(text.slice(units[0].start, units[0].end), big);
    assert.equal(units[1].line, 3);
  });

  it("blank and duplicate header names are made unique, the duplicate named as a problem", () => {
    const table = parseTable("text,,text\na,b,c\n", { format: "csv" });
    assert.deepEqual(table.columns, ["text", "column 2", "text (2)"]);
    assert.match(table.problems[0].message, /^Line 1: column "text" appears twice/);
  });

  it("TSV reads tabs only", () => {
    const table = parseTable("a\tb\n1,2\t3\n", { format: "tsv" });
    assert.deepEqual({ ...table.rows[0].cells }, { a: "1,2", b: "3" });
  });

  it("an empty file has no columns and says so", () => {
    const table = parseTable("", { format: "csv" });
    assert.deepEqual(table.columns, []);
    assert.equal(table.problems[0].line, 1);
  });
});

describe("parseTable: JSON Lines and JSON", () => {
  it("JSONL: offsets per object and value, bad lines listed with their numbers", () => {
    const text = '{"id":1,"text":"Great \\"crew\\""}\n\nnot json\n[1,2]\r\n{"id":2,"text":"Late","extra":{"k":null}}\n{"id":3,';
    const table = parseTable(text, { format: "jsonl" });
    // A nested object's values are columns of their own, by dotted path.
    assert.deepEqual(table.columns, ["id", "text", "extra.k"]);
    assert.deepEqual(table.rows.map((r) => ({ ...r.cells })), [
      { id: "1", text: 'Great "crew"' },
      { id: "2", text: "Late", "extra.k": "" },
    ]);
    assert.deepEqual(table.rows.map((r) => r.line), [1, 5]);
    assert.equal(text.slice(table.rows[1].start, table.rows[1].end), '{"id":2,"text":"Late","extra":{"k":null}}');
    assert.deepEqual(sources(text, table)[0], { id: "1", text: '"Great \\"crew\\""' });
    assert.deepEqual(table.problems.map((p) => p.line), [3, 4, 6]);
    assert.match(table.problems[0].message, /^Line 3: not valid JSON/);
    assert.match(table.problems[1].message, /^Line 4: a JSON array where an object was expected/);
    const { units } = textUnits(table, "text");
    assert.equal(text.slice(units[0].start, units[0].end), 'Great \\"crew\\"');
  });

  it("JSON array: one row per object with its lines; non-objects and broken objects listed by line", () => {
    const text = '[\n  {"text": "one\\ntwo", "n": 1},\n  42,\n  {"text": "bad" "n": 2},\n  {\n    "text": "multi",\n    "n": 3\n  }\n]';
    const table = parseTable(text, { format: "json" });
    assert.deepEqual(table.rows.map((r) => r.cells.text), ["one\ntwo", "multi"]);
    assert.deepEqual(table.rows.map((r) => [r.line, r.endLine]), [[2, 2], [5, 8]]);
    assert.equal(text.slice(table.rows[1].spans.text.start, table.rows[1].spans.text.end), '"multi"');
    const lines = table.problems.map((p) => p.line);
    assert.ok(lines.includes(3) && lines.includes(4), JSON.stringify(table.problems));
  });

  it("JSON that holds no array of objects says what it holds", () => {
    const object = parseTable('{"text": "x"}', { format: "json" });
    assert.equal(object.rows.length, 0);
    assert.equal(object.problems[0].message, "Line 1: the file holds a JSON object without an array of objects; nothing to read as rows.");
    const string = parseTable('"text"', { format: "json" });
    assert.equal(string.problems[0].message, "Line 1: the file holds a JSON string; an array of objects was expected.");
  });
});

describe("choosing the text column", () => {
  it("prefers prose to long ids and timestamps; samples are distinct, flattened and cut", () => {
    const text =
      "uuid,created,comment,score\n" +
      '0b9f1c2e-4a57-4c1e-9f0e-2d8c3a1b7e55,2015-02-24 11:35:52 -0800,"Great crew,\nfriendly",5\n' +
      "7c1d2e3f-1111-4222-8333-944455556666,2015-02-24 11:15:59 -0800,Lost my bag,1\n" +
      "7c1d2e3f-1111-4222-8333-944455556667,2015-02-25 09:00:00 -0800,Lost my bag,1\n";
    const table = parseTable(text, { format: "csv" });
    assert.equal(chooseTextColumn(table), "comment");
    assert.deepEqual(sampleValues(table, "comment", 5), ["Great crew, friendly", "Lost my bag"]);
    assert.deepEqual(sampleValues(table, "uuid", 1, 10), ["0b9f1c2e-…"]);
  });

  it("a column of links or e-mail addresses is no free text; Japanese reviews (no spaces between words) still count", () => {
    const rows = [
      ["https://itunes.apple.com/jp/reviews/id1234567890", "ann@example.com", "アプリがすぐに落ちます。使えません。"],
      ["https://itunes.apple.com/jp/reviews/id2234567890", "bob@example.org", "とても使いやすくて便利です。"],
      ["https://itunes.apple.com/jp/reviews/id3234567890", "cy@example.net", "更新してから動作が重くなりました。"],
    ];
    const text = "author.uri,email,content\n" + rows.map((row) => row.join(",")).join("\n") + "\n";
    assert.equal(chooseTextColumn(parseTable(text, { format: "csv" })), "content");
  });

  it("file names map to formats", () => {
    assert.deepEqual(["a.CSV", "b.tsv", "c.jsonl", "d.ndjson", "e.json", "f.txt"].map(tableFormatOf), ["csv", "tsv", "jsonl", "jsonl", "json", undefined]);
  });
});

describe("the airline tweets (../shared/data/airline-tweets.csv)", () => {
  it("14,640 rows, no problems, text column `text`", function () {
    const file = sharedFile(this, "data", "airline-tweets.csv");
    const decoded = decodeText(readFileSync(file));
    const table = parseTable(decoded.text, { format: "csv" });
    assert.equal(table.rows.length, 14_640);
    assert.deepEqual(table.problems, []);
    assert.equal(table.delimiter, ",");
    assert.equal(chooseTextColumn(table), "text");
    const { units, empty } = textUnits(table, "text");
    assert.equal(units.length, 14_640);
    assert.deepEqual(empty, []);
    for (const unit of units.slice(0, 500)) {
      const source = decoded.text.slice(unit.start, unit.end).replaceAll('""', '"');
      assert.equal(source, unit.text);
    }
  });
});

describe("linear time on hostile tables (issue 24)", () => {
  /**
   * A string that records the furthest offset each read reaches (charCodeAt, startsWith, indexOf: an indexOf that finds
   * nothing has read to the end). Counting what is read, not timing it: the test cannot be flaky on a busy machine.
   */
  const recording = (source: string) => {
    const seen = { furthest: -1 };
    const reach = (to: number) => (seen.furthest = Math.max(seen.furthest, to));
    const text = {
      length: source.length,
      charCodeAt: (i: number) => (reach(i), source.charCodeAt(i)),
      startsWith: (s: string, at: number) => (reach(at + s.length - 1), source.startsWith(s, at)),
      indexOf: (s: string, from: number) => {
        const found = source.indexOf(s, from);
        reach(found < 0 ? source.length - 1 : found + s.length - 1);
        return found;
      },
    };
    return { text: text as unknown as string, seen };
  };

  it("the CSV span scan never reads past the record's end, so a one-column file is read in linear time", () => {
    // Before the fix each field's delimiter search ran on to the next delimiter of the file: in a one-column file, to
    // its end, on every row (6 MB: 13 s). Each case: a record [0, end) followed by a long tail without delimiters.
    const tail = "\nno delimiter on this line".repeat(1000);
    for (const [record, delimiter, fields] of [
      ["one answer", ",", ["one answer"]],
      ['"quoted, with ""quotes"""', ",", ['"quoted, with ""quotes"""']],
      ["a;b;", ";", ["a", "b", ""]],
      ['"a"\t"b', "\t", ['"a"', '"b']],
    ] as const) {
      const source = record + tail;
      const { text, seen } = recording(source);
      const spans = cellSpans(text, 0, record.length, delimiter);
      const cells: string[] = [];
      for (let k = 0; k < spans.length; k += 2) cells.push(source.slice(spans[k], spans[k + 1]));
      assert.deepEqual(cells, fields);
      assert.ok(seen.furthest < record.length, `read up to offset ${seen.furthest} of a ${record.length}-character record`);
    }
  });
});
