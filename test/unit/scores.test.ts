import { strict as assert } from "node:assert";
import { ScoredRow } from "../../src/core/scoredRow";
import { classificationsOf, scoreRefsOf } from "../../src/engine/scores";

describe("classify answers in columns (engine/scores.ts)", () => {
  it("each text's label is its first most probable one, with every label's probability, windows and tokens", () => {
    const columns = {
      labels: ["NEGATIVE", "NEUTRAL", "POSITIVE"],
      probabilities: Float64Array.from([0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.4, 0.4, 0.2]),
      windows: Uint32Array.from([1, 3, 1]),
      tokens: Uint32Array.from([5, 1200, 0]),
    };
    assert.deepEqual(classificationsOf(columns), [
      { label: "NEGATIVE", score: 0.7, probabilities: { NEGATIVE: 0.7, NEUTRAL: 0.2, POSITIVE: 0.1 }, windows: 1, tokens: 5 },
      { label: "POSITIVE", score: 0.6, probabilities: { NEGATIVE: 0.1, NEUTRAL: 0.3, POSITIVE: 0.6 }, windows: 3, tokens: 1200 },
      { label: "NEGATIVE", score: 0.4, probabilities: { NEGATIVE: 0.4, NEUTRAL: 0.4, POSITIVE: 0.2 }, windows: 1, tokens: 0 },
    ]);
    assert.deepEqual(classificationsOf({ ...columns, probabilities: new Float64Array(0), windows: new Uint32Array(0), tokens: new Uint32Array(0) }), []);
  });
});

describe("results read from the answer when asked (ScoreRef, ScoredRow)", () => {
  it("read the same as the plain classification, also as JSON; a scored row reads through to its unit and score", () => {
    const columns = {
      labels: ["NEGATIVE", "POSITIVE"],
      probabilities: Float64Array.from([0.25, 0.75, 0.9, 0.1]),
      windows: Uint32Array.from([1, 2]),
      tokens: Uint32Array.from([7, 600]),
    };
    const refs = scoreRefsOf(columns);
    const plain = classificationsOf(columns);
    refs.forEach((ref, i) => {
      assert.deepEqual({ label: ref.label, score: ref.score, probabilities: ref.probabilities, windows: ref.windows, tokens: ref.tokens }, plain[i]);
      assert.deepEqual(JSON.parse(JSON.stringify(ref)), plain[i]);
    });
    const row = new ScoredRow({ start: 3, end: 9, text: "so bad", kind: "row" }, refs[1], "negative");
    assert.deepEqual(JSON.parse(JSON.stringify(row)), { start: 3, end: 9, text: "so bad", kind: "row", ...plain[1], polarity: "negative" });
    row.polarity = "neutral";
    assert.equal(row.polarity, "neutral");
    assert.equal(row.score, 0.9);
  });
});
