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
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, truncate, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

/** One file entry of model/manifest.json (`files[]`). */
export interface ManifestFile {
  path: string;
  size: number | null;
  sha256: string | null;
  required: boolean;
  lfs?: boolean;
}

/** The parts of model/manifest.json this module reads. */
export interface ModelManifest {
  source: { repo: string; revision: string };
  folder?: string;
  labels?: Record<string, string>;
  files: ManifestFile[];
  urls: { resolve: string; api: string };
}

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

export type VerifiedBy = "manifest" | "hub-api" | "computed";

export interface VerifiedFile {
  path: string;
  size: number;
  sha256: string;
  verifiedBy: VerifiedBy;
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

export type DownloadErrorCode = "offline" | "http" | "integrity" | "aborted" | "network" | "io" | "manifest";

/** A download failure. `file` and `url` name what failed; the message says it too, and what to do. */
export class ModelDownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    readonly file?: string,
    readonly url?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelDownloadError";
  }
}

/** The file written next to the model files, recording what was verified and how. */
export const VERIFIED_FILE = ".verified.json";
/** The staging folder inside `dest`. */
export const PARTIAL_DIR = ".partial";

const DEFAULT_RETRIES = 4;
const DEFAULT_RETRY_DELAY_MS = 500;
const DEFAULT_STALL_TIMEOUT_MS = 60_000;
/** Socket errors meaning "there is no network here": retrying does not help, the user must act. */
const OFFLINE_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EAI_NONAME", "EAI_FAIL"]);

/** The expanded resolve and API URLs (with `baseUrl` applied), for messages and for tests. */
export function modelUrls(manifest: ModelManifest, baseUrl?: string): { file: (path: string) => string; api: string } {
  const { repo, revision } = manifest.source;
  const encodePath = (p: string) => p.split("/").map(encodeURIComponent).join("/");
  const expand = (template: string, path = "") =>
    rebase(
      template
        .replace("{repo}", encodePath(repo))
        .replace("{revision}", encodeURIComponent(revision))
        .replace("{path}", encodePath(path)),
      baseUrl,
    );
  return { file: (path) => expand(manifest.urls.resolve, path), api: expand(manifest.urls.api) };
}

function rebase(url: string, baseUrl: string | undefined): string {
  if (!baseUrl) return url;
  const parsed = new URL(url);
  return baseUrl.replace(/\/+$/, "") + parsed.pathname + parsed.search;
}

/** The manifest files a download fetches: every required one plus `include`. */
export function selectFiles(manifest: ModelManifest, include: string[] = []): ManifestFile[] {
  for (const path of include) {
    if (!manifest.files.some((f) => f.path === path)) {
      throw new ModelDownloadError("manifest", `${path}: not a file of the model manifest (${manifest.files.map((f) => f.path).join(", ")})`, path);
    }
  }
  return manifest.files.filter((f) => f.required || include.includes(f.path));
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

// ---------------------------------------------------------------------------------------------------------------
// Expectations: what size and hash each file must have, and where that came from

interface Expected {
  path: string;
  size: number | null;
  sha256: string | null;
  verifiedBy: VerifiedBy;
}

interface HubSibling {
  rfilename: string;
  size?: number;
  lfs?: { sha256?: string; size?: number };
}

function validateManifest(manifest: ModelManifest, files: ManifestFile[]): void {
  if (!manifest.source?.repo || !manifest.source?.revision || !manifest.urls?.resolve || !manifest.urls?.api) {
    throw new ModelDownloadError("manifest", "model manifest: source.repo, source.revision, urls.resolve and urls.api are required");
  }
  for (const file of files) {
    const bad = file.path.split("/").some((part) => part === "" || part === "." || part === "..");
    if (bad || file.path.startsWith(PARTIAL_DIR) || file.path === VERIFIED_FILE) {
      throw new ModelDownloadError("manifest", `${file.path}: not a safe relative path in the model manifest`, file.path);
    }
    if (file.sha256 !== null && !/^[0-9a-f]{64}$/.test(file.sha256)) {
      throw new ModelDownloadError("manifest", `${file.path}: manifest sha256 is not 64 lowercase hex digits`, file.path);
    }
  }
}

/**
 * Reads the Hub API when a selected file lacks a sha256 or size in the manifest (or when asked to confirm the
 * revision). Returns the siblings by path, or undefined when the API could not be read (a note says so).
 */
async function readHubApi(
  manifest: ModelManifest,
  files: ManifestFile[],
  url: string,
  run: DownloadRun,
  checkRevision: boolean,
): Promise<Map<string, HubSibling> | undefined> {
  const needed = files.filter((f) => f.sha256 === null || f.size === null);
  if (!needed.length && !checkRevision) return undefined;
  let body: { sha?: string; siblings?: HubSibling[] };
  try {
    body = (await run.withRetries("Hub API", url, async () => {
      const { response, done, stalled } = await run.open(url);
      try {
        if (!response.ok) throw httpError(response.status, "Hub API", url);
        return (await response.json()) as typeof body;
      } catch (error) {
        await response.body?.cancel().catch(() => {});
        throw stalled() ?? error;
      } finally {
        done();
      }
    })) as typeof body;
  } catch (error) {
    const failure = asDownloadError(error, run.signal);
    if (failure.code === "aborted") throw failure;
    const which = needed.length ? `; no sha256 to check ${needed.map((f) => f.path).join(", ")} against` : "";
    run.notes.push(`Hub API not read (${failure.message})${which}; the revision was not confirmed.`);
    return undefined;
  }
  if (body.sha !== undefined && body.sha !== manifest.source.revision) {
    throw new ModelDownloadError(
      "integrity",
      `Hub API reports commit ${body.sha} for revision ${manifest.source.revision} of ${manifest.source.repo} (${url}); the manifest's pin is wrong`,
      undefined,
      url,
    );
  }
  const siblings = new Map<string, HubSibling>();
  for (const sibling of Array.isArray(body.siblings) ? body.siblings : []) {
    if (sibling && typeof sibling.rfilename === "string") siblings.set(sibling.rfilename, sibling);
  }
  return siblings;
}

function expectation(file: ManifestFile, hub: Map<string, HubSibling> | undefined, notes: string[]): Expected {
  const sibling = hub?.get(file.path);
  const hubSize = sibling ? (sibling.lfs?.size ?? sibling.size ?? null) : null;
  const hubSha = sibling?.lfs?.sha256?.toLowerCase() ?? null;
  if (file.size !== null && hubSize !== null && hubSize !== file.size) {
    throw new ModelDownloadError("integrity", `${file.path}: the Hub API gives size ${hubSize}, the manifest ${file.size}`, file.path);
  }
  if (file.sha256 !== null && hubSha !== null && hubSha !== file.sha256) {
    throw new ModelDownloadError("integrity", `${file.path}: the Hub API gives sha256 ${hubSha}, the manifest ${file.sha256}`, file.path);
  }
  const size = file.size ?? hubSize;
  if (file.sha256) return { path: file.path, size, sha256: file.sha256, verifiedBy: "manifest" };
  if (hubSha) {
    notes.push(`${file.path}: sha256 ${hubSha} taken from the Hub API (the manifest has none); write it back to model/manifest.json.`);
    return { path: file.path, size, sha256: hubSha, verifiedBy: "hub-api" };
  }
  return { path: file.path, size, sha256: null, verifiedBy: "computed" };
}

// ---------------------------------------------------------------------------------------------------------------
// Transfers

class DownloadRun {
  total = 0;
  /** Bytes of the selected files already complete on disk. */
  private completed = 0;
  transferred = 0;
  /** Whether the latest transfer continued an existing `.part` (a hash mismatch then earns one clean restart). */
  private lastTransferResumed = false;
  readonly signal: AbortSignal | undefined;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly stallTimeoutMs: number;

  constructor(
    private readonly options: DownloadOptions,
    private readonly fetchImpl: typeof fetch,
    readonly notes: string[],
  ) {
    this.signal = options.signal;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  }

  /**
   * Starts a request bound to the caller's signal and to a stall timer. `touch()` re-arms the timer while bytes flow;
   * `done()` must be called once the body is consumed or abandoned.
   */
  async open(url: string, headers: Record<string, string> = {}): Promise<Flight> {
    throwIfAborted(this.signal);
    const controller = new AbortController();
    const onAbort = () => controller.abort(this.signal?.reason);
    this.signal?.addEventListener("abort", onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const stalled = () => (controller.signal.reason instanceof StallError ? controller.signal.reason : undefined);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new StallError(this.stallTimeoutMs)), this.stallTimeoutMs);
      timer.unref?.();
    };
    const done = () => {
      clearTimeout(timer);
      this.signal?.removeEventListener("abort", onAbort);
    };
    touch();
    try {
      const response = await this.fetchImpl(url, {
        headers: { "accept-encoding": "identity", "user-agent": "inline-sentiment-model-fetch", ...headers },
        redirect: "follow",
        signal: controller.signal,
      });
      return { response, touch, done, stalled };
    } catch (error) {
      done();
      throw stalled() ?? error;
    }
  }

  /** Runs `attempt` up to 1 + retries times while it fails transiently, with exponential backoff between tries. */
  async withRetries<T>(what: string, url: string, attempt: (n: number) => Promise<T>): Promise<T> {
    for (let n = 0; ; n++) {
      throwIfAborted(this.signal);
      try {
        return await attempt(n);
      } catch (error) {
        const failure = asDownloadError(error, this.signal, what, url);
        if (failure.code !== "network" || n >= this.retries) {
          if (failure.code === "network") {
            throw new ModelDownloadError("network", `${failure.message} (gave up after ${n + 1} tries)`, failure.file, failure.url, { cause: error });
          }
          throw failure;
        }
        const wait = this.retryDelayMs * 2 ** n * (1 + Math.random() * 0.25);
        await sleep(wait, this.signal);
      }
    }
  }

  /** Downloads one file into `part` (resuming what is there), verifies it, and returns what was verified. */
  async fetchVerified(e: Expected, url: string, part: string): Promise<VerifiedFile> {
    await mkdir(dirname(part), { recursive: true });
    let restartedAfterMismatch = false;
    for (;;) {
      await this.withRetries(e.path, url, () => this.transfer(e, url, part));
      const size = (await stat(part)).size;
      if (e.size !== null && size !== e.size) {
        await rm(part, { force: true });
        throw new ModelDownloadError("integrity", `${e.path}: downloaded ${size} bytes, expected ${e.size} (${url}); the file was discarded`, e.path, url);
      }
      const sha256 = await sha256File(part, this.signal);
      if (e.sha256 === null) {
        this.notes.push(
          `${e.path}: no sha256 in the manifest or from the Hub API; computed ${sha256} after download and recorded it in ${VERIFIED_FILE} (not independently verified).`,
        );
      } else if (sha256 !== e.sha256) {
        await rm(part, { force: true });
        // A mismatch right after a resume may come from a stale .part (another revision): one clean restart.
        if (this.lastTransferResumed && !restartedAfterMismatch) {
          restartedAfterMismatch = true;
          this.notes.push(`${e.path}: the resumed file did not match its sha256; downloaded again from the start.`);
          continue;
        }
        throw new ModelDownloadError(
          "integrity",
          `${e.path}: sha256 mismatch: expected ${e.sha256} (${e.verifiedBy === "manifest" ? "manifest" : "Hub API"}), got ${sha256} from ${url}; the file was discarded`,
          e.path,
          url,
        );
      }
      this.completed += size;
      return { path: e.path, size, sha256, verifiedBy: e.verifiedBy };
    }
  }

  /** One HTTP request: continues `part` from its current length when it has bytes, else starts it. */
  private async transfer(e: Expected, url: string, part: string): Promise<void> {
    let have = await sizeOf(part);
    if (e.size !== null && have > e.size) {
      await rm(part, { force: true });
      have = 0;
    }
    this.lastTransferResumed = have > 0;
    if (e.size !== null && have === e.size) {
      this.report(e, have);
      return; // complete from an earlier try: verified by the caller
    }
    const { response, touch, done, stalled } = await this.open(url, have > 0 ? { range: `bytes=${have}-` } : {});
    try {
      let append = false;
      if (response.status === 206 && have > 0) {
        const range = response.headers.get("content-range") ?? "";
        const match = /^bytes (\d+)-/.exec(range);
        if (!match || Number(match[1]) !== have) {
          await rm(part, { force: true });
          throw new TransientError(`${e.path}: the server answered the resume with Content-Range "${range}", not from byte ${have}; restarting the file (${url})`);
        }
        append = true;
      } else if (response.status === 416 && have > 0) {
        await rm(part, { force: true });
        throw new TransientError(`${e.path}: the server refused to resume at byte ${have} (HTTP 416); restarting the file (${url})`);
      } else if (!response.ok) {
        throw httpError(response.status, e.path, url);
      } else if (have > 0) {
        this.notes.push(`${e.path}: the server ignored the resume request (HTTP ${response.status}); downloaded the file from the start.`);
        this.lastTransferResumed = false;
      }
      if (!response.body) throw new TransientError(`${e.path}: empty response body from ${url}`);
      if (!append) await truncateOrCreate(part);
      let written = append ? have : 0;
      this.report(e, written);
      const counter = new Transform({
        transform: (chunk: Buffer, _encoding, callback) => {
          touch();
          written += chunk.length;
          this.transferred += chunk.length;
          if (e.size !== null && written > e.size) {
            callback(new ModelDownloadError("integrity", `${e.path}: the server sent more than the expected ${e.size} bytes (${url})`, e.path, url));
            return;
          }
          this.report(e, written);
          callback(null, chunk);
        },
      });
      await pipeline(
        Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
        counter,
        createWriteStream(part, { flags: "a" }),
      );
    } catch (error) {
      await response.body?.cancel().catch(() => {});
      throw stalled() ?? error;
    } finally {
      done();
    }
  }

  private report(e: Expected, fileDone: number): void {
    this.options.onProgress?.({ file: e.path, fileDone, fileTotal: e.size, done: this.completed + fileDone, total: this.total });
  }
}

interface Flight {
  response: Response;
  touch: () => void;
  done: () => void;
  stalled: () => StallError | undefined;
}

class TransientError extends Error {}

class StallError extends Error {
  constructor(ms: number) {
    super(`no data for ${Math.round(ms / 1000)} s`);
  }
}

function httpError(status: number, what: string, url: string): Error {
  // 408, 425, 429 and 5xx are worth another try; 401/403/404 and the rest are not.
  const transient = status === 408 || status === 425 || status === 429 || status >= 500;
  const hint = status === 401 || status === 403 ? " (the repository may be gated or private)" : status === 404 ? " (wrong repository, revision or path)" : "";
  const message = `${what}: HTTP ${status}${hint} from ${url}`;
  return transient ? new TransientError(message) : new ModelDownloadError("http", message, what, url);
}

/** Maps anything thrown during a transfer to a ModelDownloadError with a code and a message naming file and URL. */
function asDownloadError(error: unknown, signal: AbortSignal | undefined, file?: string, url?: string): ModelDownloadError {
  if (error instanceof ModelDownloadError) return error;
  if (signal?.aborted) {
    return new ModelDownloadError("aborted", "model download cancelled", file, url, { cause: error });
  }
  if (error instanceof TransientError) return new ModelDownloadError("network", error.message, file, url, { cause: error });
  if (error instanceof StallError) return new ModelDownloadError("network", `${file}: ${error.message} from ${url}`, file, url, { cause: error });
  const code = errorCode(error);
  if (code && OFFLINE_CODES.has(code)) {
    const host = url ? safeHost(url) : "the model host";
    return new ModelDownloadError(
      "offline",
      `cannot reach ${host} (${code}: ${causeMessage(error)}) while downloading ${file ?? "the model"} from ${url}.`,
      file,
      url,
      { cause: error },
    );
  }
  if (code && /^E[A-Z]+$/.test(code) && ["EACCES", "EPERM", "ENOSPC", "EROFS", "EISDIR", "ENOTDIR", "EEXIST", "EMFILE", "EXDEV"].includes(code)) {
    return new ModelDownloadError("io", `${file ?? "model"}: cannot write (${code}: ${causeMessage(error)})`, file, url, { cause: error });
  }
  // Everything else from fetch or the body stream (reset, "terminated", "other side closed", TLS hiccups) is transient.
  return new ModelDownloadError("network", `${file ?? "download"}: ${describe(error)} from ${url}`, file, url, { cause: error });
}

/** What to do without network: the exact files and folder, or the setting that points elsewhere. */
function offlineAdvice(dest: string, files: ManifestFile[]): string {
  return (
    "This machine seems to have no network access to the model host. Either copy the model files " +
    `(${files.map((f) => f.path).join(", ")}) from a machine with network into ${dest}/ ` +
    "(for example run `npm run model:fetch` there and copy model/distilbert-sst2/), or set the setting " +
    "inlineSentiment.modelPath (CLI: --model or INLINE_SENTIMENT_MODEL) to a folder that holds them. " +
    "Until then the bundled mini model is used."
  );
}

function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "string") return e.code;
  }
  return undefined;
}

function causeMessage(error: unknown): string {
  let e = error as { message?: string; cause?: unknown } | undefined;
  while (e?.cause && typeof e.cause === "object") e = e.cause as typeof e;
  return e?.message ?? String(error);
}

function describe(error: unknown): string {
  const own = (error as Error)?.message ?? String(error);
  const cause = causeMessage(error);
  return cause && cause !== own ? `${own} (${cause})` : own;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Verification and installation

async function checkLabels(configPath: string, labels: Record<string, string>, url: string): Promise<void> {
  let id2label: unknown;
  try {
    id2label = JSON.parse(await readFile(configPath, "utf8")).id2label;
  } catch (error) {
    throw new ModelDownloadError("integrity", `config.json: not valid JSON (${(error as Error).message}) from ${url}`, "config.json", url);
  }
  const got = JSON.stringify(sortKeys(id2label));
  const want = JSON.stringify(sortKeys(labels));
  if (got !== want) {
    throw new ModelDownloadError("integrity", `config.json: id2label is ${got}, the manifest expects ${want} (${url})`, "config.json", url);
  }
}

function sortKeys(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
}

interface VerifiedRecord {
  repo: string;
  revision: string;
  verifiedAt: string;
  files: VerifiedFile[];
  notes: string[];
}

/**
 * The files in `dest` when they already form a verified copy: every selected file present with its expected size, and
 * its sha256 equal to the manifest's or, where the manifest has none, to the one recorded in `.verified.json`.
 * Files copied by hand from another machine pass too (and are recorded).
 */
async function verifyExisting(dest: string, manifest: ModelManifest, files: ManifestFile[]): Promise<VerifiedFile[] | undefined> {
  if (!(await exists(join(dest, "config.json")))) return undefined;
  let record: VerifiedRecord | undefined;
  try {
    record = JSON.parse(await readFile(join(dest, VERIFIED_FILE), "utf8")) as VerifiedRecord;
    if (record.revision !== manifest.source.revision) record = undefined;
  } catch {
    record = undefined;
  }
  const verified: VerifiedFile[] = [];
  for (const file of files) {
    const path = join(dest, file.path);
    const size = await sizeOf(path, -1);
    if (size < 0 || (file.size !== null && size !== file.size)) return undefined;
    const recorded = record?.files.find((f) => f.path === file.path);
    const expected = file.sha256 ?? recorded?.sha256 ?? null;
    if (!expected) return undefined;
    const sha256 = await sha256File(path);
    if (sha256 !== expected) return undefined;
    verified.push({ path: file.path, size, sha256, verifiedBy: file.sha256 ? "manifest" : (recorded?.verifiedBy ?? "computed") });
  }
  if (!record) await writeRecord(dest, manifest, verified, ["verified in place (files already present)"]);
  return verified;
}

async function writeRecord(dir: string, manifest: ModelManifest, files: VerifiedFile[], notes: string[]): Promise<void> {
  const record: VerifiedRecord = {
    repo: manifest.source.repo,
    revision: manifest.source.revision,
    verifiedAt: new Date().toISOString(),
    files,
    notes,
  };
  await writeFile(join(dir, VERIFIED_FILE), JSON.stringify(record, null, 2) + "\n");
}

/**
 * Moves the verified `.part` files into a fresh sibling folder, carries over any other file the old `dest` held (e.g. an
 * optional file from an earlier run), then swaps that folder in with two renames. Between the renames `dest` is absent,
 * never half-filled.
 */
async function install(dest: string, partialDir: string, files: VerifiedFile[], manifest: ModelManifest, notes: string[]): Promise<void> {
  const parent = dirname(dest);
  const name = basename(dest);
  const fresh = join(parent, `.${name}.new-${process.pid}`);
  const old = join(parent, `.${name}.old-${process.pid}`);
  await rm(fresh, { recursive: true, force: true });
  await mkdir(fresh, { recursive: true });
  for (const file of files) {
    const target = join(fresh, file.path);
    await mkdir(dirname(target), { recursive: true });
    await rename(join(partialDir, file.path + ".part"), target);
  }
  await writeRecord(fresh, manifest, files, notes);
  const taken = new Set(files.map((f) => f.path));
  for (const rel of await listFiles(dest)) {
    if (taken.has(rel) || rel === VERIFIED_FILE || rel.split("/")[0] === PARTIAL_DIR) continue;
    await mkdir(dirname(join(fresh, rel)), { recursive: true });
    await rename(join(dest, rel), join(fresh, rel));
  }
  await rm(old, { recursive: true, force: true });
  await rename(dest, old);
  await rename(fresh, dest);
  await rm(old, { recursive: true, force: true });
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out;
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path, { signal }), hash);
  return hash.digest("hex");
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function sizeOf(path: string, missing = 0): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => missing,
  );
}

async function truncateOrCreate(path: string): Promise<void> {
  await truncate(path, 0).catch(async () => writeFile(path, ""));
}

/** Removes `dir` and its empty subfolders, bottom-up; stops at the first folder that holds a file. */
async function removeEmptyDirs(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyDirs(join(dir, entry.name));
  await rmdir(dir).catch(() => {});
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ModelDownloadError("aborted", "model download cancelled");
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted) return reject(new ModelDownloadError("aborted", "model download cancelled"));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ModelDownloadError("aborted", "model download cancelled"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolvePromise();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
