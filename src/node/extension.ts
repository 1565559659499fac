/**
 * The extension on the desktop (package.json "main", dist/extension.js): the composition root (../extension.ts
 * activateOn) with the engine and the table reader in worker_threads Workers, models found on the file system
 * (the modelPath setting, the bundled folders, the global storage) and downloaded there, and the host's counters
 * written for the soak's watchdog. VS Code for the Web has its own entry: src/web/extension.ts.
 */
import * as vscode from "vscode";
import { engineThread, tableThread } from "../engine/node/threads";
import { writeStatsEvery } from "../engine/node/statsFile";
import { activateOn, type InlineSentimentApi } from "../extension";
import { FULL_MODEL_FOLDER } from "../models/manifest";
import { downloadModel } from "../models/node/download";
import { locateModel } from "../models/node/locate";

export type { InlineSentimentApi };

export function activate(context: vscode.ExtensionContext): InlineSentimentApi {
  const downloads = context.globalStorageUri.fsPath;
  const dest = vscode.Uri.joinPath(context.globalStorageUri, FULL_MODEL_FOLDER).fsPath;
  return activateOn(context, {
    engine: engineThread(context.asAbsolutePath("dist/worker.js")),
    tableWorker: tableThread(context.asAbsolutePath("dist/tableWorker.js")),
    writeStats: (read) => writeStatsEvery("host.json", read),
    locate: (modelPath) => locateModel(context.extensionPath, modelPath, process.env, downloads),
    download: async (manifest, options) => (await downloadModel({ manifest, dest, ...options })).dest,
  });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
