/** Small questions about open documents, answered the same way everywhere in the editor layer. */
import * as vscode from "vscode";
import { BINARY_SNIFF_LENGTH, looksBinary } from "../core/sourceFiles";
import type { Unit } from "../core/types";

/** Characters in a document, without copying its text. */
export function documentLength(document: vscode.TextDocument): number {
  return document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}

/** The binary policy of core/sourceFiles.ts on an open document: only its start is read, however large it is. */
export function documentLooksBinary(document: vscode.TextDocument): boolean {
  return looksBinary(document.getText(new vscode.Range(new vscode.Position(0, 0), document.positionAt(BINARY_SNIFF_LENGTH))));
}

/** The open document of a uri, if any. */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

/**
 * Where unit `i` of `results` is in `document` (the version they were scored on): a table's units come with their
 * positions, so no `positionAt` per unit (800 painted rows held the host's loop for 20-30 ms); others by offset.
 */
export function unitRanges(document: vscode.TextDocument, results: { units: readonly Unit[]; positions?: Uint32Array }): (i: number) => vscode.Range {
  const { units, positions } = results;
  return positions
    ? (i) => new vscode.Range(positions[i * 4], positions[i * 4 + 1], positions[i * 4 + 2], positions[i * 4 + 3])
    : (i) => new vscode.Range(document.positionAt(units[i].start), document.positionAt(units[i].end));
}
