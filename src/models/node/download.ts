/**
 * Downloads the full model described by model/manifest.json into a folder, verified file by file.
 *
 * Pure Node (global fetch, Node 20+), no `vscode` import: the CLI script (scripts/fetchModel.mjs) and, later, an
 * editor command share it. The guarantees, in the order a reader needs them:
 *  - The model folder is complete or absent. Files stream into `<dest>/.partial/<path>.part`; only when every file is
 *    verified are they moved into a fresh sibling folder that then replaces `dest` with two renames. The model locator
 *    keys on `<dest>/config.json`, which never exists while a download runs.
 *  - Every byte is checked: size and sha256 from the manifest; for a file whose manifest sha256 is null, the Hub API's
 *    `siblings[].lfs.sha256`; when that is missing too, the hash is computed, written to `<dest>/.verified.json` and
 *    reported in `notes` (trust on first use, said out loud).
 *  - Resumable: a `.part` left by a cut connection is continued with an HTTP Range request; a server that ignores Range
 *    (200 instead of 206) restarts the file from byte 0.
 *  - Transient failures (connection reset, cut body, 5xx, 429, stalls) are retried with exponential backoff; "no
 *    network" (DNS failure, connection refused, no route) fails at once with a message that says what to do.
 *  - An AbortSignal cancels at any point; the staging folder is removed, `dest` is left as it was. So do integrity and
 *    HTTP errors; only a network failure keeps `.partial/` for the next run to resume.
 * Every error names the file and the URL.
 */
import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ModelDownloadError, asDownloadError, offlineAdvice, throwIfAborted } from "../downloadErrors";
import { expectation, readHubApi } from "../hub";
import { install, removeEmptyDirs } from "./install";
import { PARTIAL_DIR, modelUrls, selectFiles, validateManifest, type ModelManifest } from "../manifest";
import { DownloadRun } from "./transfer";
import { checkLabels, exists, verifyExisting, type VerifiedFile } from "./verify";

// What scripts/fetchModel.mjs (npm run model:fetch) reads beside downloadModel.
export { ModelDownloadError } from "../downloadErrors";
export { PARTIAL_DIR } from "../manifest";

export interface DownloadProgress {
  /** The file being transferred (manifest path). */
  file: string;
  fileDone: number;
  /** Size of that file, or null when neither the manifest nor the Hub API gives it. */
  fileTotal: number | null;
  /** Bytes on disk over all selected files (a resumed `.part` counts from its first byte). */
  done: number;
  /** Sum of the selected files' sizes (files of unknown size count 0). */
  total: number;
}

export interface DownloadOptions {
  manifest: ModelManifest;
  /** The model folder to create, e.g. `<extension>/model/distilbert-sst2`. */
  dest: string;
  /**
   * Replaces the origin (scheme, host, port) of the manifest's URLs, keeping their paths: tests point it at a local
   * server, a mirror can be used in production. Default: the manifest's own origin (https://huggingface.co).
   */
  baseUrl?: string;
  /** Optional manifest files to fetch as well (e.g. "onnx/model.onnx"); required files are always fetched. */
  include?: string[];
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Retries per file after the first try, for transient failures. Default 4. */
  retries?: number;
  /** First backoff delay; doubled on each retry (plus up to 25 % jitter). Default 500 ms. */
  retryDelayMs?: number;
  /** A response that sends no byte for this long is abandoned (and retried). Default 60 s. */
  stallTimeoutMs?: number;
  /** Download again even when `dest` already holds a verified copy. */
  force?: boolean;
  /**
   * Query the Hub API even when the manifest has every sha256, to confirm that it reports `sha == revision`
   * (the manifest's first verification step). An unreachable API is then only a note. Default false.
   */
  checkRevision?: boolean;
}

export interface DownloadResult {
  dest: string;
  files: VerifiedFile[];
  /** True when `dest` already held a verified copy and nothing was transferred. */
  alreadyPresent: boolean;
  /** Bytes transferred in this run (resumed bytes are not counted again). */
  bytesTransferred: number;
  /** Things the user should know: hashes taken on trust, a Hub API that could not be reached, restarts. */
  notes: string[];
}

/**
 * Downloads and verifies the selected model files into `dest`. Resolves with what was verified; rejects with a
 * ModelDownloadError. On failure `dest` is unchanged, except that after a network failure `.partial/` keeps the bytes
 * received so far, so that the next call resumes them.
 */
export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const { manifest, signal } = options;
  const dest = resolve(options.dest);
  const fetchImpl = options.fetchImpl ?? globalThis.fetch;
  const urls = modelUrls(manifest, options.baseUrl);
  const files = selectFiles(manifest, options.include);
  validateManifest(manifest, files);
  const notes: string[] = [];
  throwIfAborted(signal);

  if (!options.force) {
    const existing = await verifyExisting(dest, manifest, files);
    if (existing) return { dest, files: existing, alreadyPresent: true, bytesTransferred: 0, notes };
  }

  const partialDir = join(dest, PARTIAL_DIR);
  const createdDest = !(await exists(dest));
  const run = new DownloadRun(options, fetchImpl, notes);
  try {
    const hub = await readHubApi(manifest, files, urls.api, run, options.checkRevision ?? false);
    const expected = files.map((file) => expectation(file, hub, notes));
    run.total = expected.reduce((sum, e) => sum + (e.size ?? 0), 0);
    await mkdir(partialDir, { recursive: true });

    const verified: VerifiedFile[] = [];
    for (const e of expected) {
      throwIfAborted(signal);
      verified.push(await run.fetchVerified(e, urls.file(e.path), join(partialDir, e.path + ".part")));
    }
    const config = verified.find((v) => v.path === "config.json");
    if (config && manifest.labels) await checkLabels(join(partialDir, "config.json.part"), manifest.labels, urls.file("config.json"));
    throwIfAborted(signal);
    await install(dest, partialDir, verified, manifest, notes);
    return { dest, files: verified, alreadyPresent: false, bytesTransferred: run.transferred, notes };
  } catch (error) {
    let failure = asDownloadError(error, signal);
    if (failure.code === "offline") {
      failure = new ModelDownloadError("offline", `${failure.message} ${offlineAdvice(dest, files)}`, failure.file, failure.url, { cause: failure.cause });
    }
    // A network failure keeps the bytes received so far, for the next run to resume; anything else (cancel, bad
    // bytes, HTTP 404) leaves nothing behind.
    if (failure.code !== "network") await rm(partialDir, { recursive: true, force: true });
    await removeEmptyDirs(partialDir);
    if (createdDest) await removeEmptyDirs(dest);
    throw failure;
  }
}

