import { strict as assert } from "node:assert";
import { segment } from "../../src/core/segment";
import { sentencePieces } from "../../src/core/segment/granularity";

const cases: [string, string[]][] = [
  ["The staff were lovely. The billing page lost my payment twice.", ["The staff were lovely.", "The billing page lost my payment twice."]],
  ["Dr. Smith was great. The bill was wrong.", ["Dr. Smith was great.", "The bill was wrong."]],
  ["We paid $3.50 for it. Bad!", ["We paid $3.50 for it.", "Bad!"]],
  ["I met J. R. R. Tolkien. Nice.", ["I met J. R. R. Tolkien.", "Nice."]],
  ["It costs approx. 5 USD. Fine.", ["It costs approx. 5 USD.", "Fine."]],
  ["Apps, e.g. the mobile one, crash. Please fix.", ["Apps, e.g. the mobile one, crash.", "Please fix."]],
  ["Ask for room No. 5 please. Thanks.", ["Ask for room No. 5 please.", "Thanks."]],
  // "No." alone is an answer, and "etc." ends a sentence as often as not.
  ["No. It broke twice.", ["No.", "It broke twice."]],
  ["We bought eggs, etc. Then we left.", ["We bought eggs, etc.", "Then we left."]],
  ["Version 2.1.3 is out. It works.", ["Version 2.1.3 is out.", "It works."]],
];

describe("sentences", () => {
  for (const [text, expected] of cases) {
    it(`splits ${JSON.stringify(text)}`, () => {
      assert.deepEqual(sentencePieces(text).map((piece) => piece.segment.trim()), expected);
    });
  }

  it("maps each sentence of a markdown paragraph back to its exact source", () => {
    const source = "Some *lovely* staff. The [billing page](https://x.test) lost it.\n";
    const units = segment(source, "markdown", "sentence");
    assert.deepEqual(units.map((unit) => unit.text), ["Some lovely staff.", "The billing page lost it."]);
    assert.deepEqual(units.map((unit) => source.slice(unit.start, unit.end)), ["Some *lovely* staff.", "The [billing page](https://x.test) lost it."]);
  });

  it("a sentence that lies inside one inexact leaf (an entity, an autolink) joins the one before: no unit without source", () => {
    // Found by the segmenter's fuzz test: "a@b.test" became a unit at 15..15, covering nothing.
    const source = "[&amp;?a@b.test";
    const units = segment(source, "markdown", "sentence");
    assert.deepEqual(units.map((unit) => [unit.text, source.slice(unit.start, unit.end)]), [["[&?a@b.test", source]]);
  });

  it("reads a hard line break inside a sentence as a space", () => {
    assert.deepEqual(sentencePieces("The app was\nslow. Then it crashed.").map((piece) => piece.segment.trim()), ["The app was slow.", "Then it crashed."]);
  });
});
