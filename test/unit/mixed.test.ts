import { strict as assert } from "node:assert";
import { isMixed, MIXED_THRESHOLD, sentenceSpread } from "../../src/core/mixed";

const sentence = (negative: number, labels = { negative: "NEGATIVE", positive: "POSITIVE" }) => ({
  probabilities: { [labels.negative]: negative, [labels.positive]: 1 - negative },
});

describe("mixed", () => {
  it("fires when one sentence is negative and another positive, both at or above the threshold", () => {
    const spread = sentenceSpread([sentence(0.995), sentence(0.5), sentence(0.008)]);
    assert.deepEqual(spread, { negative: { index: 0, p: 0.995 }, positive: { index: 2, p: 0.992 } });
    assert.equal(isMixed(spread, 0.99), true);
    assert.equal(isMixed(spread, 0.993), false, "the positive sentence is below 0.993");
  });

  it("does not fire on same-tone sentences however sure, nor on a single sentence", () => {
    assert.equal(isMixed(sentenceSpread([sentence(0.999), sentence(0.999)]), 0.9), false);
    assert.equal(isMixed(sentenceSpread([sentence(0.001), sentence(0.002)]), 0.9), false);
    assert.equal(sentenceSpread([sentence(0.999)]), undefined);
    assert.equal(isMixed(undefined), false);
  });

  it("the threshold is inclusive and defaults to the measured 0.99", () => {
    assert.equal(MIXED_THRESHOLD, 0.99);
    const spread = sentenceSpread([sentence(0.99), sentence(0.01)]);
    assert.equal(isMixed(spread), true);
    assert.equal(isMixed(sentenceSpread([sentence(0.98), sentence(0.01)])), false);
  });

  it("above 0.5 the negative and the positive sentence are two different ones", () => {
    // A sentence's negative and positive probabilities sum to at most 1: it cannot be both at 0.6 (the setting's minimum).
    const spread = sentenceSpread([sentence(0.4), sentence(0.45)]);
    assert.equal(isMixed(spread, 0.6), false);
    assert.equal(isMixed(sentenceSpread([sentence(0.6), sentence(0.4)]), 0.6), true);
  });

  it("reads labels through the label map, and a three-way model's neutral mass counts for neither side", () => {
    const three = (neg: number, neu: number, pos: number) => ({ probabilities: { LABEL_0: neg, LABEL_1: neu, LABEL_2: pos } });
    const map = { LABEL_0: "negative", LABEL_1: "neutral", LABEL_2: "positive" } as const;
    assert.equal(isMixed(sentenceSpread([three(0.95, 0.04, 0.01), three(0.01, 0.03, 0.96)], map), 0.95), true);
    assert.equal(isMixed(sentenceSpread([three(0.95, 0.04, 0.01), three(0.01, 0.6, 0.39)], map), 0.9), false);
    assert.equal(isMixed(sentenceSpread([three(0.95, 0.04, 0.01), three(0.01, 0.03, 0.96)]), 0.5), false, "without the map LABEL_n read as neither");
  });
});
