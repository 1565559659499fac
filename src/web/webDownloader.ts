/**
 * The full model's download in VS Code for the Web: src/models/webDownload.ts (fetch, WebCrypto, the desktop's checks)
 * writing through vscode.workspace.fs into the extension's global storage, which the web engine then reads its model
 * from (engineThread.ts answers the worker's file requests with workspace.fs too).
 */
import * as vscode from "vscode";
import type { ModelDownloader } from "../commands/downloadModel";
import { fetchModel, type ModelStore } from "../models/webDownload";
import { exists } from "./exists";

/** Where the web build remembers the installed full model (a URI string): locating it must not wait for a stat. */
export const INSTALLED_MODEL_KEY = "inlineSentiment.web.fullModel";

/** The ModelDownloader of the web host: into `context.globalStorageUri`, remembered in globalState once installed. */
export function webDownloader(context: vscode.ExtensionContext): ModelDownloader {
  return async (manifest, options) => {
    const { dir } = await fetchModel({ manifest, store: storeAt(context.globalStorageUri), ...options });
    await context.globalState.update(INSTALLED_MODEL_KEY, dir);
    return dir;
  };
}

/** A ModelStore on a folder of vscode.workspace.fs. */
function storeAt(root: vscode.Uri): ModelStore {
  const { fs } = vscode.workspace;
  const uri = (path: string) => vscode.Uri.joinPath(root, ...path.split("/"));
  return {
    async write(path, bytes) {
      const target = uri(path);
      await fs.createDirectory(vscode.Uri.joinPath(target, ".."));
      await fs.writeFile(target, bytes);
    },
    rename: async (from, to) => fs.rename(uri(from), uri(to), { overwrite: false }),
    remove: async (path) => {
      if (await exists(uri(path))) await fs.delete(uri(path), { recursive: true, useTrash: false });
    },
    exists: (path) => exists(uri(path)),
    locationOf: (path) => uri(path).toString(),
  };
}
