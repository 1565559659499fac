/** The Hugging Face Hub API: sizes and sha256 for files the manifest does not pin, and a check of the revision. */
import { ModelDownloadError, asDownloadError, httpError } from "./downloadErrors";
import type { ManifestFile, ModelManifest } from "./manifest";
import type { Expected } from "./checks";
import type { Requests } from "./requests";

export interface HubSibling {
  rfilename: string;
  size?: number;
  lfs?: { sha256?: string; size?: number };
}

/**
 * Reads the Hub API when a selected file lacks a sha256 or size in the manifest (or when asked to confirm the
 * revision). Returns the siblings by path, or undefined when the API could not be read (a note says so).
 */
export async function readHubApi(
  manifest: ModelManifest,
  files: ManifestFile[],
  url: string,
  run: Requests,
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

export function expectation(file: ManifestFile, hub: Map<string, HubSibling> | undefined, notes: string[]): Expected {
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

