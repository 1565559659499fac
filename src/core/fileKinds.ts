/**
 * The kinds of file Inline Sentiment reads, in one table: each kind's file name endings, the VS Code language ids that
 * mean it, and how its text is read. Every list of extensions or language ids elsewhere (core/sourceFiles.ts, core/tables,
 * the editor, the commands, the hover's selector, the `live.languages` default) is derived from it, and
 * test/unit/manifest.test.ts checks package.json's contributions against it (activation events, the setting's
 * default, the Explorer menu's file endings). Pure, and a leaf: it imports only a type.
 */
import type { TableFormat } from "./tables/table";

/** How a source's text is read: segmented as markdown or as plain text into paragraphs, or parsed as a table. */
export type SourceLanguage = "markdown" | "plaintext";

/** One kind of file. */
export interface FileKind {
  /** How its text is read: segmented as markdown or plain text, or parsed as a table of this format. */
  reads: SourceLanguage | TableFormat;
  /** File name endings (lower case, without the dot) that mean this kind, whatever the document's language id. */
  extensions: readonly string[];
  /** Language ids that mean this kind whatever the file is called (a `.log` opened as markdown is markdown). */
  languages: readonly string[];
  /**
   * Of `languages`, those the extension activates on and highlights live by default (package.json's activation events
   * and the `inlineSentiment.live.languages` default).
   */
  live: readonly string[];
  /** The language id VS Code gives such a file when it is none of `languages` (`.json` files open as `json`). */
  opensAs?: string;
}

/** The table. Its order is the order lists are shown in (the open dialog's filters, messages naming the endings). */
export const FILE_KINDS: readonly FileKind[] = [
  // mdx: the MDX extension's language id; segmented as markdown, highlighted live when a user adds it to the setting.
  { reads: "markdown", extensions: ["md", "markdown", "mdx"], languages: ["markdown", "mdx"], live: ["markdown"] },
  { reads: "plaintext", extensions: ["txt"], languages: ["plaintext"], live: ["plaintext"] },
  // csv, tsv, jsonl: the language ids table extensions give those files (VS Code itself opens .csv as plaintext).
  { reads: "csv", extensions: ["csv"], languages: ["csv"], live: ["csv"] },
  { reads: "tsv", extensions: ["tsv", "tab"], languages: ["tsv"], live: ["tsv"] },
  { reads: "jsonl", extensions: ["jsonl", "ndjson"], languages: ["jsonl"], live: ["jsonl"] },
  // Any JSON document is `json` (settings, package.json): only a file named .json is read as a table.
  { reads: "json", extensions: ["json"], languages: [], live: [], opensAs: "json" },
  // A workbook is bytes, never a text document: read by name only (Analyze Feedback File…, Analyze Folder, the CLI).
  { reads: "xlsx", extensions: ["xlsx"], languages: [], live: [] },
];

/** True for a kind read as a table. */
function isTable(kind: FileKind): kind is FileKind & { reads: TableFormat } {
  return kind.reads !== "markdown" && kind.reads !== "plaintext";
}

const tables = FILE_KINDS.filter(isTable);
const prose = FILE_KINDS.filter((kind) => !isTable(kind));

/** File name endings of tabular sources and the format each implies. */
export const TABLE_EXTENSIONS: Readonly<Record<string, TableFormat>> = Object.fromEntries(
  tables.flatMap((kind) => kind.extensions.map((ext) => [ext, kind.reads])),
);

/** Language ids that mean a table whatever the file is called (an extension may give .csv files the `csv` language). */
const TABLE_LANGUAGES = new Map<string, TableFormat>(tables.flatMap((kind) => kind.languages.map((id) => [id, kind.reads])));

/** The tabular format a language id means whatever the file is called, or undefined (prose, `json`, any other). */
export function tableFormatOfLanguage(languageId: string): TableFormat | undefined {
  return TABLE_LANGUAGES.get(languageId);
}

/** File name endings read as markdown. */
export const MARKDOWN_EXTENSIONS: readonly string[] = prose.filter((kind) => kind.reads === "markdown").flatMap((kind) => kind.extensions);

/** Language ids segmented as markdown. */
export const MARKDOWN_LANGUAGES: readonly string[] = prose.filter((kind) => kind.reads === "markdown").flatMap((kind) => kind.languages);

/** Language ids of prose documents (markdown, plain text): what Analyze Sentiment scores paragraph by paragraph. */
export const PROSE_LANGUAGES: readonly string[] = prose.flatMap((kind) => kind.languages);

/** Every file name ending the extension reads (Analyze Folder, Analyze Feedback File…). */
export const ANALYZED_EXTENSIONS: readonly string[] = FILE_KINDS.flatMap((kind) => kind.extensions);

/** Language ids activated on and highlighted live by default: the `inlineSentiment.live.languages` default. */
export const LIVE_LANGUAGES: readonly string[] = FILE_KINDS.flatMap((kind) => kind.live);

/** Every language id a document with results can have: where the hover is offered. */
export const ANALYZED_LANGUAGES: readonly string[] = [...new Set(FILE_KINDS.flatMap((kind) => [...kind.languages, ...(kind.opensAs ? [kind.opensAs] : [])]))];

/**
 * URI schemes of the documents highlighted live: files on disk, untitled editors, and files in a remote window or in
 * code-server's web extension host (`vscode-remote`). Never output panels, a diff view's git side, or other
 * extensions' virtual documents.
 */
export const LIVE_SCHEMES: readonly string[] = ["file", "untitled", "vscode-remote"];

/**
 * URI schemes of the documents that can have results, where the hover is offered: the live ones, and VS Code for the
 * Web's repositories (`vscode-vfs`), whose documents Analyze Sentiment scores.
 */
export const ANALYZED_SCHEMES: readonly string[] = [...LIVE_SCHEMES, "vscode-vfs"];

/** The document filters (language and scheme) of every document that can have results: the hover's selector. */
export function analyzedDocumentFilters(): { language: string; scheme: string }[] {
  return ANALYZED_SCHEMES.flatMap((scheme) => ANALYZED_LANGUAGES.map((language) => ({ language, scheme })));
}
