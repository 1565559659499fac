/**
 * "Download the Full Model": fetches the real DistilBERT SST-2 (model/manifest.json) into the extension's global
 * storage with a cancellable progress notification, verifies every file (size, sha256), and switches the engine to
 * it without reloading the window. A half download is never used (src/models/download.ts).
 */
import { readFileSync } from "node:fs";
import * as vscode from "vscode";
import { messageOf } from "../core/errors";
import { downloadModel } from "../models/download";
import { FULL_MODEL_FOLDER, type ModelManifest } from "../models/manifest";

export interface DownloadRequest {
  /** Another origin for the manifest's URLs (a mirror; tests use a local server). */
  baseUrl?: string;
  /** Another manifest file (tests). */
  manifestPath?: string;
}

/** Downloads into `<storage>/distilbert-sst2`; returns that folder, or undefined when cancelled or failed. */
export async function downloadFullModel(
  context: vscode.ExtensionContext,
  request: DownloadRequest,
  onInstalled: (dir: string) => Promise<void>,
): Promise<string | undefined> {
  const manifestPath = request.manifestPath ?? context.asAbsolutePath("model/manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as ModelManifest;
  const dest = vscode.Uri.joinPath(context.globalStorageUri, FULL_MODEL_FOLDER).fsPath;
  const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "Inline Sentiment: downloading the full model", cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        try {
          await downloadModel({
            manifest,
            dest,
            baseUrl: request.baseUrl,
            signal: controller.signal,
            onProgress: ({ done, total }) => {
              if (!total) return;
              const percent = (done / total) * 100;
              progress.report({ message: `${megabytes(done)} of ${megabytes(total)}`, increment: percent - reported });
              reported = percent;
            },
          });
        } finally {
          cancel.dispose();
        }
        await onInstalled(dest);
        void vscode.window.showInformationMessage("Inline Sentiment: the full DistilBERT SST-2 model is installed and in use.");
        return dest;
      },
    );
  } catch (error) {
    if ((error as { code?: string }).code === "aborted") return undefined;
    void vscode.window.showErrorMessage(`Inline Sentiment: ${messageOf(error)}`);
    return undefined;
  }
}
