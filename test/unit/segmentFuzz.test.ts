/**
 * Property-based tests of the prose segmenter (fast-check): random and adversarial documents never make it throw, its
 * units lie inside the document in order without overlapping and hold the text they cover, an incremental run equals a
 * fresh one, and its time grows within a factor of linear on the shapes that froze the host (issue 24). The time
 * property compares the segmenter with itself on one document and on one 16 times longer: no absolute threshold.
 * Seeded, as the tabular fuzz test is, so a run is reproducible and CI does not meet a new random case each time; a
 * failure prints the seed and the shrunk counterexample. FUZZ_SEED=N runs another seed.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { DocumentSegmenter, segment, type Granularity } from "../../src/core/segment";

/** Pieces of markdown syntax, prose and awkward characters, to be strung together. */
const PIECES = [
  "\n", "\n\n", "\r\n", "\r", " ", "\t", "    ", "word", "Great service. ", "awful, slow", "*", "**", "_", "__", "~~", "`", "```\n",
  "~~~\n", "[", "]", "(", ")", "![alt](x.png)", "[link](https://x.test)", "[ref]", "[ref]: https://x.test\n", "<", ">", "> ",
  "- ", "* ", "+ ", "1. ", "2) ", "# ", "## ", "---\n", "===\n", "| a | b |\n", "|---|---|\n", "<!-- ", " -->", "<div>\n",
  "</div>\n", "<script>\n", "&amp;", "&#123;", "\\", "\\*", "\u00a0", "😀", "你好", "\u0301", "www.x.test", "a@b.test", "[^1]", "[^1]: note\n",
];

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

const documents = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), { maxLength: 120 }).map((parts) => parts.join(""));
const languages = fc.constantFrom("markdown", "plaintext");
const granularities = fc.constantFrom<Granularity>("paragraph", "line", "sentence");

/** Units inside the document, in order, not overlapping, not empty, each read from its own range. */
function assertCovers(doc: string, units: ReturnType<typeof segment>): void {
  let previousEnd = 0;
  for (const unit of units) {
    assert.ok(0 <= unit.start && unit.start <= unit.end && unit.end <= doc.length, `range ${unit.start}-${unit.end} of ${doc.length}`);
    assert.ok(unit.start >= previousEnd, `unit at ${unit.start} overlaps the one ending at ${previousEnd}`);
    previousEnd = unit.end;
    assert.ok(unit.text.trim().length > 0, "an empty unit");
    const source = doc.slice(unit.start, unit.end);
    // The text read is the source without its markup: its letters and digits are a subsequence of the range's (entities
    // and escapes aside, which change the text read).
    if (/[&\\]/.test(source)) continue;
    let at = 0;
    for (const char of unit.text.replace(/[^A-Za-z0-9]/g, "")) {
      at = source.indexOf(char, at) + 1;
      assert.ok(at > 0, `${JSON.stringify(unit.text)} is not read from ${JSON.stringify(source)}`);
    }
  }
}

describe("segmenter properties (fast-check)", () => {
  it("never throws; units lie inside the document, in order, not overlapping, holding their text", () => {
    fc.assert(
      fc.property(documents, languages, granularities, (doc, language, granularity) => {
        assertCovers(doc, segment(doc, language, granularity));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("the same on adversarial documents: long runs of one piece, deep nesting, lines without a blank line", () => {
    const runs = fc
      .tuple(fc.constantFrom("*a*\n", "*a* ", "_a_", "[", "[a ", "> ", ">", "- ", "  - x\n", "|x|", "`", "\\*", "&amp;", "<b>", "a\n", "1. "), fc.integer({ min: 1, max: 4000 }), fc.string({ maxLength: 8 }))
      .map(([piece, count, tail]) => piece.repeat(count) + tail);
    fc.assert(
      fc.property(runs, languages, (doc, language) => {
        assertCovers(doc, segment(doc, language));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("an incremental run after any edit equals a fresh run", () => {
    fc.assert(
      fc.property(documents, documents, fc.nat(), languages, (before, inserted, at, language) => {
        const segmenter = new DocumentSegmenter(language, "paragraph");
        segmenter.segmentSync(before);
        const cut = at % (before.length + 1);
        const after = before.slice(0, cut) + inserted + before.slice(cut);
        assert.deepEqual(segmenter.segmentSync(after), segment(after, language));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("time grows within a factor of linear: 16 times the document costs at most 4 times 16 times the CPU", () => {
    // CPU time of this thread (best of three), so other processes on the machine weigh less than in wall time.
    const cpu = (doc: string) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const before = process.cpuUsage();
        segment(doc, "markdown");
        const used = process.cpuUsage(before);
        best = Math.min(best, used.user + used.system);
      }
      return best;
    };
    const shapes = fc.constantFrom(
      (n: number) => "*a*\n".repeat(n),
      (n: number) => "*a* ".repeat(n),
      (n: number) => "the service was fine\n".repeat(n),
      (n: number) => Array.from({ length: n }, (_, i) => `${" ".repeat(2 * (i % 400))}- item`).join("\n"),
      (n: number) => "[a ".repeat(n),
      (n: number) => "> ".repeat(n) + "a",
      (n: number) => "| x | y |\n".repeat(n),
      (n: number) => "- item **b** [c](d)\n".repeat(n),
    );
    cpu("warm the parser up *a* [b](c)\n".repeat(2000));
    fc.assert(
      fc.property(shapes, fc.integer({ min: 1500, max: 3000 }), (make, n) => {
        const small = cpu(make(n));
        const large = cpu(make(16 * n));
        // 1 ms of slack for the small run, whose fixed costs are a larger share.
        assert.ok(large <= 4 * 16 * Math.max(small, 1000), `${(small / 1000).toFixed(1)} ms, then ${(large / 1000).toFixed(1)} ms for 16 times the text`);
      }),
      { seed: SEED, numRuns: 12 },
    );
  });
});
