/**
 * "Analyze Folder…": every markdown, plaintext and tabular file (.csv, .tsv, .jsonl, .json, .xlsx) under a folder,
 * with progress and cancel; results in the panel. A table is scored by its remembered text column, else the suggested one;
 * its unreadable rows are listed in the panel and counted in a warning.
 */
import * as vscode from "vscode";
import { readSettings } from "../config";
import { messageOf } from "../core/errors";
import { ANALYZED_EXTENSIONS } from "../core/fileKinds";
import { ANALYZED_GLOB, BINARY_REASON, decodeSource, languageOfPath } from "../core/sourceFiles";
import { FOLDER_PROSE_FILE_LIMIT } from "../core/limits";
import { tableFormatOf, type TableFormat } from "../core/tables";
import type { SummaryFile, SummaryModel } from "../core/summary/summaryModel";
import type { AnalysisService } from "../editor/analysisService";
import { documentLooksBinary, openDocument } from "../editor/documents";
import { summaryFile, type SummaryState } from "../panel/summaryState";
import { CancelledError } from "../engine/engineClient";
import { modelDisplayName } from "../models/located";
import { COMMANDS } from "../core/commandIds";

/**
 * Never analysed: dependencies, git's own files and the lock files Excel leaves beside an open workbook (`~$name.xlsx`);
 * the user's `inlineSentiment.exclude` globs are added to these.
 */
const EXCLUDE = ["**/node_modules/**", "**/.git/**", "**/~$*.xlsx"];

/** `cancel`: another way to cancel besides the notification's button (the extension's tests use it). */
export async function analyzeFolder(
  analysis: AnalysisService,
  summary: SummaryState,
  folder?: vscode.Uri,
  cancel?: vscode.CancellationToken,
): Promise<SummaryModel | undefined> {
  const chosen =
    folder ??
    (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: "Analyze Folder" }))?.[0];
  if (!chosen) return undefined;
  const exclude = `{${[...EXCLUDE, ...readSettings(chosen).exclude].join(",")}}`;
  const files = (await vscode.workspace.findFiles(new vscode.RelativePattern(chosen, ANALYZED_GLOB), exclude)).sort((a, b) =>
    a.path.localeCompare(b.path),
  );
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      `Inline Sentiment: no ${ANALYZED_EXTENSIONS.map((e) => `.${e}`).join(", ")} files under ${vscode.workspace.asRelativePath(chosen)}.`,
    );
    return undefined;
  }
  const base = vscode.workspace.asRelativePath(chosen);
  return analyzeFiles(analysis, summary, files, { kind: "folder", title: (count, cancelled) => `${base} (${count} files${cancelled ? ", cancelled" : ""})` }, cancel);
}

/** How a run of analyzeFiles is shown: the panel's kind and its title (from the files scored, and whether cancelled). */
export interface FilesRun {
  kind: SummaryModel["kind"];
  title: (count: number, cancelled: boolean) => string;
}

/**
 * Scores `files` (Analyze Folder's, or the one of Analyze Feedback File), with progress and cancel, and shows them in the
 * panel: a table by its remembered text column, else the suggested one; markdown and plain text by paragraph. A file
 * that cannot be read is skipped and said in one warning; rows that could not be read are listed in the panel.
 */
export async function analyzeFiles(
  analysis: AnalysisService,
  summary: SummaryState,
  files: readonly vscode.Uri[],
  run: FilesRun,
  cancel?: vscode.CancellationToken,
): Promise<SummaryModel> {
  const skipped: string[] = [];
  /** Tables with rows that could not be read: file -> count. */
  const unreadable: string[] = [];
  const results: SummaryFile[] = [];
  let cancelled = false;
  // Counted by whenIdle from the first file read to the last result, not only while a file is being scored.
  const release = analysis.hold();
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "Analysing sentiment", cancellable: true },
      async (progress, token) => {
        // Cancel stops the file being scored too: its queued model work is dropped.
        const controller = new AbortController();
        const listeners = [token, cancel].map((t) => t?.onCancellationRequested(() => controller.abort()));
        if (cancel?.isCancellationRequested) controller.abort();
        try {
          for (const [i, uri] of files.entries()) {
            if (controller.signal.aborted) break;
            progress.report({ message: `${i + 1}/${files.length} ${vscode.workspace.asRelativePath(uri)}`, increment: 100 / files.length });
            try {
              const format = tableFormatOf(uri.path);
              if (format) {
                const file = await scoreTable(analysis, uri, format, controller.signal);
                if (file.problems?.length) unreadable.push(`${file.name} (${file.problems.length})`);
                results.push(file);
              } else {
                // Checked before the file is read (its size on disk), or on an open document's text.
                const open = openDocument(uri);
                const size = open ? open.getText().length : (await vscode.workspace.fs.stat(uri)).size;
                if (size > FOLDER_PROSE_FILE_LIMIT) {
                  throw new Error(
                    `${size.toLocaleString("en")} ${open ? "characters" : "bytes"}, over the ${FOLDER_PROSE_FILE_LIMIT.toLocaleString("en")} a folder run reads per file; open it and run Analyze Sentiment`,
                  );
                }
                const text = await readText(uri);
                const { units, notScored } = await analysis.scoreProse(text, languageOfPath(uri.path), controller.signal);
                results.push(summaryFile(uri, text, units, { notScored }));
              }
            } catch (error) {
              if (error instanceof CancelledError) break;
              skipped.push(`${vscode.workspace.asRelativePath(uri)}: ${messageOf(error)}`);
            }
          }
        } finally {
          cancelled = controller.signal.aborted;
          listeners.forEach((listener) => listener?.dispose());
        }
      },
    );
    const model: SummaryModel = {
      kind: run.kind,
      title: run.title(results.length, cancelled),
      model: modelDisplayName(await analysis.model()),
      files: results,
      labelMap: { ...analysis.labelMap },
    };
    summary.showFolder(model);
    if (skipped.length) void vscode.window.showWarningMessage(`Inline Sentiment: skipped ${skipped.length} file(s): ${skipped.join("; ")}`);
    if (unreadable.length) {
      void vscode.window.showWarningMessage(
        `Inline Sentiment: some rows could not be read, listed with their lines in the summary: ${unreadable.join(", ")}. Every other row was read.`,
      );
    }
    await vscode.commands.executeCommand(COMMANDS.showPanel);
    return model;
  } finally {
    release();
  }
}

/**
 * A table's rows scored, as a panel file. An open document's current text is read, else the file's bytes, decoded in
 * the table worker. A file without columns (a JSON file that is no array of objects, an empty CSV) is an error that
 * says why, so the run lists it as skipped.
 */
async function scoreTable(analysis: AnalysisService, uri: vscode.Uri, format: TableFormat, signal: AbortSignal): Promise<SummaryFile> {
  const { source, version } = await tableSource(uri, format);
  const scored = await analysis.scoreTable(uri, source, format, signal, version);
  if (!scored.table) throw new Error(scored.problems[0]?.message ?? "no columns to read");
  return summaryFile(uri, "", scored.units, { lines: scored.lines, fields: scored.fields, table: scored.table, notScored: scored.notScored });
}

/**
 * What a table file is read from: an open document's current text, else the file's bytes, with its modification time
 * as the version (so the table worker reuses a table it read for the column pick). A workbook is always read from its
 * bytes: it does not open as text.
 */
export async function tableSource(uri: vscode.Uri, format: TableFormat): Promise<{ source: { text: string } | { bytes: Uint8Array }; version?: number }> {
  const open = format === "xlsx" ? undefined : openDocument(uri);
  if (open && documentLooksBinary(open)) throw new Error(BINARY_REASON);
  if (open) return { source: { text: open.getText() } };
  const [bytes, stat] = await Promise.all([vscode.workspace.fs.readFile(uri), vscode.workspace.fs.stat(uri)]);
  return { source: { bytes }, version: stat.mtime };
}

/** An open document's current text, else the file's; binary files (by the one policy of core/sourceFiles.ts) are refused. */
async function readText(uri: vscode.Uri): Promise<string> {
  const open = openDocument(uri);
  if (open) {
    if (documentLooksBinary(open)) throw new Error(BINARY_REASON);
    return open.getText();
  }
  return decodeSource(await vscode.workspace.fs.readFile(uri), uri.path);
}
