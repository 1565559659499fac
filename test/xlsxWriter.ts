/**
 * Writes small `.xlsx` workbooks for the tests with yazl (the zip writer @vscode/vsce uses: a zip implementation apart
 * from the reader's fflate). Node only (the unit tests, the benchmark and the in-editor suite); the parts are
 * xlsxParts.ts's.
 */
import { xlsxParts, type XlsxSheet } from "./xlsxParts";

export { columnLetters, type XlsxCell, type XlsxRow, type XlsxSheet } from "./xlsxParts";

// yazl ships no type declarations: the part used here.
const { ZipFile } = require("yazl") as {
  ZipFile: new () => {
    addBuffer(data: Buffer, name: string, options?: { compress?: boolean }): void;
    end(): void;
    outputStream: NodeJS.ReadableStream;
  };
};

/** The workbook's bytes. `compress: false` stores the parts uncompressed (some writers do). */
export function writeXlsx(sheets: XlsxSheet[], options: { compress?: boolean } = {}): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, xml] of xlsxParts(sheets)) zip.addBuffer(Buffer.from(xml, "utf8"), name, { compress: options.compress !== false });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on("error", reject);
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
  });
}
