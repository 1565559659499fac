/** What the in-editor suites share: the extension's API, and hovers read as the user reads them. */
import { strict as assert } from "node:assert";
import * as vscode from "vscode";
import type { InlineSentimentApi } from "../../src/extension";

export { hoverText } from "./hoverText";

export const EXTENSION_ID = "inline-sentiment.inline-sentiment";

export async function api(): Promise<InlineSentimentApi> {
  const extension = vscode.extensions.getExtension<InlineSentimentApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}


/** Sets a setting for the duration of `body`, then restores it. */
export async function withSetting<T>(key: string, value: unknown, body: () => Promise<T>): Promise<T> {
  const config = vscode.workspace.getConfiguration("inlineSentiment");
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  try {
    return await body();
  } finally {
    await config.update(key, undefined, vscode.ConfigurationTarget.Global);
  }
}

/**
 * Closes every editor, first reverting any workspace file a test left edited: a fixture such as feedback.md left dirty
 * (a failed test, or a revert that met another active editor) would shift the lines every later test reads.
 */
export async function closeAllEditors(): Promise<void> {
  // Only the workspace's own files: VS Code's settings.json, edited by withSetting, is not a fixture.
  const edited = vscode.workspace.textDocuments.filter((document) => document.isDirty && vscode.workspace.getWorkspaceFolder(document.uri));
  for (const document of edited) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand("workbench.action.files.revert");
  }
  await vscode.commands.executeCommand("workbench.action.closeAllEditors");
}
