/** Hovers read as the user reads them. No Node API: the WebAssembly suite (test/everywhere) runs it on the web too. */
import * as vscode from "vscode";

/** Hover texts at a position, from every provider, read as the user reads them. */
export async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>("vscode.executeHoverProvider", document.uri, position);
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === "string" ? content : content.value))
    .join("\n")
    // appendText escapes markdown and keeps spaces as &nbsp;.
    .replace(/&nbsp;/g, " ")
    .replace(/\\([\\`*_{}[\]()#+\-.!:])/g, "$1");
}
