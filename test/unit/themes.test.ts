import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { buildTermIndex, polarityThemes, groupThemes, themeMatches, words } from "../../src/core/summary";
import type { Polarity } from "../../src/core/types";
import { parseTable } from "../../src/core/tables";
import { sharedFile } from "./helpers";

/** A labelled set whose answer is known: every negative text says "delayed", every positive one "thanks". */
const SET: [Polarity, string][] = [
  ["negative", "@united my flight is delayed again, 3 hours now http://t.co/abc"],
  ["negative", "Delayed for the second time. Lost bag too #fail"],
  ["negative", "@delta flight delayed and nobody at the gate"],
  ["negative", "so tired, delayed 45 minutes &amp; no updates"],
  ["negative", "Flight DL123 delayed, not happy with the crew"],
  ["positive", "thanks @united for the smooth flight"],
  ["positive", "Thanks to the crew, great service"],
  ["positive", "Great landing, thanks!"],
  ["positive", "thanks for upgrading me www.example.com"],
  ["neutral", "What time does the flight board?"],
  ["neutral", "Is the lounge open at the gate"],
  ["neutral", "Which terminal for the crew"],
];

describe("themes (weighted log-odds, informative Dirichlet prior)", () => {
  const index = buildTermIndex(SET.map(([, t]) => t));
  const polarities = SET.map(([p]) => p);
  const result = polarityThemes(index, polarities, { minCount: 2, minZ: 0 });

  it("the word every negative text holds is the top negative theme; likewise thanks for positive", () => {
    assert.equal(result.negative[0].term, "delayed");
    assert.equal(result.negative[0].count, 5);
    assert.equal(result.negative[0].restCount, 0);
    assert.deepEqual(result.negative[0].items, [0, 1, 2, 3, 4]);
    assert.equal(result.positive[0].term, "thanks");
    assert.deepEqual(result.positive[0].items, [5, 6, 7, 8]);
    assert.ok(result.negative.slice(1).every((t) => t.z < result.negative[0].z));
    assert.ok(result.positive.slice(1).every((t) => t.z < result.positive[0].z));
  });

  it("z grows with evidence: the same set ten times over clears the default 1.96 threshold, and the default minimum count", () => {
    const texts = Array.from({ length: 10 }, () => SET.map(([, t]) => t)).flat();
    const labels = Array.from({ length: 10 }, () => SET.map(([p]) => p)).flat();
    const big = polarityThemes(buildTermIndex(texts), labels);
    assert.equal(big.negative[0].term, "delayed");
    assert.equal(big.positive[0].term, "thanks");
    assert.ok(big.negative[0].z > 1.96 && big.positive[0].z > 1.96);
    assert.ok([...big.negative, ...big.positive].every((t) => t.z >= 1.96 && t.count >= 3));
  });

  it("a word shared by all polarities is no theme; mentions, URLs, numbers, entities and stop words never appear", () => {
    const all = [...result.negative, ...result.positive].map((t) => t.term);
    assert.ok(!all.includes("flight") || result.negative.find((t) => t.term === "flight")!.z < result.negative[0].z);
    for (const term of all) {
      assert.doesNotMatch(term, /@|http|www|\d|amp|united|delta|^the$|^for$|^and$/);
    }
    const seen = new Set(index.terms);
    for (const gone of ["united", "@united", "the", "for", "3", "45", "amp", "http", "t.co", "dl123", "is"]) assert.ok(!seen.has(gone), gone);
  });

  it("words keep hashtags as words, negations only in phrases, and no phrase across punctuation", () => {
    assert.deepEqual(words("Lost bag too #fail").map((w) => w.term), ["lost", "bag", "fail"]);
    assert.ok(index.terms.includes("not happy"));
    assert.ok(!index.terms.includes("not"));
    assert.ok(!index.terms.includes("delayed lost"), "a full stop ends a phrase");
    assert.ok(index.terms.includes("lost bag"));
  });

  it("the matches of a theme in an item, for highlighting", () => {
    const text = SET[1][1];
    const spans = themeMatches(index, 1, "delayed");
    assert.deepEqual(spans.map((s) => text.slice(s.start, s.end)), ["Delayed"]);
    const phrase = themeMatches(index, 1, "lost bag");
    assert.deepEqual(phrase.map((s) => text.slice(s.start, s.end)), ["Lost bag"]);
  });

  it("themes per group compare within the group only", () => {
    const groups = SET.map((_, i) => (i % 2 === 0 ? "even" : "odd"));
    const byGroup = groupThemes(index, polarities, groups, { minCount: 2, minZ: 0 });
    const even = byGroup.get("even")!;
    assert.ok(even.negative.some((t) => t.term === "delayed"));
    for (const theme of [...even.negative, ...even.positive]) for (const i of theme.items) assert.equal(i % 2, 0);
    assert.equal(byGroup.get("odd")!.positive[0].term, "thanks");
  });

  it("the ASCII word scanner agrees with Intl.Segmenter on every ASCII airline tweet", function () {
    const file = sharedFile(this, "data", "airline-tweets.csv");
    const table = parseTable(readFileSync(file, "utf8"), { format: "csv" });
    const segmenter = new Intl.Segmenter("en", { granularity: "word" });
    const extra = ["a:b e.g. 3,000 1;2 don't a.1 x_y 2hrs 3.5 a''b foo--bar U.S.A. 3:30pm _x_ 1'000"];
    let checked = 0;
    for (const text of [...extra, ...table.rows.map((r) => r.cells.text)]) {
      if (/[^\x00-\x7e]/.test(text)) continue;
      const icu = [...segmenter.segment(text)].filter((s) => s.isWordLike).map((s) => [s.index, s.index + s.segment.length]);
      const ours = words(text).map((w) => [w.start, w.end]);
      const icuKept = icu.filter(([s]) => ours.some(([o]) => o === s));
      assert.deepEqual(ours, icuKept, text);
      checked++;
    }
    assert.ok(checked > 10_000);
  });
});
