/**
 * model/manifest.json: which files make the full model, pinned by revision, size and sha256, and where they are
 * fetched from. Pure.
 */
import bundledManifest from "../../model/manifest.json";
import { ModelDownloadError } from "./downloadErrors";

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

/**
 * The folder the full model lives in, under the extension's model/ folder or its global storage: the manifest's own
 * `folder` (scripts/fetchModel.mjs and scripts/package.mjs read the same field).
 */
export const FULL_MODEL_FOLDER: string = bundledManifest.folder;
/** model/manifest.json as the extension was built with it: what "Download the Full Model" fetches. */
export const BUNDLED_MANIFEST: ModelManifest = bundledManifest;
/** The bundled stand-in's folder under model/. */
export const MINI_MODEL_FOLDER = "sentiment-mini";

/** The file written next to the model files, recording what was verified and how. */
export const VERIFIED_FILE = ".verified.json";
/** The staging folder inside a model folder while a download runs. */
export const PARTIAL_DIR = ".partial";

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

export function validateManifest(manifest: ModelManifest, files: ManifestFile[]): void {
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

