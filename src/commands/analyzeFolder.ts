/**
 * "Analyze Folder…": every markdown, plaintext and tabular file (.csv, .tsv, .jsonl, .json) under a folder, with
 * progress and cancel; results in the panel. A table is scored by its remembered text column, else the suggested one;
 * its unreadable rows are listed in the panel and counted in a warning.
 */
import * as vscode from "vscode";
import { messageOf } from "../core/errors";
import { ANALYZED_EXTENSIONS, ANALYZED_GLOB, BINARY_REASON, decodeSource, languageOfPath } from "../core/files";
import { FOLDER_PROSE_FILE_LIMIT } from "../core/limits";
import { tableFormatOf, type TableFormat } from "../core/tabular";
import type { PanelFile, PanelModel } from "../core/review";
import type { AnalysisService } from "../editor/analysisService";
import { documentLooksBinary, openDocument } from "../editor/documents";
import { panelFile, type ReviewState } from "../editor/reviewState";
import { CancelledError } from "../engine/client";
import { modelDisplayName } from "../models/locate";
import { COMMANDS } from "./ids";

const EXCLUDE = "**/{node_modules,.git}/**";

/** `cancel`: another way to cancel besides the notification's button (the extension's tests use it). */
export async function analyzeFolder(
  analysis: AnalysisService,
  review: ReviewState,
  folder?: vscode.Uri,
  cancel?: vscode.CancellationToken,
): Promise<PanelModel | undefined> {
  const chosen =
    folder ??
    (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: "Analyze Folder" }))?.[0];
  if (!chosen) return undefined;
  const files = (await vscode.workspace.findFiles(new vscode.RelativePattern(chosen, ANALYZED_GLOB), EXCLUDE)).sort((a, b) =>
    a.path.localeCompare(b.path),
  );
  if (files.length === 0) {
    void vscode.window.showInformationMessage(
      `Inline Sentiment: no ${ANALYZED_EXTENSIONS.map((e) => `.${e}`).join(", ")} files under ${vscode.workspace.asRelativePath(chosen)}.`,
    );
    return undefined;
  }
  const skipped: string[] = [];
  /** Tables with rows that could not be read: file -> count. */
  const unreadable: string[] = [];
  const results: PanelFile[] = [];
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
                results.push(panelFile(uri, text, await analysis.scoreText(text, languageOfPath(uri.path), controller.signal)));
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
    const model: PanelModel = {
      kind: "folder",
      title: `${vscode.workspace.asRelativePath(chosen)} (${results.length} files${cancelled ? ", cancelled" : ""})`,
      model: modelDisplayName(await analysis.model()),
      files: results,
      labelMap: { ...analysis.labelMap },
    };
    review.showFolder(model);
    if (skipped.length) void vscode.window.showWarningMessage(`Inline Sentiment: skipped ${skipped.length} file(s): ${skipped.join("; ")}`);
    if (unreadable.length) {
      void vscode.window.showWarningMessage(
        `Inline Sentiment: some rows could not be read or had no text, listed with their lines in the summary: ${unreadable.join(", ")}. Every other row was scored.`,
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
async function scoreTable(analysis: AnalysisService, uri: vscode.Uri, format: TableFormat, signal: AbortSignal): Promise<PanelFile> {
  const open = openDocument(uri);
  if (open && documentLooksBinary(open)) throw new Error(BINARY_REASON);
  const source = open ? { text: open.getText() } : { bytes: await vscode.workspace.fs.readFile(uri) };
  const scored = await analysis.scoreTable(uri, source, format, signal);
  if (!scored.table) throw new Error(scored.problems[0]?.message ?? "no columns to read");
  return panelFile(uri, "", scored.units, { lines: scored.lines, fields: scored.fields, table: scored.table });
}

/** An open document's current text, else the file's; binary files (by the one policy of core/files.ts) are refused. */
async function readText(uri: vscode.Uri): Promise<string> {
  const open = openDocument(uri);
  if (open) {
    if (documentLooksBinary(open)) throw new Error(BINARY_REASON);
    return open.getText();
  }
  return decodeSource(await vscode.workspace.fs.readFile(uri), uri.path);
}
