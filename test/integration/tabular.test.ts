/**
 * Tabular sources in a real VS Code: the text-column quick pick, rows decorated at their cells (a quoted multi-line cell
 * included), the row's other fields in the hover, unreadable rows reported by line, live highlighting once a column is
 * chosen, and Analyze Folder on CSV, JSON Lines, JSON and UTF-16 files.
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import * as vscode from "vscode";
import type { SummaryModel } from "../../src/core/summary/summaryModel";
import { parseTable } from "../../src/core/tables";
import { SummaryView } from "../../src/panel/summaryView";
import { countsOf } from "../../src/panel/overview";
import type { SummaryPanel } from "../../src/panel/summaryPanel";
import { analyzeChoosing } from "./columnPick";
import { api, hoverText, withSetting, closeAllEditors } from "./helpers";

/**
 * A file from ../shared (beside the repository), or undefined (the test skips) when this clone has none. Under CI
 * (CI=true) a missing file fails instead, as in the unit tests (test/unit/helpers.ts sharedFile).
 */
function sharedFile(context: Mocha.Context, ...parts: string[]): string {
  // Beside the repository this suite was built in (dist/test/integration/), also when the extension under test is an
  // installed VSIX elsewhere.
  const file = resolve(__dirname, "..", "..", "..", "..", "shared", ...parts);
  if (existsSync(file)) return file;
  if (process.env.CI === "true") throw new Error(`${file} is missing; CI must have ../shared beside the clone`);
  context.skip();
}

/** The first model posted to the panel (the last one already posted included) that satisfies `accept`. */
function postedModel(panel: SummaryPanel, accept: (model: SummaryModel) => boolean): Promise<SummaryModel> {
  const last = panel.lastPosted?.model;
  if (last && accept(last)) return Promise.resolve(last);
  return new Promise((resolve) => {
    const listener = panel.onDidPost((message) => {
      if (!message.model || !accept(message.model)) return;
      listener.dispose();
      resolve(message.model);
    });
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "inline-sentiment-tables-"));
}

/** A CSV field, quoted when it must be. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

describe("Tables (CSV, TSV, JSON Lines, JSON) in a real VS Code", () => {
  afterEach(closeAllEditors);

  it("a 10,500-row CSV: the column is asked once (text preselected), every row lands on its cell, a multi-line cell on its two lines, the hover shows the row's fields", async function () {
    this.timeout(300_000);
    // Every tweet scored, whatever language the detector finds in a few: this test is about where rows land.
    await withSetting("feedback.scoreAll", true, async () => {
      const sentiment = await api();
      // The column pick is answered through a test hook (ExtensionMode.Test only; an installed VSIX has none).
      if (!sentiment.testing) this.skip();
      const source = readFileSync(sharedFile(this, "data", "airline-tweets.csv"), "utf8");
      const airline = parseTable(source, { format: "csv" });
      const rows = airline.rows.slice(0, 10_500).map((row) => source.slice(row.start, row.end));
      // A multi-line quoted cell (with an escaped quote) as the third data row, so it lands on lines 4-5.
      const multi = airline.columns.map((column) =>
        column === "text" ? 'Two hours on the tarmac.\nThen they lost my bag, "sorry" was all they said.' : column === "airline" ? "Example Air" : "x",
      );
      rows.splice(2, 0, multi.map(field).join(","));
      const text = [source.slice(0, source.indexOf("\n")), ...rows].join("\n") + "\n";
      const file = join(tempDir(), "airline-10k.csv");
      writeFileSync(file, text);

      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(document);
      await sentiment.whenIdle();
      assert.equal(sentiment.results(document.uri), undefined, "a table is not segmented as plaintext before its column is chosen");
      assert.ok(sentiment.liveNote(document.uri), "the status bar says why nothing is highlighted");

      const pick = await analyzeChoosing(sentiment);
      assert.ok(pick, "the first analysis asks for the text column");
      assert.deepEqual(pick.columns, airline.columns);
      assert.equal(pick.active, "text", "the wordiest column is preselected");

      const results = sentiment.results(document.uri);
      assert.ok(results && !results.partial, "every row is scored");
      assert.equal(results.version, document.version);
      assert.equal(results.table?.textColumn, "text");
      assert.deepEqual(results.table?.problems, []);
      // An independent parser (csv-parse) on the same text says which texts the rows hold, in order.
      const expected = (parse(text, { columns: true }) as Record<string, string>[]).map((record) => record.text).filter((t) => t.trim() !== "");
      assert.equal(results.units.length, expected.length);
      assert.ok(results.units.length >= 10_000);
      assert.deepEqual(results.units.map((unit) => unit.text), expected);
      const positions = results.positions;
      assert.ok(positions && positions.length === results.units.length * 4, "a table's units come with their positions");
      results.units.forEach((unit, i) => {
        const [start, end] = [document.positionAt(unit.start), document.positionAt(unit.end)];
        const cell = document.getText(new vscode.Range(start, end));
        if (cell.replace(/""/g, '"') !== unit.text) assert.fail(`the unit at offset ${unit.start} covers ${JSON.stringify(cell)}, not its text`);
        assert.equal(unit.kind, "row");
        // Decorations are painted from these positions: they must be where the editor puts the unit's offsets.
        const painted = [...positions.subarray(i * 4, i * 4 + 4)];
        if (painted.join() !== [start.line, start.character, end.line, end.character].join()) assert.fail(`unit ${i} has positions ${painted.join()}, not ${start.line},${start.character},${end.line},${end.character}`);
      });
      const tarmac = results.units[2];
      assert.match(tarmac.text, /^Two hours on the tarmac\.\nThen they lost my bag, "sorry"/);
      assert.deepEqual([document.positionAt(tarmac.start).line + 1, document.positionAt(tarmac.end).line + 1], [4, 5], "the multi-line cell spans lines 4-5");
      assert.equal(results.fields?.get(2)?.airline, "Example Air");
      assert.equal(document.positionAt(results.units[3].start).line + 1, 6, "the next row starts after it");
      assert.equal(document.positionAt(results.units.at(-1)!.start).line + 1, document.lineCount - 1);

      const hover = await hoverText(document, document.positionAt(tarmac.start).translate(1, 5));
      assert.match(hover, /confidence/);
      assert.match(hover, /airline: Example Air/, "the hover shows the row's other fields");
      assert.doesNotMatch(hover, /text: /, "not the text column itself");

      const again = await analyzeChoosing(sentiment);
      assert.equal(again, undefined, "the column is remembered for the file");
      assert.equal(sentiment.results(document.uri)?.units.length, expected.length);
    });
  });

  it("bad rows (ragged, an unclosed quote) are reported by line, an empty text cell is not scored, and every good row is scored; live highlighting follows once the column is chosen; a vanished column is asked again", async function () {
    const sentiment = await api();
    if (!sentiment.testing) this.skip();
    const lines = [
      "id,comment,airline",
      '1,"The crew was wonderful, thank you",Virgin',
      "2,Lost my bag and nobody helped,United,extra",
      '3,"This quote never closes,Delta',
      "4,The flight was fine,Delta",
      "5,,Delta",
      "6,Terrible food and a rude agent,United",
    ];
    const file = join(tempDir(), "survey.csv");
    writeFileSync(file, lines.join("\n") + "\n");
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    await sentiment.whenIdle();
    assert.equal(sentiment.results(document.uri), undefined);
    assert.match(sentiment.liveNote(document.uri) ?? "", /Run Analyze Sentiment to choose the text column/);

    const pick = await analyzeChoosing(sentiment);
    assert.equal(pick?.active, "comment");
    const results = sentiment.results(document.uri)!;
    assert.deepEqual(results.units.map((unit) => document.positionAt(unit.start).line + 1), [2, 3, 5, 7], "every readable row is scored");
    assert.deepEqual({ ...results.fields?.get(0) }, { id: "1", airline: "Virgin" });
    const problems = results.table?.problems ?? [];
    assert.deepEqual(problems.map((p) => p.line), [3, 4], problems.map((p) => p.message).join(" | "));
    assert.match(problems[1].message, /Line 4: a quoted field opens here and is never closed/);
    assert.deepEqual(results.notScored?.reasons, [{ reason: "empty" }], "the empty cell is no problem: it is not scored");
    assert.equal(document.positionAt(results.notScored!.units[0].start).line + 1, 6);
    assert.equal(sentiment.liveNote(document.uri), undefined, "the note goes once the column is chosen");
    await withSetting("diagnostics.enabled", true, async () => {
      // Diagnostics of a table's negative rows are placed from the positions the table worker sent: on their cells.
      const negatives = results.units.filter((unit) => unit.polarity === "negative").map((unit) => [unit.start, unit.end]);
      assert.ok(negatives.length > 0, "the survey has negative rows");
      const diagnostics = vscode.languages.getDiagnostics(document.uri).map((d) => [document.offsetAt(d.range.start), document.offsetAt(d.range.end)]);
      assert.deepEqual(diagnostics.sort((a, b) => a[0] - b[0]), negatives);
    });

    // Live: an edit re-scores exactly the edited row.
    const before = sentiment.textsScored;
    const edit = new vscode.WorkspaceEdit();
    const at = document.getText().indexOf("The flight was fine");
    edit.replace(document.uri, new vscode.Range(document.positionAt(at), document.positionAt(at + "The flight was fine".length)), "The flight was late again");
    assert.ok(await vscode.workspace.applyEdit(edit));
    await sentiment.whenIdle();
    assert.equal(sentiment.textsScored - before, 1, "only the edited row goes to the model");
    assert.equal(sentiment.results(document.uri)?.version, document.version);

    // The header changes: the remembered column is gone, so live highlighting says so and Analyze asks again.
    const header = new vscode.WorkspaceEdit();
    header.replace(document.uri, new vscode.Range(0, 0, 0, "id,comment".length), "id,answer");
    assert.ok(await vscode.workspace.applyEdit(header));
    await sentiment.whenIdle();
    assert.match(sentiment.liveNote(document.uri) ?? "", /"comment" is no longer in the file/);
    const asked = await analyzeChoosing(sentiment, 1);
    assert.deepEqual(asked?.columns, ["id", "answer", "airline"]);
    assert.equal(asked?.active, "answer");
    assert.equal(sentiment.results(document.uri)?.table?.textColumn, "airline", "the item below the preselected one was accepted");
    assert.equal(sentiment.results(document.uri)?.version, document.version);
  });

  it("a survey export with NA markers, non-answers and emoji: those rows are not scored, say why in their hover, and the panel's counts and groups leave them out", async function () {
    this.timeout(120_000);
    const sentiment = await api();
    if (!sentiment.testing) this.skip();
    // Shaped like an NPS export written by R: NA in most comment cells, a few non-answers and emoji-only answers.
    const lines = ['"id","group","comment"'];
    const expected = { scored: [] as number[], missing: [] as number[], nonAnswer: [] as number[], noWords: [] as number[] };
    for (let i = 1; i <= 60; i++) {
      const line = i + 1;
      const group = i % 2 ? "Promoter" : "Detractor";
      let comment: string;
      if (i % 4 !== 0 && i % 5 !== 0) [comment] = ["NA", expected.missing.push(line)];
      else if (i === 20) [comment] = ['"No comment."', expected.nonAnswer.push(line)];
      else if (i === 40) [comment] = ['"\u{1F621}\u{1F621}"', expected.noWords.push(line)];
      else [comment] = [group === "Promoter" ? '"Wonderful, friendly and helpful staff"' : '"Terrible, slow and rude service"', expected.scored.push(line)];
      lines.push(`${i},"${group}",${comment}`);
    }
    const file = join(tempDir(), "nps-export.csv");
    writeFileSync(file, lines.join("\n") + "\n");
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    await sentiment.whenIdle();
    const pick = await analyzeChoosing(sentiment);
    assert.equal(pick?.active, "comment");
    const results = sentiment.results(document.uri)!;
    const lineOf = (offset: number) => document.positionAt(offset).line + 1;
    assert.deepEqual(results.units.map((unit) => lineOf(unit.start)), expected.scored, "only the answers are scored");
    assert.deepEqual(results.table?.problems, [], "markers and non-answers are no problems");
    const skipped = results.notScored!;
    assert.equal(skipped.units.length + results.units.length, 60, "every row once");
    const linesWith = (reason: string) => skipped.units.flatMap((unit, i) => (skipped.reasons[i].reason === reason ? [lineOf(unit.start)] : []));
    assert.deepEqual(linesWith("missing"), expected.missing);
    assert.deepEqual(linesWith("non-answer"), expected.nonAnswer);
    assert.deepEqual(linesWith("no-words"), expected.noWords);

    const na = await hoverText(document, new vscode.Position(expected.missing[0] - 1, lines[expected.missing[0] - 1].indexOf("NA") + 1));
    assert.match(na, /\*\*Not scored\*\* · missing \(NA\)/);
    assert.match(na, /missing-value marker/);
    assert.match(na, /group: Promoter/, "the row's other fields");
    assert.doesNotMatch(na, /confidence/, "no sentiment");
    const nope = await hoverText(document, new vscode.Position(expected.nonAnswer[0] - 1, lines[expected.nonAnswer[0] - 1].indexOf("No comment") + 2));
    assert.match(nope, /\*\*Not scored\*\* · no answer/);
    const emoji = await hoverText(document, new vscode.Position(expected.noWords[0] - 1, lines[expected.noWords[0] - 1].indexOf('"\u{1F621}') + 1));
    assert.match(emoji, /\*\*Not scored\*\* · no words/);

    await vscode.commands.executeCommand("inlineSentiment.showPanel");
    const panel = sentiment.summaryPanel!;
    const model = await postedModel(panel, (m) => m.files[0]?.name.endsWith("nps-export.csv") && m.files[0].units.length === expected.scored.length && !m.partial);
    const view = new SummaryView(model);
    assert.equal(view.entries.length, expected.scored.length, "the panel counts the scored rows only");
    const counts = Object.values(countsOf(view.entries)).reduce((sum, n) => sum + n, 0);
    assert.equal(counts, expected.scored.length);
    assert.equal(view.groups({ kind: "column", column: "group" }).reduce((sum, g) => sum + g.count, 0), expected.scored.length);
    assert.equal(view.notScored.length, 60 - expected.scored.length, "the page lists the others with their reason");
    assert.equal(view.notScoredLine, `${expected.missing.length} missing (NA), 1 no answer, 1 without words: not scored`);
    // The page may reveal a row that was not scored.
    await panel.receive({ type: "reveal", uri: document.uri.toString(), line: expected.missing[3] });
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, expected.missing[3] - 1);
    panel.dispose();
  });

  it("a plaintext document stays prose; a JSON Lines document is read as a table", async function () {
    const sentiment = await api();
    if (!sentiment.testing) this.skip();
    const file = join(tempDir(), "feedback.jsonl");
    writeFileSync(file, '{"user":"a","answer":"Wonderful support, thanks a lot"}\nnot json\n{"user":"b","answer":"The app keeps crashing"}\n');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    const pick = await analyzeChoosing(sentiment);
    assert.equal(pick?.active, "answer");
    const results = sentiment.results(document.uri)!;
    assert.deepEqual(results.units.map((unit, i) => [document.positionAt(unit.start).line + 1, unit.text, results.fields?.get(i)?.user]), [
      [1, "Wonderful support, thanks a lot", "a"],
      [3, "The app keeps crashing", "b"],
    ]);
    assert.deepEqual(results.table?.problems.map((p) => p.line), [2]);
  });

  it("a Qualtrics export: the pick shows each column's question text and preselects the free-text answers; the header rows are not scored", async function () {
    const sentiment = await api();
    if (!sentiment.testing) this.skip();
    const file = join(tempDir(), "qualtrics.csv");
    const consent = "I have read the information above and agree to take part in this study";
    writeFileSync(
      file,
      [
        "StartDate,ResponseId,Q1,Q2",
        "Start Date,Response ID,Consent,What could we do better?",
        '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}"',
        `2024-05-01 10:00:00,R_1a,${consent},The checkout kept timing out`,
        `2024-05-02 10:00:00,R_2b,${consent},Friendly and quick support`,
        `2024-05-03 10:00:00,R_3c,${consent},Fine`,
      ].join("\r\n") + "\r\n",
    );
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document);
    const pick = await analyzeChoosing(sentiment);
    assert.deepEqual(pick?.columns, ["StartDate", "ResponseId", "Q1", "Q2"]);
    assert.deepEqual(pick?.questions, ["Start Date", "Response ID", "Consent", "What could we do better?"]);
    assert.equal(pick?.active, "Q2", "the consent text repeats in every row: not preselected");
    const results = sentiment.results(document.uri)!;
    assert.deepEqual(results.units.map((unit) => [document.positionAt(unit.start).line + 1, unit.text]), [
      [4, "The checkout kept timing out"],
      [5, "Friendly and quick support"],
      [6, "Fine"],
    ]);
  });

  it("Analyze Folder… reads CSV (UTF-16 too), JSON Lines and JSON arrays by their suggested or remembered column; a JSON file that is no array is skipped", async () => {
    const sentiment = await api();
    const dir = tempDir();
    writeFileSync(join(dir, "a.csv"), "id,feedback,country\n1,Great service and friendly staff,FR\n2,\"Slow,\nand rude\",DE\n");
    const utf16 = "id\tremark\tshop\r\n1\tVery good, thank you – a lovely café\tBerlin\r\n";
    writeFileSync(join(dir, "b.tsv"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, "utf16le")]));
    writeFileSync(join(dir, "c.jsonl"), '{"text":"I love it","stars":5}\n{"text":"Broken on arrival","stars":1}\n');
    writeFileSync(join(dir, "d.json"), '[{"note":"Awful experience, never again","region":"north"}]');
    writeFileSync(join(dir, "package.json"), '{"name": "not a table"}');
    const model = await vscode.commands.executeCommand<SummaryModel>("inlineSentiment.analyzeFolder", vscode.Uri.file(dir));
    await sentiment.whenIdle();
    const byName = new Map(model.files.map((f) => [f.name.split("/").pop(), f]));
    assert.deepEqual([...byName.keys()], ["a.csv", "b.tsv", "c.jsonl", "d.json"]);
    assert.equal(byName.get("a.csv")?.textColumn, "feedback");
    assert.deepEqual(byName.get("a.csv")?.columns, ["id", "feedback", "country"]);
    assert.deepEqual(byName.get("a.csv")?.units.map((u) => [u.startLine, u.endLine, u.fields?.country]), [[2, 2, "FR"], [3, 4, "DE"]]);
    assert.deepEqual(byName.get("b.tsv")?.units.map((u) => u.text), ["Very good, thank you – a lovely café"], "UTF-16 is decoded, not refused as binary");
    assert.deepEqual(byName.get("c.jsonl")?.units.map((u) => u.fields?.stars), ["5", "1"]);
    assert.equal(byName.get("d.json")?.units[0].fields?.region, "north");
    assert.ok(model.files.every((f) => (f.problems ?? []).length === 0));
  });
});
