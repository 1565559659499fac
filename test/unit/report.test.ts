import { strict as assert } from "node:assert";
import { parse } from "csv-parse/sync";
import { canGroupBy, groupKeyOf, MAX_THEMED_GROUPS, aggregate } from "../../src/core/summary/aggregate";
import { isStopWord } from "../../src/core/summary";
import {
  csvTablePath,
  fieldNames,
  GROUP_COLUMNS,
  renderCsvTables,
  renderReport,
  REPORT_COLUMNS,
  reportTable,
  THEME_COLUMNS,
  THEME_FIGURES,
} from "../../src/core/report";
import type { SummaryFile, SummaryModel, SummaryUnit } from "../../src/core/summary/summaryModel";
import type { Polarity } from "../../src/core/types";
import { signedSentiment } from "../../src/panel/overview";

/** A unit with P(positive) = p; polarity from p with the CLI's default threshold. */
function unit(line: number, text: string, p: number, fields?: Record<string, string>): SummaryUnit {
  const polarity: Polarity = p >= 0.75 ? "positive" : p <= 0.25 ? "negative" : "neutral";
  return {
    startLine: line,
    endLine: line,
    text,
    label: p >= 0.5 ? "POSITIVE" : "NEGATIVE",
    score: Math.max(p, 1 - p),
    polarity,
    probabilities: { NEGATIVE: 1 - p, POSITIVE: p },
    ...(fields && { fields }),
  };
}

/** A CSV source (text column "text", other columns id and airline, one unreadable row) and a markdown file. */
function model(): SummaryModel {
  const csv: SummaryFile = {
    uri: "file:///tmp/a.csv",
    name: "a.csv",
    columns: ["id", "text", "airline"],
    textColumn: "text",
    units: [
      unit(2, "Delayed again, lost my bag", 0.1, { id: "1", airline: "United" }),
      unit(3, "Great crew", 0.9, { id: "2", airline: "Delta" }),
      unit(4, "It was a flight", 0.5, { id: "3", airline: "United" }),
      unit(6, "No airline cell", 0.2, { id: "5" }),
    ],
    problems: [{ line: 5, message: "Line 5: a quoted field opens here and is never closed." }],
  };
  const markdown: SummaryFile = { uri: "file:///tmp/notes.md", name: "notes.md", units: [unit(1, "Lovely *staff*", 0.95)] };
  return { kind: "folder", title: "2 files", model: "test-model", files: [csv, markdown] };
}

describe("report", () => {
  it("unit rows: today's columns, then each tabular field as a column (union over files, source order)", () => {
    const { header, rows } = reportTable(model());
    assert.deepEqual(header, [...REPORT_COLUMNS, "id", "airline"]);
    assert.deepEqual(rows[0], ["a.csv", 2, 2, "NEGATIVE", 0.9, "negative", "", "", "Delayed again, lost my bag", "1", "United"]);
    assert.deepEqual(rows[3].slice(-2), ["5", ""], "a missing field is an empty cell");
    assert.deepEqual(rows[4].slice(-2), ["", ""], "a markdown unit has no fields");
  });

  it("a mixed unit's polarity reads \"mixed\" in every format, beside its own label and score", () => {
    const m = model();
    m.files[1].units[0] = { ...m.files[1].units[0], mixed: true };
    const json = JSON.parse(renderReport(m, "json")) as { units: { polarity: string; label: string; score: number }[] };
    const unit = json.units.find((u) => u.polarity === "mixed");
    assert.deepEqual(unit && [unit.label, unit.score], ["POSITIVE", 0.95]);
    assert.equal(reportTable(m).rows[4][5], "mixed");
    assert.match(renderReport(m, "csv"), /notes\.md,1,1,POSITIVE,0\.95,mixed,/);
    assert.match(renderReport(m, "markdown"), /\| POSITIVE \| 0\.95 \| mixed \|/);
  });

  it("CSV cells that start like a formula (= + - @ tab CR) get a leading apostrophe; JSON and Markdown keep the text", () => {
    const attacks = ['=HYPERLINK("http://evil.example","click")', "+1 great flight", "-2 stars", "@SUM(A1:A9)", "\tindented", "\rreturn"];
    const m: SummaryModel = {
      kind: "document",
      title: "t.csv",
      model: "m",
      files: [
        {
          uri: "file:///tmp/t.csv",
          name: "t.csv",
          columns: ["text", "=airline"],
          textColumn: "text",
          units: [
            ...attacks.map((text, i) => unit(i + 2, text, i % 2 ? 0.1 : 0.9, { "=airline": "=cmd|' /C calc'!A0" })),
            unit(9, "a = b, 1 + 1, mail@example.com", 0.1, { "=airline": "United" }),
          ],
        },
      ],
    };
    const tables = renderCsvTables(m, { groupBy: "=airline", themes: false });
    const [header, ...rows] = parse(tables.units, { relax_column_count: true }) as string[][];
    assert.equal(header.at(-1), "'=airline", "a header too");
    assert.deepEqual(rows.map((row) => row[8]), [...attacks.map((text) => `'${text}`), "a = b, 1 + 1, mail@example.com"]);
    assert.ok(rows.slice(0, 6).every((row) => row.at(-1) === "'=cmd|' /C calc'!A0"), "fields too");
    assert.equal(rows[6].at(-1), "United");
    const groups = parse(tables.groups!, { columns: true }) as Record<string, string>[];
    assert.deepEqual(groups.map((g) => g.group).sort(), ["'=cmd|' /C calc'!A0", "United"], "group names too");
    assert.ok(groups.some((g) => /^-\d/.test(g.mean_polarity)), `a negative mean is still a number: ${groups.map((g) => g.mean_polarity)}`);
    const json = JSON.parse(renderReport(m, "json"));
    assert.deepEqual(json.units.slice(0, 6).map((u: { text: string }) => u.text), attacks, "JSON keeps the text as it is");
    const markdown = renderReport(m, "markdown");
    assert.ok(markdown.includes("| =HYPERLINK\\("), "Markdown keeps it (escaped as Markdown, no apostrophe)");
    assert.ok(!markdown.includes("'="), "no apostrophe in Markdown");
  });

  it("field names: a field named like a report column gets its own header; a later file's new columns follow", () => {
    const m = model();
    m.files.push({ uri: "file:///tmp/b.csv", name: "b.csv", columns: ["score", "comment"], textColumn: "comment", units: [unit(2, "ok", 0.6, { score: "5" })] });
    assert.deepEqual(fieldNames(m), ["id", "airline", "score"]);
    assert.deepEqual(reportTable(m).header.slice(-1), ["field:score"]);
    assert.equal(reportTable(m).rows[5].at(-1), "5");
    m.files.push({ uri: "file:///tmp/c.csv", name: "c.csv", columns: ["body", "extra"], units: [] });
    assert.deepEqual(fieldNames(m), ["id", "airline", "score"], "a file whose text column was missing adds no fields");
  });

  it("JSON without options: units with a fields object where the row has fields, and files with their problems", () => {
    const report = JSON.parse(renderReport(model(), "json"));
    assert.deepEqual(Object.keys(report), ["title", "model", "units", "files"]);
    assert.deepEqual(report.units[0].fields, { id: "1", airline: "United" });
    assert.deepEqual(report.units[3].fields, { id: "5" });
    assert.equal("fields" in report.units[4], false);
    assert.deepEqual(report.files, [
      { file: "a.csv", text_column: "text", columns: ["id", "text", "airline"], units: 4, problems: [{ line: 5, message: "Line 5: a quoted field opens here and is never closed." }] },
      { file: "notes.md", units: 1, problems: [] },
    ]);
  });

  it("groups: count, polarity shares and mean signed sentiment per value; items without the column in the empty group", () => {
    const summary = aggregate(model(), { groupBy: "airline" });
    const byKey = Object.fromEntries(summary.groups!.map((g) => [g.key, g]));
    assert.deepEqual(Object.keys(byKey).sort(), ["", "Delta", "United"]);
    assert.equal(byKey.United.count, 2);
    assert.deepEqual(byKey.United.share, { negative: 0.5, neutral: 0.5, positive: 0 });
    assert.ok(Math.abs(byKey.United.mean - (-0.8 + 0) / 2) < 1e-12);
    assert.equal(byKey[""].count, 2, "the row without an airline and the markdown unit");
    const json = JSON.parse(renderReport(model(), "json", { groupBy: "airline" }));
    assert.equal(json.group_by, "airline");
    assert.deepEqual(json.groups[0], { group: "", count: 2, share_negative: 0.5, share_neutral: 0, share_positive: 0.5, mean_polarity: 0.15 });
    assert.deepEqual(Object.keys(json.groups[0]), [...GROUP_COLUMNS]);
  });

  it('groups by "file" name unless a file has a column called "file"', () => {
    const summary = aggregate(model(), { groupBy: "file" });
    assert.deepEqual(summary.groups!.map((g) => [g.key, g.count]), [["a.csv", 4], ["notes.md", 1]]);
    const withColumn: SummaryFile = { uri: "u", name: "c.csv", columns: ["file", "text"], textColumn: "text", units: [unit(2, "x", 0.9, { file: "inner.txt" })] };
    assert.equal(groupKeyOf(withColumn, "file")(withColumn.units[0]), "inner.txt");
    assert.equal(canGroupBy(model(), "file"), true);
    assert.equal(canGroupBy(model(), "airline"), true);
    assert.equal(canGroupBy(model(), "country"), false);
  });

  it("mean polarity is the mean of the panel's signed sentiment", () => {
    const threeWay = { probabilities: { negative: 0.2, neutral: 0.5, positive: 0.3 } };
    assert.ok(Math.abs(signedSentiment(threeWay) - 0.1) < 1e-12);
  });

  /** 30 negative items about delays, 30 positive ones thanking the crew, per airline, plus filler. */
  function themed(): SummaryModel {
    const units: SummaryUnit[] = [];
    let line = 2;
    for (const airline of ["United", "Delta"]) {
      for (let i = 0; i < 30; i++) {
        units.push(unit(line++, `@${airline} the flight was delayed again, ${i} hours on the tarmac http://t.co/x${i}`, 0.05, { airline }));
        units.push(unit(line++, `Thanks to the lovely crew on flight ${i}!`, 0.97, { airline }));
        units.push(unit(line++, `Flight ${i} boarded at gate ${i}`, 0.5, { airline }));
      }
    }
    return { kind: "document", title: "t.csv", model: "m", files: [{ uri: "u", name: "t.csv", columns: ["airline", "text"], textColumn: "text", units }] };
  }

  it("themes: the words that set negative and positive items apart, without stop words, mentions, URLs or numbers", () => {
    const summary = aggregate(themed(), { themes: true });
    const negative = summary.themes!.all.negative.map((t) => t.term);
    const positive = summary.themes!.all.positive.map((t) => t.term);
    assert.ok(negative.includes("delayed"), negative.join());
    assert.ok(negative.includes("tarmac"));
    assert.ok(positive.includes("thanks") && positive.includes("lovely crew"), positive.join());
    for (const term of [...negative, ...positive]) {
      for (const word of term.split(" ")) assert.ok(!isStopWord(word) && !/^[@#]|^\d|http|t\.co/.test(word), term);
    }
    assert.equal(summary.themes!.groups, undefined, "no per-group themes without groups");
  });

  it("themes per group when grouped, for the largest groups only", () => {
    const summary = aggregate(themed(), { themes: true, groupBy: "airline" });
    assert.deepEqual(summary.themes!.groups!.map((g) => g.group), ["Delta", "United"]);
    for (const g of summary.themes!.groups!) assert.equal(g.themes.negative[0].term, "delayed");
    const m = themed();
    m.files[0].units.forEach((u, i) => (u.fields = { airline: `a${i}` }));
    assert.equal(aggregate(m, { themes: true, groupBy: "airline" }).themes!.groups!.length, MAX_THEMED_GROUPS);
  });

  it("JSON, CSV and Markdown carry the same groups and themes", () => {
    const options = { groupBy: "airline", themes: true };
    const json = JSON.parse(renderReport(themed(), "json", options));
    const tables = renderCsvTables(themed(), options);
    assert.equal(tables.units, renderReport(themed(), "csv", options), "the CSV report is the unit rows");
    const groups = parse(tables.groups!, { columns: true, cast: true }) as Record<string, unknown>[];
    assert.deepEqual(groups, json.groups);
    const themes = parse(tables.themes!, { columns: true, cast: (value, context) => (context.column === "group" || context.column === "term" ? value : castCell(value)) }) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(themes[0]), [...THEME_COLUMNS]);
    const fromJson = [
      ...(["negative", "positive"] as const).flatMap((p) => json.themes.all[p].map((t: object, k: number) => ({ scope: "all", group: "", polarity: p, rank: k + 1, ...t }))),
      ...json.themes.groups.flatMap((g: Record<string, object[]>) =>
        (["negative", "positive"] as const).flatMap((p) => g[p].map((t: object, k: number) => ({ scope: "group", group: g.group, polarity: p, rank: k + 1, ...t }))),
      ),
    ];
    assert.deepEqual(themes, fromJson);
    assert.deepEqual(Object.keys(json.themes.all.negative[0]), [...THEME_FIGURES]);
    const markdown = renderReport(themed(), "markdown", options);
    assert.match(markdown, /^## Groups by airline$/m);
    assert.match(markdown, /^\| group \| count \| share_negative \| share_neutral \| share_positive \| mean_polarity \|$/m);
    for (const g of json.groups) assert.ok(markdown.includes(`| ${g.group} | ${g.count} | ${g.share_negative} | ${g.share_neutral} | ${g.share_positive} | ${g.mean_polarity} |`));
    assert.match(markdown, /^### All items: negative$/m);
    assert.match(markdown, /^### airline = United: positive$/m);
    for (const t of json.themes.all.negative) assert.ok(markdown.includes(`| ${t.term} | ${t.phrase} | ${t.count} | ${t.items} |`), t.term);
  });

  it("Markdown: groups, themes, the rows not read, then the units with their fields; cells stay text", () => {
    const m = model();
    m.files[0].units[0].fields!.airline = "<b>United</b>";
    const markdown = renderReport(m, "markdown", { groupBy: "airline" });
    const headings = markdown.split("\n").filter((line) => line.startsWith("#"));
    assert.deepEqual(headings, ["# 2 files", "## Groups by airline", "## Rows not read", "## Units"]);
    assert.match(markdown, /^\| \\\(empty\\\) \| 2 \| 0\.5 \| 0 \| 0\.5 \| 0\.15 \|$/m);
    assert.match(markdown, /^- a\\\.csv:5: Line 5: a quoted field opens here and is never closed\\\.$/m);
    assert.match(markdown, /^\| file \| start_line \| end_line \| label \| score \| polarity \| reason \| reason_detail \| text \| id \| airline \|$/m);
    assert.ok(markdown.includes("\\<b\\>United\\</b\\>"));
    assert.doesNotMatch(markdown, /<b>/);
    assert.match(markdown, /Lovely \\\*staff\\\*/);
  });

  it("every row once, in row order: not-scored rows carry scored: false and their reason, and stay out of the groups and themes", () => {
    const m = model();
    m.files[0].notScored = [
      { startLine: 5, endLine: 5, text: "NA", reason: "missing", detail: "NA", fields: { id: "4", airline: "United" } },
      { startLine: 7, endLine: 7, text: "Très bien, merci", reason: "language", detail: "French", fields: { id: "6", airline: "Delta" } },
      { startLine: 8, endLine: 8, text: "No.", reason: "non-answer", detail: "No.", fields: { id: "7", airline: "Delta" } },
    ];
    const json = JSON.parse(renderReport(m, "json", { groupBy: "airline", themes: true }));
    assert.deepEqual(json.units.map((u: { file: string; start_line: number }) => `${u.file}:${u.start_line}`), ["a.csv:2", "a.csv:3", "a.csv:4", "a.csv:5", "a.csv:6", "a.csv:7", "a.csv:8", "notes.md:1"]);
    assert.deepEqual(json.units[3], { file: "a.csv", start_line: 5, end_line: 5, scored: false, reason: "missing", detail: "NA", text: "NA", fields: { id: "4", airline: "United" } });
    assert.deepEqual(json.units[5], { file: "a.csv", start_line: 7, end_line: 7, scored: false, reason: "language", language: "French", text: "Très bien, merci", fields: { id: "6", airline: "Delta" } });
    for (const skipped of json.units.filter((u: { scored: boolean }) => !u.scored)) for (const key of ["label", "score", "polarity"]) assert.equal(key in skipped, false, key);
    assert.ok(json.units.filter((u: { scored: boolean }) => u.scored).every((u: { label: string }) => typeof u.label === "string"));
    assert.equal(json.not_scored, "1 missing (NA), 1 in French, 1 no answer: not scored");
    assert.equal(json.files[0].units, 4);
    assert.equal(json.files[0].not_scored, 3);
    // The groups count the scored rows only: the same as without the not-scored rows.
    assert.deepEqual(json.groups, JSON.parse(renderReport(model(), "json", { groupBy: "airline", themes: true })).groups);
    assert.deepEqual(json.themes, JSON.parse(renderReport(model(), "json", { groupBy: "airline", themes: true })).themes);

    const csv = parse(renderReport(m, "csv"), { columns: true }) as Record<string, string>[];
    assert.equal(csv.length, 8);
    assert.deepEqual(
      [csv[3].label, csv[3].score, csv[3].polarity, csv[3].reason, csv[3].reason_detail, csv[3].text, csv[3].id],
      ["", "", "", "missing", "NA", "NA", "4"],
    );
    assert.deepEqual([csv[5].reason, csv[5].reason_detail], ["language", "French"]);

    const markdown = renderReport(m, "markdown");
    assert.ok(markdown.includes("\n1 missing \\(NA\\), 1 in French, 1 no answer: not scored; the counts, groups and themes leave them out.\n"), "the line, escaped as Markdown");
    assert.match(markdown, /^\| a\\\.csv \| 5 \| 5 \|  \|  \|  \| missing \| NA \| NA \| 4 \| United \|$/m);
    assert.doesNotMatch(renderReport(model(), "markdown"), /not scored/, "no line when every unit was scored");
  });

  it("CSV tables go beside the report", () => {
    assert.equal(csvTablePath("out/report.csv", "groups"), "out/report.groups.csv");
    assert.equal(csvTablePath("R.CSV", "themes"), "R.themes.CSV");
    assert.equal(csvTablePath("report", "themes"), "report.themes.csv");
    assert.deepEqual(Object.keys(renderCsvTables(model())), ["units"]);
  });
});

/** csv-parse's cast for the themes table: numbers and booleans back to their JSON types. */
function castCell(value: string): unknown {
  if (value === "true" || value === "false") return value === "true";
  return value !== "" && !Number.isNaN(Number(value)) ? Number(value) : value;
}
