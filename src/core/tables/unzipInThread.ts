/**
 * fflate as read-excel-file sees it in the bundles (esbuild.config.mjs points read-excel-file's `fflate` import here):
 * the same module, except that `unzip` inflates in the calling thread. fflate's own `unzip` inflates each part of
 * 512 KB or more (a 15,000-row sheet is 7 MB of XML) in a worker it starts for it: an eval'd worker_threads Worker in
 * Node, a blob-URL Web Worker in a browser. A workbook is read in the table worker, already off the extension host's
 * main thread, so those would be threads started from a worker for no gain on a busy machine, and in VS Code for the
 * Web a nested blob worker the host may refuse.
 */
import { unzipSync, type AsyncTerminable, type AsyncUnzipOptions, type FlateError, type UnzipCallback, type Unzipped } from "fflate";

export * from "fflate";

/** fflate's `unzip`, run synchronously: the callback is called before it returns. */
export function unzip(data: Uint8Array, opts: AsyncUnzipOptions | UnzipCallback, cb?: UnzipCallback): AsyncTerminable {
  const callback = typeof opts === "function" ? opts : cb!;
  let files: Unzipped;
  try {
    files = unzipSync(data, typeof opts === "function" ? {} : opts);
  } catch (error) {
    callback(error as FlateError, {});
    return () => {};
  }
  callback(null, files);
  return () => {};
}
