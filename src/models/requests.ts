/**
 * HTTP requests of a model download: one request per try, bound to the caller's signal and a stall timer; transient
 * failures retried with exponential backoff. Pure (global fetch, AbortController, timers): the Node download
 * (transfer.ts) and the fetch download for hosts without a file system (webDownload.ts) share it.
 */
import type { Expected } from "./checks";
import { ModelDownloadError, StallError, asDownloadError, throwIfAborted } from "./downloadErrors";

const DEFAULT_RETRIES = 4;
const DEFAULT_RETRY_DELAY_MS = 500;
const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** What a transfer reads of the download's options. */
export interface TransferOptions {
  onProgress?: (progress: { file: string; fileDone: number; fileTotal: number | null; done: number; total: number }) => void;
  signal?: AbortSignal;
  retries?: number;
  retryDelayMs?: number;
  stallTimeoutMs?: number;
}

export class Requests {
  /** Sum of the selected files' sizes (files of unknown size count 0), for progress. */
  total = 0;
  /** Bytes of the selected files already complete. */
  protected completed = 0;
  readonly signal: AbortSignal | undefined;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly stallTimeoutMs: number;

  /**
   * `headers` go with every request. A browser sends no custom header without a CORS preflight, which a file host may
   * not answer: the fetch download sends none.
   */
  constructor(
    protected readonly options: TransferOptions,
    private readonly fetchImpl: typeof fetch,
    readonly notes: string[],
    private readonly headers: Record<string, string> = {},
  ) {
    this.signal = options.signal;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  }

  /** Reports progress: `fileDone` bytes of `e` on top of the files already complete. */
  protected report(e: Expected, fileDone: number): void {
    this.options.onProgress?.({ file: e.path, fileDone, fileTotal: e.size, done: this.completed + fileDone, total: this.total });
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
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = () => (controller.signal.reason instanceof StallError ? controller.signal.reason : undefined);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new StallError(this.stallTimeoutMs)), this.stallTimeoutMs);
      (timer as { unref?: () => void }).unref?.();
    };
    const done = () => {
      clearTimeout(timer);
      this.signal?.removeEventListener("abort", onAbort);
    };
    touch();
    try {
      const response = await this.fetchImpl(url, {
        headers: { ...this.headers, ...headers },
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
}

interface Flight {
  response: Response;
  touch: () => void;
  done: () => void;
  stalled: () => StallError | undefined;
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
