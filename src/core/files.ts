/**
 * What kind of source a file or text is, decided in one place for the editor, Analyze Folder and the CLI. Pure.
 */

/** How a source is segmented. */
export type SourceLanguage = "markdown" | "plaintext";

/** File name endings read as markdown; every other analysed file is plaintext. */
const MARKDOWN_EXTENSIONS = ["md", "markdown", "mdx"] as const;
/** File name endings Analyze Folder and the CLI read. */
export const ANALYZED_EXTENSIONS = [...MARKDOWN_EXTENSIONS, "txt"] as const;
/** VS Code language ids segmented as markdown. */
const MARKDOWN_LANGUAGES = new Set(["markdown", "mdx"]);

const MARKDOWN_PATH = new RegExp(`\\.(${MARKDOWN_EXTENSIONS.join("|")})$`, "i");

/** How a file is segmented, by its name. */
export function languageOfPath(path: string): SourceLanguage {
  return MARKDOWN_PATH.test(path) ? "markdown" : "plaintext";
}

/** True for the VS Code language ids whose documents are segmented as markdown. */
export function isMarkdownLanguage(languageId: string): boolean {
  return MARKDOWN_LANGUAGES.has(languageId);
}

/** A glob for the files Analyze Folder reads. */
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
