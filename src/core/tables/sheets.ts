/**
 * The sheets of an Excel workbook, without reading them (only xl/workbook.xml is inflated), and choosing one by name or
 * position. Apart from xlsx.ts (which brings the sheet reader) so that the extension host can list a workbook's sheets
 * for a pick cheaply.
 * Pure: bytes in.
 */
import { unzipSync } from "fflate";

/**
 * A workbook that cannot be read at all (not a zip, an old or password-protected file, no such sheet). Its message
 * says why in words that follow the file's name: "survey.xlsx: not an Excel workbook (.xlsx): ...".
 */
export class WorkbookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkbookError";
  }
}

/** The sheet names of a workbook in its order, read from xl/workbook.xml alone; empty when that part is not there. */
export function sheetNames(bytes: Uint8Array): string[] {
  let xml: Uint8Array | undefined;
  try {
    xml = unzipSync(bytes, { filter: (file) => file.name === "xl/workbook.xml" })["xl/workbook.xml"];
  } catch {
    // Not a zip archive: reading the workbook (xlsx.ts) says why.
    return [];
  }
  if (!xml) return [];
  const text = new TextDecoder("utf-8").decode(xml);
  return [...text.matchAll(/<(?:\w+:)?sheet\b[^>]*?\sname="([^"]*)"/g)].map((match) => unescapeXml(match[1]));
}

function unescapeXml(text: string): string {
  return text.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi, (_, hex: string, dec: string, named: string) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[named.toLowerCase()]!,
  );
}

/** The sheet asked for, by name (exact, else ignoring case) or 1-based position. */
export function chooseSheet(wanted: string, sheets: readonly string[]): string {
  if (sheets.length === 0) return wanted;
  const found = sheets.find((name) => name === wanted) ?? sheets.find((name) => name.toLowerCase() === wanted.toLowerCase());
  if (found !== undefined) return found;
  const position = /^\d+$/.test(wanted) ? Number(wanted) : NaN;
  if (position >= 1 && position <= sheets.length) return sheets[position - 1];
  throw new WorkbookError(`no sheet "${wanted}" in the workbook; its sheets are ${listSheets(sheets)}`);
}

/** Sheet names as a message lists them. */
export const listSheets = (sheets: readonly string[]) => sheets.map((name) => `"${name}"`).join(", ");
