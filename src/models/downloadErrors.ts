/** Download failures: one error class with a code, and the mapping of whatever fetch or the disk throws onto it. */

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

/** Socket errors meaning "there is no network here": retrying does not help, the user must act. */
const OFFLINE_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EAI_NONAME", "EAI_FAIL"]);

export class TransientError extends Error {}

export class StallError extends Error {
  constructor(ms: number) {
    super(`no data for ${Math.round(ms / 1000)} s`);
  }
}

export function httpError(status: number, what: string, url: string): Error {
  // 408, 425, 429 and 5xx are worth another try; 401/403/404 and the rest are not.
  const transient = status === 408 || status === 425 || status === 429 || status >= 500;
  const hint = status === 401 || status === 403 ? " (the repository may be gated or private)" : status === 404 ? " (wrong repository, revision or path)" : "";
  const message = `${what}: HTTP ${status}${hint} from ${url}`;
  return transient ? new TransientError(message) : new ModelDownloadError("http", message, what, url);
}

/** Maps anything thrown during a transfer to a ModelDownloadError with a code and a message naming file and URL. */
export function asDownloadError(error: unknown, signal: AbortSignal | undefined, file?: string, url?: string): ModelDownloadError {
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
export function offlineAdvice(dest: string, files: readonly { path: string }[]): string {
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

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ModelDownloadError("aborted", "model download cancelled");
}
