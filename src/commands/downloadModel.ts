/**
 * "Download the Full Model": fetches the real DistilBERT SST-2 (model/manifest.json) into the extension's global
 * storage with a cancellable progress notification, verifies every file (size, sha256), and switches the engine to
 * it without reloading the window. A half download is never used. How the files are fetched and installed is the
 * host's (a ModelDownloader): on the desktop src/models/node/download.ts on the file system, in VS Code for the Web
 * src/models/webDownload.ts through vscode.workspace.fs.
 */
import * as vscode from "vscode";
import { messageOf } from "../core/errors";
import { BUNDLED_MANIFEST, type ModelManifest } from "../models/manifest";

/** Downloads, verifies and installs the manifest's files; resolves with the installed folder (a path or a URI string). */
export type ModelDownloader = (
  manifest: ModelManifest,
  options: { baseUrl?: string; signal: AbortSignal; onProgress: (progress: { done: number; total: number }) => void },
) => Promise<string>;

export interface DownloadRequest {
  /** Another origin for the manifest's URLs (a mirror; tests use a local server). */
  baseUrl?: string;
  /** Another manifest (tests). */
  manifest?: ModelManifest;
}

/** How a download ended: the installed folder, or the message the user was shown; neither when cancelled. */
export interface DownloadOutcome {
  dir?: string;
  error?: string;
}

/** Downloads into the global storage's model folder and switches to it; failures are shown, never thrown. */
export async function downloadFullModel(
  download: ModelDownloader,
  request: DownloadRequest,
  onInstalled: (dir: string) => Promise<void>,
): Promise<DownloadOutcome> {
  const manifest = request.manifest ?? BUNDLED_MANIFEST;
  const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "Inline Sentiment: downloading the full model", cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        let dir: string;
        try {
          dir = await download(manifest, {
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
        await onInstalled(dir);
        void vscode.window.showInformationMessage("Inline Sentiment: the full DistilBERT SST-2 model is installed and in use.");
        return { dir };
      },
    );
  } catch (error) {
    if ((error as { code?: string }).code === "aborted") return {};
    const message = `Inline Sentiment: ${messageOf(error)}`;
    void vscode.window.showErrorMessage(message);
    return { error: message };
  }
}
