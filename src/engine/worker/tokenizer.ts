/**
 * The model folder's own tokenizer (tokenizer.json + tokenizer_config.json), run by @huggingface/tokenizers,
 * the pure-JS tokenizer that @huggingface/transformers uses. We encode without special tokens and add them per
 * window ourselves, so long texts can be split into windows instead of being truncated.
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { ModelError, messageOf } from "../../core/errors";
import { readJsonOf, type ModelFiles } from "./files";

export class TextTokenizer {
  /** Ids the tokenizer puts before and after a single sequence (e.g. [CLS] ... [SEP]). */
  readonly prefix: number[];
  readonly suffix: number[];
  readonly padId: number;

  private constructor(private readonly tokenizer: Tokenizer, config: Record<string, unknown>) {
    const bare = tokenizer.encode("a", { add_special_tokens: false }).ids;
    const full = tokenizer.encode("a").ids;
    const at = full.findIndex((_, i) => bare.every((id, j) => full[i + j] === id));
    this.prefix = full.slice(0, Math.max(at, 0));
    this.suffix = at < 0 ? [] : full.slice(at + bare.length);
    const pad = typeof config.pad_token === "string" ? tokenizer.token_to_id(config.pad_token) : undefined;
    this.padId = pad ?? 0;
  }

  /** The same, read through the engine's ModelFiles (files.ts): the file system or, on the web, the extension host. */
  static async fromFiles(files: ModelFiles): Promise<TextTokenizer> {
    const json = await readJsonOf(files, "tokenizer.json");
    return TextTokenizer.of(json, await readJsonOf(files, "tokenizer_config.json"), files.pathOf("tokenizer.json"));
  }

  /** A tokenizer from the parsed files (engine/node/tokenizerFiles.ts reads them from disk); errors name `file`. */
  static of(json: Record<string, unknown>, config: Record<string, unknown>, file: string): TextTokenizer {
    try {
      return new TextTokenizer(new Tokenizer(json, config), config);
    } catch (error) {
      throw new ModelError(file, `not a usable tokenizer (${messageOf(error)})`);
    }
  }

  /** Word-piece ids of `text`, without special tokens. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Word pieces of `text`, for tests and explanations. */
  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(text);
  }
}

