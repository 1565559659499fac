/**
 * The extension in VS Code for the Web (package.json "browser"): the same composition root as the desktop
 * (../extension.ts activateOn), with the engine in a Web Worker running WebAssembly, and models read from the
 * extension's own folder with vscode.workspace.fs. What needs Node (the CLI, Analyze Folder's file walk, the model
 * download, the table worker) is hidden on the web by `when` clauses (inlineSentiment.web) in package.json: docs/WEB-BUILD.md.
 */
import "./shims/globals";
import * as vscode from "vscode";
import { activateOn, type InlineSentimentApi } from "../extension";
import { MINI_MODEL_FOLDER } from "../models/manifest";
import { WebEngineThread } from "./engineThread";

export type { InlineSentimentApi };

export function activate(context: vscode.ExtensionContext): InlineSentimentApi {
  const extensionUri = context.extensionUri;
  // Hides what needs Node (package.json `when` clauses). Not the built-in isWeb: that is true in code-server and
  // Codespaces too, whose Node extension host runs the desktop build, where everything works.
  void vscode.commands.executeCommand("setContext", "inlineSentiment.web", true);
  // Threads need SharedArrayBuffer, that is cross-origin isolation (vscode.dev with ?vscode-coi); else one thread.
  const threads = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  return activateOn(context, {
    engine: () => new WebEngineThread(extensionUri, threads),
    // No table worker: it needs Node's worker threads. Table files get a note instead (TABLES_UNAVAILABLE_NOTE).
    // The bundled mini model, named by its URI: the web worker asks the host for its files by that name.
    locate: () => ({ dir: vscode.Uri.joinPath(extensionUri, "model", MINI_MODEL_FOLDER).toString(), kind: "mini" }),
    backend: "wasm",
    download: false,
  });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
