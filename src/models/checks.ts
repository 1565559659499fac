/**
 * What a downloaded file must be and the messages when it is not: shared by the Node download (transfer.ts, verify.ts)
 * and the fetch download for hosts without a file system (webDownload.ts). Pure: bytes and strings in, no I/O.
 */
import { ModelDownloadError } from "./downloadErrors";
import { VERIFIED_FILE, type ModelManifest } from "./manifest";

export type VerifiedBy = "manifest" | "hub-api" | "computed";

/** A file as verified: its size and sha256, and what the hash was checked against. */
export interface VerifiedFile {
  path: string;
  size: number;
  sha256: string;
  verifiedBy: VerifiedBy;
}

/** What a file must be: its size and sha256 where known, and where that came from. */
export interface Expected {
  path: string;
  size: number | null;
  sha256: string | null;
  verifiedBy: VerifiedBy;
}

/** The error for a file whose size is not the expected one, or undefined when it is (or none is known). */
export function sizeMismatch(e: Expected, size: number, url: string): ModelDownloadError | undefined {
  if (e.size === null || size === e.size) return undefined;
  return new ModelDownloadError("integrity", `${e.path}: downloaded ${size} bytes, expected ${e.size} (${url}); the file was discarded`, e.path, url);
}

/** The error for a server that sends more bytes than the file has. */
export function tooLong(e: Expected, url: string): ModelDownloadError {
  return new ModelDownloadError("integrity", `${e.path}: the server sent more than the expected ${e.size} bytes (${url})`, e.path, url);
}

/** The error for a file whose sha256 is not the expected one, or undefined when it is (or none is known). */
export function sha256Mismatch(e: Expected, sha256: string, url: string): ModelDownloadError | undefined {
  if (e.sha256 === null || sha256 === e.sha256) return undefined;
  return new ModelDownloadError(
    "integrity",
    `${e.path}: sha256 mismatch: expected ${e.sha256} (${e.verifiedBy === "manifest" ? "manifest" : "Hub API"}), got ${sha256} from ${url}; the file was discarded`,
    e.path,
    url,
  );
}

/** The note for a file whose hash nothing gave: computed after download, taken on trust, said out loud. */
export function computedNote(e: Expected, sha256: string): string {
  return `${e.path}: no sha256 in the manifest or from the Hub API; computed ${sha256} after download and recorded it in ${VERIFIED_FILE} (not independently verified).`;
}

/** Fails unless config.json's id2label (its text) equals the manifest's labels. */
export function checkLabelsText(configText: string, labels: Record<string, string>, url: string): void {
  let id2label: unknown;
  try {
    id2label = JSON.parse(configText).id2label;
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

/** What `.verified.json` records beside the model files. */
export interface VerifiedRecord {
  repo: string;
  revision: string;
  verifiedAt: string;
  files: VerifiedFile[];
  notes: string[];
}

/** The text of `.verified.json` for a verified set of files. */
export function recordText(manifest: ModelManifest, files: VerifiedFile[], notes: string[]): string {
  const record: VerifiedRecord = {
    repo: manifest.source.repo,
    revision: manifest.source.revision,
    verifiedAt: new Date().toISOString(),
    files,
    notes,
  };
  return JSON.stringify(record, null, 2) + "\n";
}
