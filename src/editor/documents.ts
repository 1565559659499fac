/** Small questions about open documents, answered the same way everywhere in the editor layer. */
import * as vscode from "vscode";
import { BINARY_SNIFF_LENGTH, looksBinary } from "../core/files";

/** Characters in a document, without copying its text. */
export function documentLength(document: vscode.TextDocument): number {
  return document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}

/** The binary policy of core/files.ts on an open document: only its start is read, however large it is. */
export function documentLooksBinary(document: vscode.TextDocument): boolean {
  return looksBinary(document.getText(new vscode.Range(new vscode.Position(0, 0), document.positionAt(BINARY_SNIFF_LENGTH))));
}

/** The open document of a uri, if any. */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}
