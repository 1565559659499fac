/**
 * Transfers: one HTTP request per try, bound to the caller's signal and a stall timer; resumed with Range requests;
 * transient failures retried with exponential backoff.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rm, stat, truncate, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ModelDownloadError, StallError, TransientError, asDownloadError, httpError, throwIfAborted } from "./errors";
import { VERIFIED_FILE } from "./manifest";
import { sha256File, sizeOf, type VerifiedBy, type VerifiedFile } from "./verify";

const DEFAULT_RETRIES = 4;
const DEFAULT_RETRY_DELAY_MS = 500;
const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** What a file must be: its size and sha256 where known, and where that came from. */
export interface Expected {
  path: string;
  size: number | null;
  sha256: string | null;
  verifiedBy: VerifiedBy;
}

/** What a transfer reads of the download's options. */
export interface TransferOptions {
  onProgress?: (progress: { file: string; fileDone: number; fileTotal: number | null; done: number; total: number }) => void;
  signal?: AbortSignal;
  retries?: number;
  retryDelayMs?: number;
  stallTimeoutMs?: number;
}

export class DownloadRun {
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
    private readonly options: TransferOptions,
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

async function truncateOrCreate(path: string): Promise<void> {
  await truncate(path, 0).catch(async () => writeFile(path, ""));
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
