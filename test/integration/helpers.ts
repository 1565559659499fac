/** What the in-editor suites share: the extension's API, and hovers read as the user reads them. */
import { strict as assert } from "node:assert";
import * as vscode from "vscode";
import type { InlineSentimentApi } from "../../src/extension";

export const EXTENSION_ID = "inline-sentiment.inline-sentiment";

export async function api(): Promise<InlineSentimentApi> {
  const extension = vscode.extensions.getExtension<InlineSentimentApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}

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
