import { strict as assert } from "node:assert";
import { classificationsOf } from "../../src/engine/scores";

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
