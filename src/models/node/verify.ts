/**
 * Verification: a downloaded or copied model folder is used only when every file has the size and sha256 the manifest
 * (or, failing that, the Hub API) gives; what was verified and how is recorded beside the files.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { checkLabelsText, recordText, type VerifiedFile, type VerifiedRecord } from "../checks";
import { VERIFIED_FILE, type ManifestFile, type ModelManifest } from "../manifest";

export type { VerifiedBy, VerifiedFile } from "../checks";

export async function checkLabels(configPath: string, labels: Record<string, string>, url: string): Promise<void> {
  checkLabelsText(await readFile(configPath, "utf8"), labels, url);
}

/**
 * The files in `dest` when they already form a verified copy: every selected file present with its expected size, and
 * its sha256 equal to the manifest's or, where the manifest has none, to the one recorded in `.verified.json`.
 * Files copied by hand from another machine pass too (and are recorded).
 */
export async function verifyExisting(dest: string, manifest: ModelManifest, files: ManifestFile[]): Promise<VerifiedFile[] | undefined> {
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

export async function writeRecord(dir: string, manifest: ModelManifest, files: VerifiedFile[], notes: string[]): Promise<void> {
  await writeFile(join(dir, VERIFIED_FILE), recordText(manifest, files, notes));
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path, { signal }), hash);
  return hash.digest("hex");
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function sizeOf(path: string, missing = 0): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => missing,
  );
}

