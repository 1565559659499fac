/** Installing a verified download: the model folder is complete or absent, never half-filled. */
import { mkdir, readdir, rename, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { PARTIAL_DIR, VERIFIED_FILE, type ModelManifest } from "../manifest";
import { writeRecord, type VerifiedFile } from "./verify";

/**
 * Moves the verified `.part` files into a fresh sibling folder, carries over any other file the old `dest` held (e.g. an
 * optional file from an earlier run), then swaps that folder in with two renames. Between the renames `dest` is absent,
 * never half-filled.
 */
export async function install(dest: string, partialDir: string, files: VerifiedFile[], manifest: ModelManifest, notes: string[]): Promise<void> {
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

/** Removes `dir` and its empty subfolders, bottom-up; stops at the first folder that holds a file. */
export async function removeEmptyDirs(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyDirs(join(dir, entry.name));
  await rmdir(dir).catch(() => {});
}

