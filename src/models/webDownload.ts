/**
 * The full model's download where there is no file system (VS Code for the Web): `fetch` for the bytes, WebCrypto for
 * the sha256, and a ModelStore (the host's vscode.workspace.fs on the extension's global storage) for the files. The
 * same checks as the Node download (download.ts), from the same pure modules: manifest.ts (which files, which URLs),
 * hub.ts (hashes the manifest lacks), checks.ts (size, sha256, id2label, .verified.json), requests.ts (stall timer,
 * retries) and downloadErrors.ts (the messages).
 *
 * The guarantees:
 *  - The model folder is complete or absent. Each file is checked in memory (size, then sha256) before it is written
 *    into a staging folder beside the model folder; only when every file is there does the staging folder replace the
 *    model folder, with two renames. A failed or cancelled download removes the staging folder and leaves the model
 *    folder (an earlier download) as it was.
 *  - No resume: a browser's storage is written a whole file at a time, so a cut transfer starts that file again (within
 *    the retries), and a new run starts from the first file.
 */
import { sha256Hex } from "../core/sha256";
import { checkLabelsText, computedNote, recordText, sha256Mismatch, sizeMismatch, tooLong, type Expected, type VerifiedFile } from "./checks";
import { ModelDownloadError, TransientError, asDownloadError, httpError, throwIfAborted } from "./downloadErrors";
import { expectation, readHubApi } from "./hub";
import { FULL_MODEL_FOLDER, VERIFIED_FILE, modelUrls, selectFiles, validateManifest, type ModelManifest } from "./manifest";
import { Requests, type TransferOptions } from "./requests";

/** A folder tree addressed by "/"-separated paths under one root (the extension's global storage). */
export interface ModelStore {
  /** Writes a whole file, creating the folders above it. */
  write(path: string, bytes: Uint8Array): Promise<void>;
  /** Renames a file or folder; the target must not exist. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a file or a folder with its contents; nothing happens when it is absent. */
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** How the engine names a folder of the store when it loads a model from it (a URI string). */
  locationOf(path: string): string;
}

export interface FetchDownloadOptions extends TransferOptions {
  manifest: ModelManifest;
  store: ModelStore;
  /** Replaces the origin of the manifest's URLs (a mirror; tests use a local server). */
  baseUrl?: string;
  fetchImpl?: typeof fetch;
}

export interface FetchDownloadResult {
  /** The installed model folder, as the store names it (locationOf). */
  dir: string;
  files: VerifiedFile[];
  /** Hashes taken on trust, a Hub API that could not be read. */
  notes: string[];
}

/**
 * Downloads, verifies and installs the selected model files into the store's model folder. Rejects with a
 * ModelDownloadError that names the file and the URL; the store then holds what it held before.
 */
export async function fetchModel(options: FetchDownloadOptions): Promise<FetchDownloadResult> {
  const { manifest, store, signal } = options;
  const folder = FULL_MODEL_FOLDER;
  const urls = modelUrls(manifest, options.baseUrl);
  const files = selectFiles(manifest, undefined);
  validateManifest(manifest, files);
  throwIfAborted(signal);
  const notes: string[] = [];
  const run = new FetchRun(options, options.fetchImpl ?? globalThis.fetch.bind(globalThis), notes);
  const staging = `.${folder}.new-${Date.now().toString(36)}`;
  try {
    const hub = await readHubApi(manifest, files, urls.api, run, false);
    const expected = files.map((file) => expectation(file, hub, notes));
    run.total = expected.reduce((sum, e) => sum + (e.size ?? 0), 0);
    const verified: VerifiedFile[] = [];
    for (const e of expected) {
      throwIfAborted(signal);
      const url = urls.file(e.path);
      const { bytes, file } = await run.fetchVerified(e, url);
      if (e.path === "config.json" && manifest.labels) checkLabelsText(new TextDecoder().decode(bytes), manifest.labels, url);
      await store.write(`${staging}/${e.path}`, bytes);
      verified.push(file);
    }
    await store.write(`${staging}/${VERIFIED_FILE}`, new TextEncoder().encode(recordText(manifest, verified, notes)));
    throwIfAborted(signal);
    await swapIn(store, staging, folder);
    return { dir: store.locationOf(folder), files: verified, notes };
  } catch (error) {
    await store.remove(staging).catch(() => {});
    throw withBrowserHint(asDownloadError(error, signal));
  }
}

/** Replaces `folder` by `staging` with two renames; between them `folder` is absent, never half-filled. */
async function swapIn(store: ModelStore, staging: string, folder: string): Promise<void> {
  const old = `${staging.replace(".new-", ".old-")}`;
  const hadOne = await store.exists(folder);
  if (hadOne) await store.rename(folder, old);
  try {
    await store.rename(staging, folder);
  } catch (error) {
    if (hadOne) await store.rename(old, folder);
    throw error;
  }
  if (hadOne) await store.remove(old);
}

/** A browser says only "Failed to fetch" for a refused connection, a missing network and a CORS refusal alike. */
function withBrowserHint(error: ModelDownloadError): ModelDownloadError {
  if (error.code !== "network" || !/failed to fetch|networkerror|load failed/i.test(error.message)) return error;
  const hint =
    " The browser gives no reason: there is no network, the host cannot be reached, or it does not allow requests from this page (CORS).";
  return new ModelDownloadError("network", error.message + hint, error.file, error.url, { cause: error.cause });
}

class FetchRun extends Requests {

  /** Downloads one file into memory and checks its size and sha256. */
  async fetchVerified(e: Expected, url: string): Promise<{ bytes: Uint8Array; file: VerifiedFile }> {
    const bytes = await this.withRetries(e.path, url, () => this.transfer(e, url));
    const wrongSize = sizeMismatch(e, bytes.length, url);
    if (wrongSize) throw wrongSize;
    const sha256 = await sha256Hex(bytes);
    if (e.sha256 === null) this.notes.push(computedNote(e, sha256));
    const wrongHash = sha256Mismatch(e, sha256, url);
    if (wrongHash) throw wrongHash;
    this.completed += bytes.length;
    return { bytes, file: { path: e.path, size: bytes.length, sha256, verifiedBy: e.verifiedBy } };
  }

  /** One request: the body streamed into one buffer (of the expected size when known), with progress. */
  private async transfer(e: Expected, url: string): Promise<Uint8Array> {
    const { response, touch, done, stalled } = await this.open(url);
    try {
      if (!response.ok) throw httpError(response.status, e.path, url);
      if (!response.body) throw new TransientError(`${e.path}: empty response body from ${url}`);
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let received = 0;
      this.report(e, 0);
      for (;;) {
        const { done: ended, value } = await reader.read();
        if (ended) break;
        touch();
        received += value.length;
        if (e.size !== null && received > e.size) throw tooLong(e, url);
        chunks.push(value);
        this.report(e, received);
      }
      return concat(chunks, received);
    } catch (error) {
      await response.body?.cancel().catch(() => {});
      throw stalled() ?? error;
    } finally {
      done();
    }
  }

}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
