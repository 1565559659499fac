/**
 * Reading a source file, decided in one place for the editor, Analyze Folder and the CLI: how it is segmented by its
 * name (from core/fileKinds.ts), whether it is binary, and its bytes as text. Pure. (Named apart from
 * engine/worker/files.ts, which reads a model folder.)
 */
import { ANALYZED_EXTENSIONS, MARKDOWN_EXTENSIONS, MARKDOWN_LANGUAGES, type SourceLanguage } from "./fileKinds";
import { decodeText, tableFormatOf, type DecodedText } from "./tables";

const MARKDOWN_PATH = new RegExp(`\\.(${MARKDOWN_EXTENSIONS.join("|")})$`, "i");

/** How a file is segmented, by its name: markdown by its ending (core/fileKinds.ts), every other file as plain text. */
export function languageOfPath(path: string): SourceLanguage {
  return MARKDOWN_PATH.test(path) ? "markdown" : "plaintext";
}

/** True for the VS Code language ids whose documents are segmented as markdown. */
export function isMarkdownLanguage(languageId: string): boolean {
  return MARKDOWN_LANGUAGES.includes(languageId);
}

/** A glob for the files Analyze Folder reads: every ending of core/fileKinds.ts. */
export const ANALYZED_GLOB = `**/*.{${ANALYZED_EXTENSIONS.join(",")}}`;

/**
 * How much of a file is read to decide whether it is binary: a NUL in the first 8,000 bytes or characters, the rule git
 * uses. Text files have none; binary files nearly always have one early. Reading only the start keeps the check cheap
 * on a large open document, which is checked on every live run.
 */
export const BINARY_SNIFF_LENGTH = 8000;

/** Why a binary file is not analysed, as every caller says it. */
export const BINARY_REASON = "looks like a binary file (it holds NUL bytes); not analysed";

/** True for content (a file's bytes, or the start of a document's text) that is binary: scored, it would be noise. */
export function looksBinary(content: Uint8Array | string): boolean {
  return typeof content === "string"
    ? content.slice(0, BINARY_SNIFF_LENGTH).includes("\u0000")
    : content.subarray(0, BINARY_SNIFF_LENGTH).includes(0);
}

/**
 * A tabular source's bytes as text: decoded first (UTF-16 from spreadsheets, a BOM, Windows-1252; core/tables
 * decodeText), then checked for NUL characters, since a UTF-16 file's bytes are full of NULs. Throws BINARY_REASON.
 */
export function decodeTabular(bytes: Uint8Array): DecodedText {
  const decoded = decodeText(bytes);
  if (looksBinary(decoded.text)) throw new Error(BINARY_REASON);
  return decoded;
}

/** A file's bytes as text, or an Error saying why not: tabular sources (by name) by decodeTabular, others as UTF-8. */
export function decodeSource(bytes: Uint8Array, path: string): string {
  if (tableFormatOf(path)) return decodeTabular(bytes).text;
  if (looksBinary(bytes)) throw new Error(BINARY_REASON);
  return new TextDecoder("utf-8").decode(bytes);
}
