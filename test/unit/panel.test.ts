import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Polarity } from "../../src/core/types";
import { contentSecurityPolicy, pageHtml } from "../../src/panel/html";
import type { PanelFile, PanelModel, PanelUnit } from "../../src/core/review";
import { DEFAULT_STATE, isHostMessage, isPageMessage, isPanelModel, readPanelState } from "../../src/panel/protocol";
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
  summarize,
} from "../../src/panel/summary";
import { ROOT } from "./helpers";

/** An SST-2 style unit: P(NEGATIVE) = negative, polarity as the editor shows it at the default threshold 0.75. */
function sst2(startLine: number, text: string, negative: number, endLine = startLine): PanelUnit {
  const positive = 1 - negative;
  const label = positive >= negative ? "POSITIVE" : "NEGATIVE";
  const score = Math.max(positive, negative);
  const polarity: Polarity = score < 0.75 ? "neutral" : positive >= negative ? "positive" : "negative";
  return { startLine, endLine, text, label, score, polarity, probabilities: { NEGATIVE: negative, POSITIVE: positive } };
}

function documentModel(units: PanelUnit[]): PanelModel {
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
      const unit: PanelUnit = { startLine: 1, endLine: 1, text: "", label: "x", score: 0.5, polarity: "neutral", probabilities };
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
    const unit = (startLine: number, label: string, score: number, polarity: Polarity): PanelUnit => ({
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
    const folder: PanelModel = {
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
    const file = (name: string, units: PanelUnit[]): PanelFile => ({ uri: `file:///w/${name}`, name, units });
    const folder: PanelModel = {
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
    const only = (filter: Record<Polarity, boolean>) => applyFilter(summarize(feedback).sorted, filter).map((e) => e.unit.startLine);
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
    assert.ok(!isPanelModel({ ...feedback, kind: "other" }));
    assert.ok(isPanelModel({ ...feedback, partial: true }));
    assert.ok(!isPanelModel({ ...feedback, partial: "yes" }));
    assert.ok(!isPanelModel({ ...feedback, files: [{ uri: "u", name: "n", units: [{ ...sst2(1, "", 0.5), polarity: "angry" }] }] }));
    assert.ok(!isPanelModel({ ...feedback, files: [{ uri: "u", name: "n", units: [{ ...sst2(5, "", 0.5), endLine: 4 }] }] }));
    assert.ok(!isHostMessage({ type: "reveal", model: feedback }));
  });

  it("reads saved page state field by field, defaults for anything missing or malformed", () => {
    assert.deepEqual(readPanelState(undefined), DEFAULT_STATE);
    assert.deepEqual(readPanelState("garbage"), DEFAULT_STATE);
    assert.deepEqual(readPanelState({ filters: { positive: false, neutral: "no" } }), {
      filters: { negative: true, neutral: true, positive: false },
    });
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
    const sources = ["src/panel/page/main.ts", "src/panel/summaryPanel.ts", "src/panel/summary.ts", "src/panel/html.ts"];
    for (const file of sources) {
      const source = readFileSync(join(ROOT, file), "utf8");
      assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|Math\.random/, file);
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
