// Downloads the full model (DistilBERT SST-2, int8 ONNX, 67.6 MB) described by model/manifest.json into
// model/distilbert-sst2/, verified by size and sha256, with progress. `npm run model:fetch`; see docs/PACKAGING.md.
//
//   node scripts/fetchModel.mjs [--fp32] [--force] [--dest DIR] [--base-url URL] [--manifest FILE] [--retries N]
//
// The download itself is src/models/node/download.ts (TypeScript, loaded through tsx, a devDependency: the script
// re-runs itself with `--import tsx` when started by plain node).
// Exit codes: 0 installed (or already installed and verified), 1 failed (bad bytes, HTTP error, disk), 2 usage,
// 3 no network (nothing reachable: the message says what to do instead), 4 network failure after retries (the bytes
// received so far are kept: run again to resume), 130 cancelled (Ctrl+C; nothing is left behind).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs as parseCommandLine } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const EXIT = { ok: 0, failed: 1, usage: 2, offline: 3, network: 4, cancelled: 130 };
const USAGE = `usage: npm run model:fetch -- [options]
  --fp32            also fetch onnx/model.onnx (fp32, 268 MB; the extension uses the int8 file by default)
  --force           download again even when the folder already holds a verified copy
  --dest DIR        target folder (default: model/<manifest folder>, i.e. model/distilbert-sst2)
  --base-url URL    fetch from a mirror with the Hub's URL layout (default: $HF_ENDPOINT, else https://huggingface.co)
  --manifest FILE   model manifest (default: model/manifest.json)
  --retries N       retries per file on transient network errors (default 4)`;

const download = await loadDownloadModule();
process.exitCode = await main(process.argv.slice(2));

async function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const manifestFile = path.resolve(args.manifest ?? path.join(ROOT, "model", "manifest.json"));
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch (error) {
    process.stderr.write(`error: cannot read the model manifest ${manifestFile}: ${error.message}\n`);
    return EXIT.failed;
  }
  const dest = path.resolve(args.dest ?? path.join(path.dirname(manifestFile), manifest.folder));
  const baseUrl = args.baseUrl ?? (process.env.HF_ENDPOINT || undefined);
  const include = args.fp32 ? ["onnx/model.onnx"] : [];

  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write("\ncancelling…\n");
    controller.abort();
  };
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigint);

  const progress = progressPrinter();
  process.stdout.write(
    `Fetching ${manifest.source.repo}@${manifest.source.revision.slice(0, 7)} into ${display(dest)}` +
      `${baseUrl ? ` from ${baseUrl}` : ""}\n`,
  );
  try {
    const result = await download.downloadModel({
      manifest,
      dest,
      baseUrl,
      include,
      force: args.force,
      retries: args.retries,
      checkRevision: true,
      signal: controller.signal,
      onProgress: progress.update,
    });
    progress.finish();
    for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
    if (result.alreadyPresent) {
      process.stdout.write(`${display(dest)} already holds a verified copy (${result.files.length} files); nothing to do (--force downloads again).\n`);
    } else {
      const mb = (result.files.reduce((sum, f) => sum + f.size, 0) / 1e6).toFixed(1);
      process.stdout.write(`Installed ${result.files.length} files (${mb} MB) in ${display(dest)}, each verified by size and sha256:\n`);
      for (const file of result.files) process.stdout.write(`  ${file.sha256}  ${file.path} (${file.verifiedBy})\n`);
      process.stdout.write("The extension and the CLI now use the full model (`npm run package` bundles it).\n");
    }
    return EXIT.ok;
  } catch (error) {
    progress.finish();
    if (!(error instanceof download.ModelDownloadError)) {
      process.stderr.write(`error: ${error?.stack ?? error}\n`);
      return EXIT.failed;
    }
    process.stderr.write(`error: ${error.message}\n`);
    switch (error.code) {
      case "offline":
        return EXIT.offline;
      case "network":
        process.stderr.write(`The bytes received so far are kept in ${display(path.join(dest, download.PARTIAL_DIR))}: run \`npm run model:fetch\` again to resume.\n`);
        return EXIT.network;
      case "aborted":
        process.stderr.write("Nothing was installed.\n");
        return EXIT.cancelled;
      default:
        return EXIT.failed;
    }
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
}

function parseArgs(argv) {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      fp32: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      dest: { type: "string" },
      "base-url": { type: "string" },
      manifest: { type: "string" },
      retries: { type: "string" },
    },
  });
  if (values.retries !== undefined && !/^\d+$/.test(values.retries)) throw new Error("--retries needs a whole number >= 0");
  return {
    fp32: values.fp32,
    force: values.force,
    help: values.help,
    dest: values.dest,
    baseUrl: values["base-url"],
    manifest: values.manifest,
    retries: values.retries === undefined ? undefined : Number(values.retries),
  };
}

/** One updating line on a terminal; a line per 10 % (and per file) otherwise, so CI logs stay short. */
function progressPrinter() {
  const tty = process.stdout.isTTY;
  const started = Date.now();
  let lastFile;
  let lastDecile = -1;
  let lastPaint = 0;
  let painted = false;
  const mb = (n) => (n / 1e6).toFixed(1);
  return {
    update(p) {
      const now = Date.now();
      const percent = p.total ? Math.floor((p.done / p.total) * 100) : 0;
      const rate = p.done / Math.max(0.001, (now - started) / 1000);
      const line =
        `${p.file}  ${mb(p.fileDone)}${p.fileTotal ? ` / ${mb(p.fileTotal)}` : ""} MB` +
        `  | total ${mb(p.done)} / ${mb(p.total)} MB (${percent}%)  ${mb(rate)} MB/s`;
      if (tty) {
        if (now - lastPaint < 100 && p.fileDone !== p.fileTotal) return;
        lastPaint = now;
        process.stdout.write(`\r${line}\x1b[K`);
        painted = true;
      } else {
        const decile = Math.floor(percent / 10);
        if (p.file === lastFile && decile === lastDecile) return;
        lastFile = p.file;
        lastDecile = decile;
        process.stdout.write(`${line}\n`);
      }
    },
    finish() {
      if (painted) process.stdout.write("\n");
      painted = false;
    },
  };
}

function display(p) {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

/** src/models/node/download.ts through tsx; re-runs this script under `node --import tsx` when plain node cannot load it. */
async function loadDownloadModule() {
  const file = pathToFileURL(path.join(ROOT, "src", "models", "node", "download.ts")).href;
  try {
    return await import(file);
  } catch (error) {
    if (error?.code !== "ERR_UNKNOWN_FILE_EXTENSION" || process.env.INLINE_SENTIMENT_TSX_REEXEC) throw error;
    // The child handles Ctrl+C itself (it cancels and cleans up); this process only waits for it.
    const ignore = () => {};
    process.on("SIGINT", ignore);
    process.on("SIGTERM", ignore);
    const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, INLINE_SENTIMENT_TSX_REEXEC: "1" },
    });
    const [code, signal] = await new Promise((resolve) => child.on("close", (c, s) => resolve([c, s])));
    process.exit(code ?? (signal ? 130 : 1));
  }
}
