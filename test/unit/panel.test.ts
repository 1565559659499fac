import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Polarity } from "../../src/core/types";
import { contentSecurityPolicy, pageHtml } from "../../src/panel/html";
import { feedOf, summaryUnitOf, type SummaryFile, type SummaryModel, type SummaryUnit } from "../../src/core/summary/summaryModel";
import { DEFAULT_STATE, isHostMessage, isPageMessage, isSummaryModel, readPanelState } from "../../src/panel/protocol";
import {
  applyFilter,
  byNegativity,
  countsOf,
  describeArc,
  describeHistogram,
  entriesOf,
  formatPercent,
  formatSigned,
  groupByFile,
  histogramOf,
  lineLabel,
  negativityOf,
  overallOf,
  signedSentiment,
  overviewOf,
} from "../../src/panel/overview";
import {
  SummaryView,
  MAX_ARC_POINTS,
  columnsOf,
  describeSeries,
  effectiveGroupBy,
  exportOptionsOf,
  groupByOptions,
  highlightPieces,
  itemsWithTerm,
} from "../../src/panel/summaryView";
import { SupersededError, timeSlices, turnClock } from "../../src/core/slices";
import { decodeUpdate, encodeModel } from "../../src/panel/wire";
import { ROOT } from "./helpers";

/** An SST-2 style unit: P(NEGATIVE) = negative, polarity as the editor shows it at the default threshold 0.75. */
function sst2(startLine: number, text: string, negative: number, endLine = startLine): SummaryUnit {
  const positive = 1 - negative;
  const label = positive >= negative ? "POSITIVE" : "NEGATIVE";
  const score = Math.max(positive, negative);
  const polarity: Polarity = score < 0.75 ? "neutral" : positive >= negative ? "positive" : "negative";
  return { startLine, endLine, text, label, score, polarity, probabilities: { NEGATIVE: negative, POSITIVE: positive } };
}

function documentModel(units: SummaryUnit[]): SummaryModel {
  return { kind: "document", title: "feedback.md", model: "sentiment-mini", files: [{ uri: "file:///w/feedback.md", name: "feedback.md", units }] };
}

/** The shape of test/fixtures/workspace/feedback.md after analysis (probabilities made up, order of negativity clear). */
const feedback = documentModel([
  sst2(7, "The new dashboard is wonderful.", 0.02),
  sst2(9, "Support never answered my ticket.", 0.97),
  sst2(13, "The onboarding guide was friendly.", 0.05),
  sst2(14, "Sync keeps failing on large folders.", 0.9),
  sst2(15, "Pricing is fine.", 0.4),
  sst2(17, "I love how quickly the mobile app opens.", 0.01),
  sst2(28, "The export to CSV is slow.", 0.93),
  sst2(30, "Thank you for the quick refund.", 0.03),
]);

describe("panel summary", () => {
  it("signed sentiment is P(positive labels) − P(negative labels), whatever the labels are called", () => {
    const cases: [Record<string, number>, number][] = [
      [{ NEGATIVE: 0.1, POSITIVE: 0.9 }, 0.8],
      [{ NEGATIVE: 0.9, POSITIVE: 0.1 }, -0.8],
      [{ negative: 0.2, neutral: 0.5, positive: 0.3 }, 0.1],
      [{ "1 star": 0.5, "2 stars": 0.2, "3 stars": 0.1, "4 stars": 0.1, "5 stars": 0.1 }, -0.5],
      [{ LABEL_0: 0.7, LABEL_1: 0.3 }, 0],
    ];
    for (const [probabilities, expected] of cases) {
      const unit: SummaryUnit = { startLine: 1, endLine: 1, text: "", label: "x", score: 0.5, polarity: "neutral", probabilities };
      assert.ok(Math.abs(signedSentiment(unit) - expected) < 1e-9, `${JSON.stringify(probabilities)} -> ${signedSentiment(unit)}`);
    }
  });

  it("sorts units most negative first by P(negative), ties in document order", () => {
    const sorted = byNegativity(entriesOf(feedback)).map((entry) => entry.unit.startLine);
    assert.deepEqual(sorted, [9, 28, 14, 15, 13, 30, 7, 17]);
    const tied = documentModel([sst2(1, "a", 0.5), sst2(3, "b", 0.9), sst2(5, "c", 0.5)]);
    assert.deepEqual(byNegativity(entriesOf(tied)).map((e) => e.unit.startLine), [3, 1, 5]);
  });

  it("without a negative label, sorts by shown polarity and score", () => {
    const unit = (startLine: number, label: string, score: number, polarity: Polarity): SummaryUnit => ({
      startLine, endLine: startLine, text: "", label, score, polarity, probabilities: { LABEL_0: 1 - score, LABEL_1: score },
    });
    const model = documentModel([
      unit(1, "LABEL_1", 0.99, "positive"),
      unit(2, "LABEL_0", 0.8, "negative"),
      unit(3, "LABEL_1", 0.6, "neutral"),
      unit(4, "LABEL_0", 0.95, "negative"),
      unit(5, "LABEL_1", 0.8, "positive"),
    ]);
    assert.deepEqual(byNegativity(entriesOf(model)).map((e) => e.unit.startLine), [4, 2, 3, 5, 1]);
    assert.equal(negativityOf(model.files[0].units[2], false), 0);
  });

  it("overall: mean signed sentiment and a label at ±0.2", () => {
    const overall = overallOf(entriesOf(feedback));
    const expected = [0.02, 0.97, 0.05, 0.9, 0.4, 0.01, 0.93, 0.03].reduce((sum, n) => sum + (1 - 2 * n), 0) / 8;
    assert.ok(Math.abs(overall.mean - expected) < 1e-9);
    assert.equal(overall.units, 8);
    assert.equal(overall.label, "neutral");
    assert.equal(overallOf(entriesOf(documentModel([sst2(1, "", 0.3)]))).label, "positive"); // +0.4
    assert.equal(overallOf(entriesOf(documentModel([sst2(1, "", 0.65)]))).label, "negative"); // −0.3
    assert.equal(overallOf(entriesOf(documentModel([sst2(1, "", 0.55)]))).label, "neutral"); // −0.1
    assert.deepEqual(overallOf([]), { mean: 0, label: "neutral", units: 0 });
  });

  it("counts units per shown polarity", () => {
    assert.deepEqual(countsOf(entriesOf(feedback)), { positive: 4, negative: 3, neutral: 1 });
  });

  it("histogram: 10 bins over [-1, 1], the ends included", () => {
    const model = documentModel([sst2(1, "", 1), sst2(2, "", 0), sst2(3, "", 0.5), sst2(4, "", 0.96), sst2(5, "", 0.04)]);
    const bins = histogramOf(entriesOf(model));
    assert.equal(bins.length, 10);
    assert.ok(Math.abs(bins[0].from + 1) < 1e-12 && Math.abs(bins[9].to - 1) < 1e-12);
    // signed: −1, +1, 0, −0.92, +0.92
    assert.deepEqual(bins.map((b) => b.count), [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
    assert.equal(histogramOf(entriesOf(feedback)).reduce((sum, b) => sum + b.count, 0), 8);
  });

  it("arc: one point per unit in document order, files in model order", () => {
    const folder: SummaryModel = {
      kind: "folder",
      title: "workspace",
      model: "m",
      files: [
        { uri: "file:///w/a.md", name: "a.md", units: [sst2(1, "a1", 0.1), sst2(3, "a2", 0.6)] },
        { uri: "file:///w/b.md", name: "b.md", units: [sst2(2, "b1", 0.99)] },
      ],
    };
    const entries = entriesOf(folder);
    assert.deepEqual(entries.map((e) => [e.index, e.fileName, e.unit.startLine]), [[0, "a.md", 1], [1, "a.md", 3], [2, "b.md", 2]]);
    assert.deepEqual(entries.map((e) => Math.round(e.signed * 100) / 100), [0.8, -0.2, -0.98]);
    assert.equal(
      describeArc(entries),
      "Sentiment arc over 3 units: starts at +0.80, ends at \u22120.98; lowest \u22120.98 at b.md L2, highest +0.80 at a.md L1.",
    );
    assert.equal(describeArc([]), "Sentiment arc: no units.");
  });

  it("groups a folder run by file, files ordered by their most negative unit", () => {
    const file = (name: string, units: SummaryUnit[]): SummaryFile => ({ uri: `file:///w/${name}`, name, units });
    const folder: SummaryModel = {
      kind: "folder",
      title: "workspace",
      model: "m",
      files: [
        file("calm.md", [sst2(1, "", 0.3), sst2(2, "", 0.2)]),
        file("angry.md", [sst2(1, "", 0.1), sst2(5, "", 0.99)]),
        file("mixed.md", [sst2(4, "", 0.8), sst2(9, "", 0.05)]),
      ],
    };
    const groups = groupByFile(byNegativity(entriesOf(folder)));
    assert.deepEqual(groups.map((g) => [g.fileName, g.entries.map((e) => e.unit.startLine)]), [
      ["angry.md", [5, 1]],
      ["mixed.md", [4, 9]],
      ["calm.md", [1, 2]],
    ]);
    const negativesOnly = applyFilter(entriesOf(folder), { negative: true, neutral: false, positive: false });
    assert.deepEqual(groupByFile(negativesOnly).map((g) => g.fileName), ["angry.md", "mixed.md"]);
  });

  it("filters by shown polarity", () => {
    const only = (filter: Record<Polarity, boolean>) => applyFilter(overviewOf(feedback).sorted, filter).map((e) => e.unit.startLine);
    assert.deepEqual(only({ negative: true, neutral: false, positive: false }), [9, 28, 14]);
    assert.deepEqual(only({ negative: false, neutral: true, positive: false }), [15]);
    assert.deepEqual(only({ negative: false, neutral: false, positive: false }), []);
  });

  it("formats lines, scores and signed values as shown", () => {
    assert.equal(lineLabel({ startLine: 9, endLine: 9 }), "L9");
    assert.equal(lineLabel({ startLine: 9, endLine: 10 }), "L9–10");
    assert.equal(formatPercent(0.876), "88%");
    assert.equal(formatSigned(0.4249), "+0.42");
    assert.equal(formatSigned(-0.87), "\u22120.87");
    assert.equal(formatSigned(-0.001), "0.00");
    assert.equal(
      describeHistogram(histogramOf(entriesOf(documentModel([sst2(1, "", 0.99)])))),
      "Sentiment distribution: 1 from \u22121.00 to \u22120.80.",
    );
  });
});

describe("a scored unit as a summary row (summaryUnitOf: the editor's results and the CLI)", () => {
  const scored = { start: 4, end: 9, kind: "row" as const, text: "Late again", label: "NEGATIVE", score: 0.9, polarity: "negative" as Polarity, probabilities: { NEGATIVE: 0.9, POSITIVE: 0.1 }, windows: 1, tokens: 3 };

  it("keeps the lines, text and scores in the report's column order, and nothing of the unit's offsets or windows", () => {
    const row = summaryUnitOf(scored, { startLine: 3, endLine: 4 });
    assert.deepEqual(Object.keys(row), ["startLine", "endLine", "text", "label", "score", "polarity", "probabilities"]);
    assert.deepEqual(row, { startLine: 3, endLine: 4, text: "Late again", label: "NEGATIVE", score: 0.9, polarity: "negative", probabilities: { NEGATIVE: 0.9, POSITIVE: 0.1 } });
  });

  it("takes only the lines of what it is given for them (the CLI passes its whole source unit)", () => {
    const source = { startLine: 7, endLine: 7, text: "other", fields: { airline: "x" }, why: { reason: "missing" } };
    assert.deepEqual(Object.keys(summaryUnitOf(scored, source)), ["startLine", "endLine", "text", "label", "score", "polarity", "probabilities"]);
  });

  it("adds a table row's fields, parsed or as JSON text", () => {
    assert.deepEqual(summaryUnitOf(scored, { startLine: 1, endLine: 1 }, { fields: { airline: "united" } }).fields, { airline: "united" });
    assert.equal(summaryUnitOf(scored, { startLine: 1, endLine: 1 }, { fieldsJson: '{"airline":"united"}' }).fieldsJson, '{"airline":"united"}');
  });
});

describe("panel protocol guards", () => {
  it("accepts exactly ready and well-formed reveal requests from the page", () => {
    const accepted: unknown[] = [
      { type: "ready" },
      { type: "reveal", uri: "file:///w/feedback.md", line: 9 },
      { type: "reveal", uri: "file:///w/feedback.md", line: 1, extra: true },
    ];
    const rejected: unknown[] = [
      "string",
      null,
      undefined,
      42,
      [],
      [{ type: "ready" }],
      { type: "nope" },
      { type: "READY" },
      { type: "reveal" },
      { type: "reveal", uri: "file:///w/feedback.md" },
      { type: "reveal", uri: "file:///w/feedback.md", line: 0 },
      { type: "reveal", uri: "file:///w/feedback.md", line: -3 },
      { type: "reveal", uri: "file:///w/feedback.md", line: 1.5 },
      { type: "reveal", uri: "file:///w/feedback.md", line: "9" },
      { type: "reveal", uri: "file:///w/feedback.md", line: Number.NaN },
      { type: "reveal", uri: "file:///w/feedback.md", line: Number.POSITIVE_INFINITY },
      { type: "reveal", uri: "", line: 1 },
      { type: "reveal", uri: 7, line: 1 },
      { type: "reveal", uri: "x".repeat(10_000), line: 1 },
    ];
    for (const message of accepted) assert.ok(isPageMessage(message), JSON.stringify(message));
    for (const message of rejected) assert.ok(!isPageMessage(message), String(JSON.stringify(message)));
  });

  it("accepts update messages with a well-formed model or none", () => {
    assert.ok(isHostMessage({ type: "update", model: feedback }));
    assert.ok(isHostMessage({ type: "update", model: undefined }));
    // JSON drops undefined properties on the way to the page.
    assert.ok(isHostMessage(JSON.parse(JSON.stringify({ type: "update", model: undefined }))));
    assert.ok(isHostMessage(JSON.parse(JSON.stringify({ type: "update", model: feedback }))));
    const broken = structuredClone(feedback) as unknown as { files: { units: Record<string, unknown>[] }[] };
    broken.files[0].units[1].text = { html: "<b>x</b>" };
    assert.ok(!isHostMessage({ type: "update", model: broken }));
    assert.ok(!isSummaryModel({ ...feedback, kind: "other" }));
    assert.ok(isSummaryModel({ ...feedback, partial: true }));
    assert.ok(!isSummaryModel({ ...feedback, partial: "yes" }));
    assert.ok(!isSummaryModel({ ...feedback, files: [{ uri: "u", name: "n", units: [{ ...sst2(1, "", 0.5), polarity: "angry" }] }] }));
    assert.ok(!isSummaryModel({ ...feedback, files: [{ uri: "u", name: "n", units: [{ ...sst2(5, "", 0.5), endLine: 4 }] }] }));
    assert.ok(!isHostMessage({ type: "reveal", model: feedback }));
  });

  it("reads saved page state field by field, defaults for anything missing or malformed", () => {
    assert.deepEqual(readPanelState(undefined), DEFAULT_STATE);
    assert.deepEqual(readPanelState("garbage"), DEFAULT_STATE);
    // State saved by the version that kept only the polarity filters.
    assert.deepEqual(readPanelState({ filters: { positive: false, neutral: "no" } }), {
      ...DEFAULT_STATE,
      filters: { negative: true, neutral: true, positive: false },
    });
    const full = {
      filters: { negative: true, neutral: false, positive: true },
      groupBy: { kind: "column", column: "airline" },
      groupSort: { key: "mean", direction: "asc" },
      group: "United",
      theme: "lost bag",
      search: "delayed",
      sort: "order",
      axis: "tweet_created",
      themes: false,
      mixedOnly: true,
    };
    assert.deepEqual(readPanelState(full), full);
    assert.deepEqual(readPanelState({ ...full, groupBy: null }).groupBy, null, "no grouping is a choice, kept");
    assert.deepEqual(readPanelState({ groupBy: { kind: "file" } }).groupBy, { kind: "file" });
    const bad = readPanelState({
      groupBy: { kind: "column" },
      groupSort: { key: "nope", direction: "asc" },
      group: 3,
      theme: "",
      search: "x".repeat(2000),
      sort: "random",
      axis: {},
      themes: "yes",
      mixedOnly: "yes",
    });
    assert.deepEqual(bad, DEFAULT_STATE);
  });

  it("accepts well-formed view and metrics messages only", () => {
    const good: unknown[] = [
      { type: "view", groupBy: null, themes: true },
      { type: "view", groupBy: { kind: "file" }, themes: false },
      { type: "view", groupBy: { kind: "column", column: "airline" }, themes: true },
      { type: "metrics", what: "search", ms: 3.2, units: 15000 },
      { type: "metrics", what: "heap after load", ms: 0, units: 15000, heapBytes: 104e6 },
    ];
    const bad: unknown[] = [
      { type: "view", groupBy: "airline", themes: true },
      { type: "view", groupBy: { kind: "column", column: "" }, themes: true },
      { type: "view", groupBy: { kind: "column", column: "x".repeat(1001) }, themes: true },
      { type: "view", groupBy: null },
      { type: "view", themes: true },
      { type: "metrics", what: "", ms: 1, units: 1 },
      { type: "metrics", what: "x".repeat(101), ms: 1, units: 1 },
      { type: "metrics", what: "search", ms: -1, units: 1 },
      { type: "metrics", what: "search", ms: Infinity, units: 1 },
      { type: "metrics", what: "search", ms: 1, units: 1.5 },
      { type: "metrics", what: "search", ms: 1, units: 1, heapBytes: "1" },
    ];
    for (const message of good) assert.ok(isPageMessage(message), JSON.stringify(message));
    for (const message of bad) assert.ok(!isPageMessage(message), JSON.stringify(message).slice(0, 120));
  });
});

describe("panel page shell", () => {
  const resources = { cspSource: "https://file+.vscode-resource.vscode-cdn.net", scriptUri: "https://x/main.js", styleUri: "https://x/style.css", nonce: "abc+/=" };

  it("sets the strict CSP and loads only the nonce'd script and the style sheet", () => {
    const csp = contentSecurityPolicy(resources);
    assert.equal(
      csp,
      "default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net data:; style-src https://file+.vscode-resource.vscode-cdn.net; " +
        "script-src 'nonce-abc+/='; font-src https://file+.vscode-resource.vscode-cdn.net;",
    );
    const html = pageHtml(resources);
    assert.ok(html.includes(`content="${csp}"`));
    assert.equal(html.match(/<script\b/g)?.length, 1);
    assert.match(html, /<script nonce="abc\+\/=" src="https:\/\/x\/main.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/x\/style.css">/);
    assert.doesNotMatch(html, /<style|style=|unsafe-|http:\/\//);
  });

  it("the page script never parses strings as HTML and never uses Math.random", () => {
    const sources = [
      "src/panel/page/main.ts",
      "src/panel/page/dom.ts",
      "src/panel/page/charts.ts",
      "src/panel/page/virtualList.ts",
      "src/panel/summaryPanel.ts",
      "src/panel/overview.ts",
      "src/panel/summaryView.ts",
      "src/panel/html.ts",
    ];
    for (const file of sources) {
      const source = readFileSync(join(ROOT, file), "utf8");
      assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|Math\.random/, file);
      // Styles only through the CSSOM (element.style.x = ...), which the CSP allows; never a style attribute.
      assert.doesNotMatch(source, /setAttribute\(\s*["']style["']|cssText/, file);
    }
  });
});

describe("label map (custom models whose label names do not say their polarity)", () => {
  it("reads mapped labels first, then names", async () => {
    const { labelPolarity, polarityOf } = await import("../../src/core/polarity");
    const map = { LABEL_0: "negative", LABEL_1: "neutral", LABEL_2: "positive" } as const;
    assert.deepEqual(["LABEL_0", "LABEL_1", "LABEL_2", "POSITIVE"].map((label) => labelPolarity(label, map)), ["negative", "neutral", "positive", "positive"]);
    assert.equal(labelPolarity("LABEL_0"), "neutral", "unmapped, the name says nothing");
    const result = { label: "LABEL_2", score: 0.9, probabilities: { LABEL_0: 0.05, LABEL_1: 0.05, LABEL_2: 0.9 }, windows: 1, tokens: 3 };
    assert.equal(polarityOf(result, 0.75, map), "positive");
    assert.equal(polarityOf(result, 0.95, map), "neutral");
  });

  it("signed sentiment and the negativity order follow the map", () => {
    const unit = { startLine: 1, endLine: 1, text: "x", label: "LABEL_0", score: 0.8, polarity: "negative" as const, probabilities: { LABEL_0: 0.8, LABEL_1: 0.1, LABEL_2: 0.1 } };
    assert.ok(Math.abs(signedSentiment(unit, { LABEL_0: "negative", LABEL_2: "positive" }) - -0.7) < 1e-9);
    assert.equal(signedSentiment(unit), 0, "without the map no label reads as either side");
  });
});

describe("panel summary view (groups, themes, search, arc at scale)", () => {
  /** A row unit with fields: negative complaints about bags on United, praise for Delta crews. */
  function row(line: number, text: string, negative: number, fields: Record<string, string>): SummaryUnit {
    return { ...sst2(line, text, negative), fields };
  }
  const rows: SummaryUnit[] = [];
  for (let i = 0; i < 12; i++) {
    rows.push(row(2 + i * 3, `Lost bag again, waited on hold for hours (${i})`, 0.97, { airline: "United", date: `2015-02-${String(10 + (i % 5)).padStart(2, "0")}` }));
    rows.push(row(3 + i * 3, `Friendly crew, thanks for a great flight (${i})`, 0.03, { airline: "Delta", date: `2015-02-${String(10 + (i % 5)).padStart(2, "0")}` }));
    rows.push(row(4 + i * 3, `Boarding at gate seven (${i})`, 0.5, { airline: i % 2 ? "Delta" : "", date: "2015-02-12" }));
  }
  const tabular: SummaryModel = {
    kind: "document",
    title: "tweets.csv",
    model: "sentiment-mini",
    files: [
      {
        uri: "file:///w/tweets.csv",
        name: "tweets.csv",
        units: rows,
        columns: ["airline", "text", "date"],
        textColumn: "text",
        problems: [{ line: 40, message: "an unclosed quote" }],
      },
    ],
  };
  const base = { filters: { negative: true, neutral: true, positive: true }, search: "", sort: "negative" as const };

  it("offers none, the file in folder runs, and every column but the text column", () => {
    assert.deepEqual(groupByOptions(tabular), [null, { kind: "column", column: "airline" }, { kind: "column", column: "date" }]);
    assert.deepEqual(columnsOf(feedback), []);
    const folder: SummaryModel = { ...feedback, kind: "folder" };
    assert.deepEqual(groupByOptions(folder), [null, { kind: "file" }]);
    assert.deepEqual(effectiveGroupBy({}, folder), { kind: "file" }, "a folder run groups by file unless told otherwise");
    assert.equal(effectiveGroupBy({}, tabular), null);
    assert.equal(effectiveGroupBy({ groupBy: null }, folder), null);
    assert.deepEqual(effectiveGroupBy({ groupBy: { kind: "column", column: "airline" } }, tabular), { kind: "column", column: "airline" });
    assert.equal(effectiveGroupBy({ groupBy: { kind: "column", column: "country" } }, tabular), null, "a column this model lacks");
    // Without a `columns` list the fields of the units say which columns exist.
    const noList: SummaryModel = { ...tabular, files: [{ ...tabular.files[0], columns: undefined, textColumn: undefined }] };
    assert.deepEqual(columnsOf(noList), ["airline", "date"]);
  });

  it("exports only a group-by the model offers, and the themes choice", () => {
    assert.deepEqual(exportOptionsOf(tabular, undefined), {});
    assert.deepEqual(exportOptionsOf(tabular, { groupBy: { kind: "column", column: "airline" }, themes: true }), { groupBy: "airline", themes: true });
    assert.deepEqual(exportOptionsOf(tabular, { groupBy: { kind: "column", column: "text" }, themes: false }), { themes: false });
    assert.deepEqual(exportOptionsOf(tabular, { groupBy: { kind: "file" }, themes: true }), { themes: true }, "not a folder run");
    assert.deepEqual(exportOptionsOf({ ...feedback, kind: "folder" }, { groupBy: { kind: "file" }, themes: true }), { groupBy: "file", themes: true });
  });

  it("groups with counts, shares and means; a group filters the list", () => {
    const view = new SummaryView(tabular);
    const by = { kind: "column", column: "airline" } as const;
    const groups = view.groups(by);
    assert.deepEqual(groups.map((g) => [g.key, g.count, g.counts.negative, g.counts.positive]), [["Delta", 18, 0, 12], ["United", 12, 12, 0], ["", 6, 0, 0]]);
    assert.deepEqual(view.groups(by, { key: "mean", direction: "asc" }).map((g) => g.key), ["United", "", "Delta"]);
    const united = view.query({ ...base, group: "United" }, by);
    assert.equal(united.order.length, 12);
    assert.ok([...united.order].every((i) => view.entries[i].unit.fields?.airline === "United"));
    assert.equal(united.group?.key, "United");
    assert.equal(view.query({ ...base, group: "Lufthansa" }, by).order.length, 0, "a group that does not exist shows nothing");
    assert.deepEqual(view.problems, [{ fileName: "tweets.csv", line: 40, message: "an unclosed quote" }]);
  });

  it("the mixed filter shows only units whose paragraphs are mixed, with the group filter too", () => {
    const mixedRows = tabular.files[0].units.map((unit, i) => (i === 0 || i === 4 ? { ...unit, mixed: true as const } : unit));
    const model: SummaryModel = { ...tabular, files: [{ ...tabular.files[0], units: mixedRows }] };
    assert.ok(isSummaryModel(model), "a unit's mixed: true is well-formed");
    assert.ok(!isSummaryModel({ ...model, files: [{ ...model.files[0], units: [{ ...mixedRows[0], mixed: "yes" }] }] }));
    const view = new SummaryView(model);
    assert.deepEqual(view.mixed, [0, 4]);
    assert.deepEqual([...view.query({ ...base, mixedOnly: true, sort: "order" }, null).order], [0, 4]);
    const by = { kind: "column", column: "airline" } as const;
    assert.deepEqual([...view.query({ ...base, mixedOnly: true, group: "Delta" }, by).order], [4]);
    assert.equal(view.query({ ...base, mixedOnly: false }, null).order.length, rows.length);
    assert.deepEqual(new SummaryView(tabular).mixed, [], "none known: the page shows no mixed filter");
  });

  it("sorts most negative first, most positive first or in document order; searches the text", () => {
    const view = new SummaryView(tabular);
    const negative = view.query(base, null).order;
    assert.equal(view.entries[negative[0]].unit.polarity, "negative");
    assert.deepEqual([...negative.slice(0, 3)], [0, 3, 6], "ties keep document order");
    const positive = view.query({ ...base, sort: "positive" }, null).order;
    assert.equal(view.entries[positive[0]].unit.polarity, "positive");
    assert.deepEqual([...view.query({ ...base, sort: "order" }, null).order.slice(0, 4)], [0, 1, 2, 3]);
    assert.equal(view.query({ ...base, search: "GATE seven" }, null).order.length, 12);
    assert.equal(view.query({ ...base, search: "gate", filters: { negative: true, neutral: false, positive: true } }, null).order.length, 0);
  });

  it("themes: negative and positive terms per scope; a theme filters to the items containing it, with spans to mark", () => {
    const view = new SummaryView(tabular);
    const by = { kind: "column", column: "airline" } as const;
    assert.equal(view.index, undefined, "the term index is built on first use");
    const pending = view.query({ ...base, theme: "lost bag" }, by);
    assert.ok(pending.themePending, "before the index exists the theme is not applied");
    const all = view.themes(null, undefined);
    assert.ok(view.index);
    const negativeTerms = all.negative.map((t) => t.term);
    const positiveTerms = all.positive.map((t) => t.term);
    assert.ok(negativeTerms.includes("lost bag"), negativeTerms.join(", "));
    assert.ok(positiveTerms.includes("friendly crew"), positiveTerms.join(", "));
    assert.ok(!negativeTerms.some((t) => positiveTerms.includes(t)));
    const filtered = view.query({ ...base, theme: "lost bag" }, by);
    assert.equal(filtered.themePending, false);
    assert.equal(filtered.order.length, 12);
    const first = filtered.order[0];
    const text = view.entries[first].unit.text;
    const pieces = highlightPieces(text, view.matches(first, "lost bag"));
    assert.deepEqual(pieces.filter((p) => p.mark).map((p) => p.text), ["Lost bag"]);
    assert.equal(pieces.map((p) => p.text).join(""), text);
    // Group and theme together; themes of a group against the rest of that group.
    assert.equal(view.query({ ...base, theme: "lost bag", group: "Delta" }, by).order.length, 0);
    assert.ok(!view.hasThemes(by, "Delta"));
    const delta = view.themes(by, "Delta");
    assert.ok(view.hasThemes(by, "Delta"));
    assert.deepEqual(delta.negative, [], "Delta has no negative items");
    assert.deepEqual(itemsWithTerm(view.index, "no such term"), []);
  });

  it("reuses the term index when only the scores change", () => {
    const first = new SummaryView(tabular);
    const index = first.buildIndex();
    const rescored: SummaryModel = { ...tabular, files: [{ ...tabular.files[0], units: rows.map((u) => ({ ...u, polarity: "neutral" as const })) }] };
    assert.equal(new SummaryView(rescored, first).index, index);
    const edited: SummaryModel = { ...tabular, files: [{ ...tabular.files[0], units: rows.map((u, i) => (i === 0 ? { ...u, text: "changed" } : u)) }] };
    assert.equal(new SummaryView(edited, first).index, undefined);
  });

  it("highlight pieces: merged, clipped, in order, never losing text", () => {
    assert.deepEqual(highlightPieces("abcdef", []), [{ text: "abcdef", mark: false }]);
    assert.deepEqual(highlightPieces("", []), [{ text: "", mark: false }]);
    assert.deepEqual(highlightPieces("abcdef", [{ start: 3, end: 5 }, { start: 0, end: 2 }, { start: 1, end: 2 }, { start: 4, end: 99 }]), [
      { text: "ab", mark: true },
      { text: "c", mark: false },
      { text: "def", mark: true },
    ]);
  });

  it("arc: one point per unit up to 300, then a rolling mean with its window; a date column gives means per day", () => {
    const small = new SummaryView(tabular).series(undefined);
    assert.equal(small.kind, "points");
    const many: SummaryModel = documentModel(Array.from({ length: 15000 }, (_, i) => sst2(i + 1, `t${i}`, i % 3 === 0 ? 0.9 : 0.1)));
    const series = new SummaryView(many).series(undefined);
    assert.equal(series.kind, "rolling");
    if (series.kind !== "rolling") return;
    assert.equal(series.window, 123);
    assert.ok(series.points.length <= MAX_ARC_POINTS + 1);
    assert.equal(series.points[series.points.length - 1].index, 14999);
    assert.equal(describeSeries(series), "Rolling mean over 123 items (of 15000), in document order.");
    const view = new SummaryView(tabular);
    assert.deepEqual(view.dateColumns.map((c) => c.column), ["date"]);
    const dates = view.series("date");
    assert.equal(dates.kind, "dates");
    if (dates.kind !== "dates") return;
    assert.equal(dates.bucket, "day");
    assert.deepEqual(dates.points.map((p) => p.start), ["2015-02-10", "2015-02-11", "2015-02-12", "2015-02-13", "2015-02-14"]);
    assert.match(describeSeries(dates), /^Mean per day of date \(5 days\)\.$/);
    assert.equal(view.series("airline").kind, "points", "not a date column: document order");
  });
});

describe("the update as posted (UTF-8 JSON chunks, written between pauses)", () => {
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it("decodes to the model JSON gives, however many units and chunks; no model is the empty state", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      ...sst2(i + 2, `Row ${i}: "quoted", naïve, emoji 😀, <b>markup</b>\n${"long ".repeat(i % 200)}`, (i % 100) / 100),
      fields: { airline: i % 2 ? "Delta" : "United", tweet_created: `2015-02-${10 + (i % 9)}` },
    }));
    const table: SummaryModel = {
      ...documentModel(rows),
      partial: false,
      labelMap: { LABEL_0: "negative" },
      files: [{ uri: "file:///w/t.csv", name: "t.csv", units: rows, columns: ["text", "airline", "tweet_created"], textColumn: "text", problems: [{ line: 9, message: "Line 9: empty" }] }],
    };
    let pauses = 0;
    // Units are made as they are written, a step's worth after each pause: never all of them up front.
    let made = 0;
    const feed = feedOf(table);
    const { unit } = feed.files[0];
    feed.files[0].unit = (i) => {
      made++;
      assert.ok(made <= pauses * 50, `unit ${i} made before its step's pause (${pauses} pauses)`);
      return unit(i);
    };
    const json = await encodeModel(feed, () => (pauses++, Promise.resolve()));
    assert.equal(made, 3000, "each unit made once");
    assert.ok(json.length > 1, `several chunks: ${json.length}`);
    assert.ok(pauses >= 3000 / 50, `a pause every few units: ${pauses}`);
    assert.deepEqual(decodeUpdate({ type: "update", json }), { type: "update", model: JSON.parse(JSON.stringify(table)) });
    const small = await encodeModel(feedOf(feedback), timeSlices(nextTurn));
    assert.deepEqual(decodeUpdate({ type: "update", json: small }), { type: "update", model: feedback });
    assert.deepEqual(decodeUpdate({ type: "update", json: null }), { type: "update", model: undefined });
    const empty = { ...feedback, files: [{ ...feedback.files[0], units: [] }] };
    assert.deepEqual(decodeUpdate({ type: "update", json: await encodeModel(feedOf(empty), timeSlices(nextTurn)) })?.model, empty);
  });

  it("writes fields held as JSON text (a table row's on the host) as the unit's fields, as they are", async () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({
      ...sst2(i + 2, `Row ${i}`, (i % 10) / 10),
      fields: { airline: i % 2 ? "Delta" : "United", note: `"quoted" \\ ${i} 😀` },
    }));
    const asJson = rows.map(({ fields, ...unit }) => (unit.startLine % 3 ? { ...unit, fieldsJson: JSON.stringify(fields) } : { ...unit, fields }));
    const json = await encodeModel(feedOf(documentModel(asJson)), () => Promise.resolve());
    assert.deepEqual(decodeUpdate({ type: "update", json })?.model, documentModel(rows), "the page gets `fields` either way, never `fieldsJson`");
  });

  it("carries the units not scored in chunks of their own, after the scored ones; the page counts and groups without them", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ ...sst2(i * 2 + 2, `Row ${i}`, (i % 10) / 10), fields: { group: i % 2 ? "A" : "B" } }));
    const notScored = Array.from({ length: 700 }, (_, i) => ({
      startLine: i * 2 + 3,
      endLine: i * 2 + 3,
      text: i % 100 === 0 ? "Très bien" : "NA",
      reason: i % 100 === 0 ? ("language" as const) : ("missing" as const),
      detail: i % 100 === 0 ? "French" : "NA",
    }));
    const model: SummaryModel = { ...documentModel(rows), files: [{ uri: "file:///w/t.csv", name: "t.csv", units: rows, columns: ["group", "text"], textColumn: "text", notScored }] };
    const json = await encodeModel(feedOf(model), () => Promise.resolve());
    const decoded = decodeUpdate({ type: "update", json })?.model;
    assert.deepEqual(decoded, model);
    const view = new SummaryView(decoded!);
    assert.equal(view.entries.length, 300, "the list, counts, groups and arc hold the scored units only");
    assert.equal(view.groups({ kind: "column", column: "group" }).reduce((sum, g) => sum + g.count, 0), 300);
    assert.equal(view.notScored.length, 700);
    assert.equal(view.notScoredLine, "693 missing (NA), 7 in French: not scored");
    assert.deepEqual([view.notScored[0].label, view.notScored[1].label], ["French", "missing (NA)"]);
    const bad = { ...model, files: [{ ...model.files[0], notScored: [{ ...notScored[0], reason: "bored" }] }] };
    assert.equal(isSummaryModel(bad), false, "an unknown reason is refused");
    assert.equal(isSummaryModel(model), true);
  });

  it("drops what is not a well-formed update", async () => {
    const bytes = (text: string) => [new TextEncoder().encode(text)];
    const broken = { ...feedback, files: [{ ...feedback.files[0], units: [{ ...feedback.files[0].units[0], polarity: "angry" }] }] };
    for (const message of [
      { type: "update", json: bytes("{not json") },
      { type: "update", json: bytes(JSON.stringify(broken)) },
      { type: "update", json: ["{}"] },
      { type: "update", json: [] },
      { type: "update", json: [...bytes(JSON.stringify({ ...feedback, files: [{ ...feedback.files[0], units: [] }] })), ...bytes(`[1,${JSON.stringify(feedback.files[0].units)}]`)] },
      { type: "update", json: [...bytes(JSON.stringify({ ...feedback, files: [{ ...feedback.files[0], units: [] }] })), ...bytes(`{"0":[]}`)] },
      { type: "update", json: "x" },
      { type: "update", model: feedback },
      { type: "update" },
      { type: "reveal", json: bytes(JSON.stringify(feedback)) },
      null,
      "update",
    ]) {
      assert.equal(decodeUpdate(message), undefined, String(JSON.stringify(message)));
    }
  });

  it("stops when a pause says the work was superseded, and gives the loop back once the budget is spent", async () => {
    let alive = true;
    let turns = 0;
    let clock = 0;
    const rows = Array.from({ length: 500 }, (_, i) => sst2(i + 1, `Row ${i}`, 0.5));
    const pause = timeSlices(() => (turns++, (clock += 10), Promise.resolve()), { budgetMs: 4, alive: () => alive, now: () => clock });
    clock = 5;
    await pause();
    assert.equal(turns, 1, "over budget: one turn");
    await pause();
    assert.equal(turns, 1, "within budget: none");
    alive = false;
    await assert.rejects(encodeModel(feedOf(documentModel(rows)), pause), SupersededError);
  });

  it("pauses of one turn clock share a turn's budget: a second loop in the same turn yields once the first spent it", async () => {
    let clock = 0;
    // Turns as the test steps them: each waiter resumes when the test ends the turn.
    let waiting: (() => void)[] = [];
    const endTurn = async () => {
      const resumed = waiting;
      waiting = [];
      resumed.forEach((resume) => resume());
      await new Promise((resolve) => setImmediate(resolve));
    };
    const clockOf = turnClock(() => new Promise<void>((resolve) => waiting.push(resolve)), () => clock);
    const first = clockOf({ budgetMs: 4 });
    await first();
    clock = 3;
    await first();
    // The first loop spent 3 ms of the turn; a second loop's pause made now starts with 1 ms left, not 4.
    const second = clockOf({ budgetMs: 4 });
    clock = 5;
    let resumed = false;
    const paused = second().then(() => (resumed = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(resumed, false, "the turn's budget is spent: the second loop waits for the next turn");
    await endTurn();
    await paused;
    assert.equal(resumed, true);
    clock = 8;
    await second();
    assert.equal(waiting.length, 1, "a new turn: a new budget (only the clock's own turn watch waits)");
    let superseded = false;
    await assert.rejects(clockOf({ alive: () => superseded })(), SupersededError);
    superseded = true;
    await clockOf({ alive: () => superseded })();
  });
});
