/** Getting models: where they are, what the full model is, and downloading it verified. The scripts load this file. */
export { downloadModel, type DownloadOptions, type DownloadProgress, type DownloadResult } from "./download";
export { ModelDownloadError, type DownloadErrorCode } from "./downloadErrors";
export { locateModel, modelDisplayName, type LocatedModel } from "./locate";
export { FULL_MODEL_FOLDER, MINI_MODEL_FOLDER, PARTIAL_DIR, VERIFIED_FILE, modelUrls, selectFiles, type ModelManifest } from "./manifest";
export { sha256File, type VerifiedFile } from "./verify";
