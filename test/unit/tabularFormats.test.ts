/**
 * Real exports' shapes (issue 22: survey header rows, JSON objects holding arrays) and hostile tables (issue 24: deep
 * nesting, prototype-named keys). The fixtures are written here, reproducing each format's structure (the real
 * exports of public repositories they were checked against are not copied into the project).
 */
import { strict as assert } from "node:assert";
import { chooseTextColumn, columnsNamed, parseTable, sampleValues, textUnits, type Table } from "../../src/core/tables";
import { compactJson, MAX_DEPTH } from "../../src/core/tables/json";
import { rowUnits, summarizeTable } from "../../src/core/tables/units";

const plain = (record: Record<string, unknown>) => ({ ...record });
const texts = (table: Table, column: string) => textUnits(table, column).units.map((u) => u.text);

describe("survey exports", () => {
  // The current Qualtrics exporter: ids, question text, then {"ImportId": ...} (JSON, quotes doubled inside CSV).
  const qualtrics = [
    "StartDate,EndDate,Status,Finished,ResponseId,Q1,Q2,Q3",
    'Start Date,End Date,Response Type,Finished,Response ID,How satisfied are you?,"What could we do better?\nPlease be specific.",I agree to the terms above (consent)',
    '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""status""}","{""ImportId"":""finished""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}","{""ImportId"":""QID3""}"',
    "2024-05-01 10:00:00,2024-05-01 10:05:00,0,1,R_1a,Very satisfied,The checkout page kept timing out on my phone,I have read the information above and I agree to take part in this study",
    "2024-05-01 11:00:00,2024-05-01 11:02:00,0,1,R_2b,Satisfied,,I have read the information above and I agree to take part in this study",
    "2024-05-02 09:00:00,2024-05-02 09:09:00,0,1,R_3c,Dissatisfied,Support answered quickly but did not solve anything,I have read the information above and I agree to take part in this study",
  ].join("\r\n");

  it("Qualtrics with 3 header rows: rows 2 and 3 are not data, each column keeps its question text, said once", () => {
    const table = parseTable(qualtrics, { format: "csv" });
    assert.deepEqual(table.rows.map((r) => r.cells.ResponseId), ["R_1a", "R_2b", "R_3c"]);
    assert.deepEqual(table.rows.map((r) => [r.index, r.line]), [[0, 5], [1, 6], [2, 7]]);
    assert.equal(table.questions?.get("Q2"), "What could we do better? Please be specific.");
    assert.equal(table.questions?.get("StartDate"), "Start Date");
    assert.deepEqual(table.notices, [
      "A Qualtrics export with 3 header rows: the column ids, the question text and the import ids: lines 2-4 hold no answers and are not read as rows; each column keeps its question text.",
    ]);
    assert.deepEqual(table.problems, []);
    // The consent text repeats in every row: it is never the preselected column, whatever its length.
    assert.equal(chooseTextColumn(table), "Q2");
    assert.deepEqual(columnsNamed(table, "what could we do better?  please be specific."), ["Q2"]);
    assert.deepEqual(columnsNamed(table, "Q2"), ["Q2"]);
    assert.deepEqual(summarizeTable(table).questions?.get("Q1"), "How satisfied are you?");
  });

  it("the 2016 exporter's {'ImportId': ...} row, and Qualtrics re-saved by Excel (2 header rows), and the legacy V1, V2... export", () => {
    const old = "ResponseID,StartDate,Q1\nResponseID,StartDate,What's up?\n{'ImportId': 'responseId'},{'ImportId': 'startDate'},{'ImportId': 'QID1-TEXT'}\nR_1,2016-10-06 14:28:12,Fine thanks\n";
    assert.deepEqual(parseTable(old, { format: "csv" }).rows.map((r) => r.cells.Q1), ["Fine thanks"]);
    // Excel drops the ImportId row: ids, then question text, then answers.
    const excel = qualtrics.split("\r\n").filter((_, i) => i !== 2).join("\r\n");
    const resaved = parseTable(excel, { format: "csv" });
    assert.deepEqual(resaved.rows.map((r) => r.cells.ResponseId), ["R_1a", "R_2b", "R_3c"]);
    assert.equal(resaved.questions?.get("Q1"), "How satisfied are you?");
    assert.match(resaved.notices?.[0] ?? "", /^A Qualtrics export with 2 header rows: the column ids and the question text: lines 2-3 hold no answers/);
    // A German-language export: the labels are not dates where dates would be.
    const german = "StartDate,EndDate,Status,Q1\nAnfangsdatum,Enddatum,Antworttyp,Wie war es?\n2017-07-18 08:28:09,2017-07-18 08:28:48,0,Gut\n";
    assert.deepEqual(parseTable(german, { format: "csv" }).rows.map((r) => r.cells.Q1), ["Gut"]);
    const legacy = "\uFEFFV1,V2,V3,Q1\nResponseID,ResponseSet,Name,Click to write the question text\nR_9,Default Response Set,Anonymous,Lorem ipsum\n";
    const table = parseTable(legacy, { format: "csv" });
    assert.deepEqual(table.rows.map((r) => r.cells.Q1), ["Lorem ipsum"]);
    assert.deepEqual(columnsNamed(table, "Click to write the question text"), ["Q1"]);
  });

  it("a plain CSV whose first data row happens to hold words is not taken for a survey", () => {
    const table = parseTable("StartDate,comment\n2024-01-01,Start Date is fine\n2024-01-02,ok\n", { format: "csv" });
    assert.equal(table.rows.length, 2);
    assert.equal(table.notices, undefined);
    const google = parseTable("Timestamp,How was it?\n2019/12/01 10:00:00 AM GMT,Great course\n", { format: "csv" });
    assert.equal(google.rows.length, 1);
    assert.equal(google.questions, undefined);
  });

  it("SurveyMonkey with 2 header rows: the answer labels are not data; a question's columns are named question - label", () => {
    const text = [
      "RespondentID,Have you seen the films?,Which have you seen?,,Anything else?,",
      ",Response,Episode I,Episode II,Open-Ended Response,Other (please specify)",
      "3292879998,Yes,Episode I,,Loved the music,",
      "3292879538,No,,,,Never watched them",
    ].join("\r\n");
    const table = parseTable(text, { format: "csv" });
    assert.deepEqual(table.columns, [
      "RespondentID",
      "Have you seen the films?",
      "Which have you seen? - Episode I",
      "Which have you seen? - Episode II",
      "Anything else?",
      "Anything else? - Other (please specify)",
    ]);
    assert.deepEqual(table.rows.map((r) => plain(r.cells)), [
      { RespondentID: "3292879998", "Have you seen the films?": "Yes", "Which have you seen? - Episode I": "Episode I", "Which have you seen? - Episode II": "", "Anything else?": "Loved the music", "Anything else? - Other (please specify)": "" },
      { RespondentID: "3292879538", "Have you seen the films?": "No", "Which have you seen? - Episode I": "", "Which have you seen? - Episode II": "", "Anything else?": "", "Anything else? - Other (please specify)": "Never watched them" },
    ]);
    assert.equal(table.questions?.get("Which have you seen? - Episode II"), "Which have you seen?");
    assert.match(table.notices?.[0] ?? "", /^A SurveyMonkey export with 2 header rows: line 2 holds each column's answer label/);
    // Spans follow the renamed cells.
    const unit = textUnits(table, "Anything else?").units[0];
    assert.equal(text.slice(unit.start, unit.end), "Loved the music");
    assert.deepEqual(columnsNamed(table, "which have you seen?"), ["Which have you seen? - Episode I", "Which have you seen? - Episode II"]);
  });
});

describe("choosing the text column by distinct free text", () => {
  it("a column that repeats one long text in most rows loses to short distinct answers; ids with letters are not words", () => {
    const consent = "I have read and understood the information sheet and agree to take part";
    const rows = ["id,consent,comment", ...["Great", "Too slow at peak hours", "fine", "Staff were rude"].map((c, i) => `R_${i}X9QZ2,"${consent}",${c}`)];
    const table = parseTable(rows.join("\n"), { format: "csv" });
    assert.equal(chooseTextColumn(table), "comment");
    assert.deepEqual(sampleValues(table, "consent"), [consent]);
  });

  it("a checkbox question (choices joined by ', ') loses to a free-text question: each choice counts once", () => {
    const choices = ["Stack Overflow", "Twitter or other social media", "Blogs and newsletters", "Colleagues at work"];
    const rows = ["where,least"];
    const least = ["Nothing", "Slow with big data", "The error messages", "Package versions break my scripts", "Too many ways to do one thing"];
    for (let i = 0; i < 5; i++) rows.push(`"${choices.slice(i % 2, 2 + (i % 3)).join(", ")}",${least[i]}`);
    assert.equal(chooseTextColumn(parseTable(rows.join("\n"), { format: "csv" })), "least");
  });

  it("JSON cells (a nested array) are not free text", () => {
    const table = parseTable('[{"tags":["very long words here", "and more words there"],"text":"short answer"}]', { format: "json" });
    assert.equal(chooseTextColumn(table), "text");
  });
});

describe("JSON shapes", () => {
  const scraped = `{
  "meta": {"source": "scraper", "count": 3, "tags": ["a", "b"]},
  "places": [{"name": "Cafe"}],
  "reviews": [
    {"text": "Lovely place", "rating": 5, "photos": [ {"w": 10},
      {"w": 20} ], "author": {"name": "Ann", "lang": "en"}},
    {"text": "Cold coffee", "rating": 2, "author": {"name": "Bo", "lang": "en"}},
    {"text": "Ok", "rating": 3}
  ]
}`;

  it("a JSON object: the largest array of objects is read, said once with the others there", () => {
    const table = parseTable(scraped, { format: "json" });
    assert.deepEqual(table.columns, ["text", "rating", "photos", "author.name", "author.lang"]);
    assert.deepEqual(table.rows.map((r) => r.cells.text), ["Lovely place", "Cold coffee", "Ok"]);
    // A nested array is one compact line; a nested object's values are columns by dotted path.
    assert.equal(table.rows[0].cells.photos, '[{"w":10},{"w":20}]');
    assert.equal(table.rows[1].cells["author.name"], "Bo");
    assert.deepEqual(table.notices, ['The file holds a JSON object: its rows are the 3 objects of "reviews", the largest array of objects in it; also there: "places" (1), "reviews.photos" (2) (name one as the records path to read it instead).']);
    assert.deepEqual(table.problems, []);
    const unit = textUnits(table, "author.name").units[0];
    assert.equal(scraped.slice(unit.start, unit.end), "Ann");
  });

  it("a records path names the array; through an array of objects it reads each one's", () => {
    assert.deepEqual(texts(parseTable(scraped, { format: "json", records: "places" }), "name"), ["Cafe"]);
    const nested = '{"places": [{"name": "A", "reviews": [{"text": "one"}, {"text": "two"}]}, {"name": "B", "reviews": [{"text": "three"}]}]}';
    assert.deepEqual(texts(parseTable(nested, { format: "json", records: "places.reviews" }), "text"), ["one", "two", "three"]);
    // Without a path, the object's own arrays come first; the nested ones are named in the note.
    assert.match(parseTable(nested, { format: "json" }).notices?.[0] ?? "", /objects of "places".*"places\.reviews" \(3\)/);
    const missing = parseTable(nested, { format: "json", records: "reviews" });
    assert.equal(missing.rows.length, 0);
    assert.equal(missing.problems[0].message, 'Line 1: no array of objects at "reviews"; the arrays of objects are "places" (2), "places.reviews" (3).');
  });

  it("compactJson keeps strings and numbers as written and drops only white space between tokens", () => {
    assert.equal(compactJson('[ 1.50 , "a  b\\" ]" ,\n {"k" :\ttrue} ]'), '[1.50,"a  b\\" ]",{"k":true}]');
  });
});

describe("deep nesting (issue 24)", () => {
  it("one JSON Lines line of 100,000 [ is skipped with a message; the valid lines are kept", () => {
    const text = `{"text": "before"}\n${"[".repeat(100_000)}\n{"text": "after", "deep": ${"[".repeat(MAX_DEPTH - 1)}${"]".repeat(MAX_DEPTH - 1)}}\n`;
    const table = parseTable(text, { format: "jsonl" });
    assert.deepEqual(table.rows.map((r) => r.cells.text), ["before", "after"]);
    assert.deepEqual(table.problems, [{ line: 2, message: `Line 2: nested deeper than ${MAX_DEPTH} levels (from column ${MAX_DEPTH + 1}); the line was skipped.` }]);
    // Brackets inside strings are text, not nesting.
    assert.equal(parseTable(`{"text": "${"[".repeat(10_000)}"}`, { format: "jsonl" }).rows.length, 1);
  });

  it("a JSON array with one element nested 100,000 deep: that element is skipped by line, the others kept", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const text = `[\n{"text": "one"},\n{"text": ${deep}},\n{"text": "three"}\n]`;
    const table = parseTable(text, { format: "json" });
    assert.deepEqual(table.rows.map((r) => r.cells.text), ["one", "three"]);
    assert.deepEqual(table.problems, [{ line: 3, message: `Line 3: this element nests deeper than ${MAX_DEPTH} levels (from line 3); skipped.` }]);
    // Unclosed: the file is broken from there on, and says so without overflowing.
    const unclosed = parseTable(`[{"text": "one"},\n{"text": ${"[".repeat(100_000)}`, { format: "json" });
    assert.deepEqual(unclosed.rows.map((r) => r.cells.text), ["one"]);
    assert.ok(unclosed.problems.length <= 5, unclosed.problems.map((p) => p.message).join("\n"));
  });
});

describe("keys named like Object.prototype's (issue 24)", () => {
  it("a CSV with text,__proto__ and a JSON Lines file with a __proto__ key are read, every column a cell", () => {
    const csv = parseTable("text,__proto__,constructor,toString\nI love it,a,b,c\nI hate it,,,\n", { format: "csv" });
    assert.deepEqual(csv.columns, ["text", "__proto__", "constructor", "toString"]);
    assert.equal(csv.rows[0].cells.__proto__, "a");
    assert.equal(csv.rows[0].cells.constructor, "b");
    assert.equal(chooseTextColumn(csv), "text");
    assert.deepEqual(sampleValues(csv, "__proto__"), ["a"]);
    const { units } = rowUnits(csv, "text");
    assert.deepEqual(plain(units[0].fields!), JSON.parse('{"__proto__": "a", "constructor": "b", "toString": "c"}'));
    assert.equal(Object.hasOwn(units[0].fields!, "__proto__"), true);

    const jsonl = parseTable('{"text": "I love it", "__proto__": "a"}\n{"text": "I hate it", "constructor": {"x": 1}, "toString": "t"}\n', { format: "jsonl" });
    assert.deepEqual(jsonl.columns, ["text", "__proto__", "constructor.x", "toString"]);
    assert.deepEqual(texts(jsonl, "text"), ["I love it", "I hate it"]);
    assert.deepEqual(texts(jsonl, "__proto__"), ["a"]);
    // A row without the key has no cell, not Object.prototype's.
    assert.equal(Object.hasOwn(jsonl.rows[1].cells, "__proto__"), false);
    assert.equal(jsonl.rows[1].cells.__proto__, undefined);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
