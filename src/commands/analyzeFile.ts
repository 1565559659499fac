/**
 * "Analyze Feedback File…": one file, chosen in an open dialog or from the Explorer's context menu, scored and shown in
 * the panel (and exported from there like any run). Its main use is what does not open as text in the editor, an Excel
 * workbook (.xlsx); CSV, TSV, JSON Lines, JSON, markdown and plain text files work the same. A table's text column is
 * asked with the column quick pick (remembered per file); the file is read in the table worker, off the host's main
 * thread, and scored through Analyze Folder's path (analyzeFiles), so the two read, score and show files alike.
 */
import * as vscode from "vscode";
import { messageOf } from "../core/errors";
import { ANALYZED_EXTENSIONS, TABLE_EXTENSIONS } from "../core/fileKinds";
import type { SummaryModel } from "../core/summary/summaryModel";
import { tableFormatOf } from "../core/tables";
import { chooseSheet, sheetNames } from "../core/tables/sheets";
import type { AnalysisService } from "../editor/analysisService";
import type { SummaryState } from "../panel/summaryState";
import type { TableSources } from "../editor/tableSources";
import { analyzeFiles, tableSource } from "./analyzeFolder";

/**
 * `file`: the Explorer's file (or a test's); without it an open dialog asks. `sheet`: a workbook's sheet (name or
 * 1-based position); without it a workbook of several sheets asks which one.
 */
export async function analyzeFile(
  analysis: AnalysisService,
  summary: SummaryState,
  tables: TableSources,
  file?: vscode.Uri,
  sheet?: string,
): Promise<SummaryModel | undefined> {
  const uri =
    file ??
    (
      await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectFolders: false,
        canSelectMany: false,
        openLabel: "Analyze",
        title: "Analyze Feedback File",
        filters: {
          "Feedback files": Object.keys(TABLE_EXTENSIONS),
          "All files Inline Sentiment reads": [...ANALYZED_EXTENSIONS],
        },
      })
    )?.[0];
  if (!uri) return undefined;
  const name = vscode.workspace.asRelativePath(uri);
  if (!ANALYZED_EXTENSIONS.some((ext) => uri.path.toLowerCase().endsWith(`.${ext}`))) {
    void vscode.window.showErrorMessage(`Inline Sentiment: ${name} is not a file it reads (${ANALYZED_EXTENSIONS.map((e) => `.${e}`).join(", ")}).`);
    return undefined;
  }
  const format = tableFormatOf(uri.path);
  let title = name;
  if (format) {
    try {
      const { source, version } = await tableSource(uri, format);
      if (format === "xlsx") {
        const sheets = "bytes" in source ? sheetNames(source.bytes) : [];
        // A sheet given by position or in another case is named as the workbook names it (the title says it).
        const chosen = sheet !== undefined ? chooseSheet(sheet, sheets) : sheets.length > 1 ? await pickSheet(name, sheets) : undefined;
        if (sheets.length > 1 && chosen === undefined) return undefined;
        tables.useSheet(uri, chosen);
        if (chosen !== undefined) title = `${name}, sheet "${chosen}"`;
      }
      if (!(await tables.ensureFileColumn(uri, source, format, version))) return undefined;
    } catch (error) {
      void vscode.window.showErrorMessage(`Inline Sentiment: cannot read ${name}: ${messageOf(error)}`);
      return undefined;
    }
  }
  return analyzeFiles(analysis, summary, [uri], { kind: "document", title: (_, cancelled) => `${title}${cancelled ? " (cancelled)" : ""}` });
}

/** Which sheet of a workbook to read: a quick pick of its sheets, the first preselected. */
async function pickSheet(name: string, sheets: readonly string[]): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    sheets.map((label, i) => ({ label, description: i === 0 ? "first sheet" : undefined })),
    { title: `Which sheet of ${name} holds the feedback?`, placeHolder: `${sheets.length} sheets` },
  );
  return picked?.label;
}
