/**
 * The extension in VS Code for the Web (package.json "browser"): the same composition root as the desktop
 * (../extension.ts activateOn), with the engine in a Web Worker running WebAssembly, and models read from the
 * extension's own folder with vscode.workspace.fs; the full model is downloaded with fetch into the global storage
 * (download.ts). Tables are parsed in a second Web Worker (tableWorker.ts). What needs Node (the CLI) is not in the
 * web build: docs/WEB-BUILD.md.
 */
import "./shims/globals";
import * as vscode from "vscode";
import type { TableRequest, TableResponse } from "../engine/tables/tableProtocol";
import { activateOn, type InlineSentimentApi } from "../extension";
import { MINI_MODEL_FOLDER } from "../models/manifest";
import { INSTALLED_MODEL_KEY, webDownloader } from "./webDownloader";
import { WebEngineThread } from "./engineThread";
import { WebWorkerThread } from "./workerThread";

export type { InlineSentimentApi };

export function activate(context: vscode.ExtensionContext): InlineSentimentApi {
  const extensionUri = context.extensionUri;
  // Threads need SharedArrayBuffer, that is cross-origin isolation (vscode.dev with ?vscode-coi); else one thread.
  const threads = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  return activateOn(context, {
    engine: () => new WebEngineThread(extensionUri, threads),
    // Reads no file itself: the host sends a document's text (a `file` source is refused with needsText).
    tableWorker: () => new WebWorkerThread<TableRequest, TableResponse>(vscode.Uri.joinPath(extensionUri, "dist", "web", "tableWorker.js")),
    // The downloaded full model, else the bundled mini model, each named by its URI: the web worker asks the host for
    // its files by that name. modelPath does not apply: a path means nothing to a browser.
    locate: () => {
      const full = context.globalState.get<string>(INSTALLED_MODEL_KEY);
      return full ? { dir: full, kind: "full" } : { dir: vscode.Uri.joinPath(extensionUri, "model", MINI_MODEL_FOLDER).toString(), kind: "mini" };
    },
    backend: "wasm",
    download: webDownloader(context),
  });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
