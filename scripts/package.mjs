// Builds one VSIX per platform plus a universal one: `npm run package` (all of them), `npm run package -- --target
// linux-x64`, or `npm run package -- --target universal` (no native binary: the engine runs WebAssembly there).
//
//   node scripts/package.mjs [--target T]... [--no-build] [--out DIR] [--keep-stage] [--skip-model-check]
//
// Steps: production build (esbuild --production: minified, no source maps); then, per target, a clean staging folder
// with what the VSIX may hold (dist bundles, media, models, README and its screenshots, LICENSE, CHANGELOG.md,
// package.json, and a node_modules with onnxruntime-node + onnxruntime-common holding ONLY that target's native binary
// folder); `vsce package --target T` on it with .vscodeignore plus that target's binary line; then the VSIX is read
// (yauzl) and checked: it fails when it holds another platform's binary, src/, test/, TypeScript sources, source maps
// or dev files, or lacks a file the extension needs (the LICENSE among them). Prints each package's size.
// See docs/PACKAGING.md.
//
// Needs @vscode/vsce (a devDependency, pinned) and Node >= 22 for it: this script runs vsce under the Node 24 that
// scripts/setup-code-server.sh installs ($INLINE_SENTIMENT_CACHE or ~/.cache/inline-sentiment, node24/bin/node) when
// the current Node is older. VSCE_PATH may point at another vsce entry script.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs as parseCommandLine } from "node:util";
import yauzl from "yauzl";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** vsce target -> onnxruntime-node 1.30.0 binary folder (bin/napi-v6/<os>/<arch>). */
export const TARGETS = {
  "linux-x64": "linux/x64",
  "linux-arm64": "linux/arm64",
  "win32-x64": "win32/x64",
  "win32-arm64": "win32/arm64",
  "darwin-arm64": "darwin/arm64",
};
/**
 * The package without a target: no onnxruntime-node at all, so the engine's "auto" backend runs onnxruntime-web
 * (WebAssembly). VS Code installs it wherever no package for the platform exists.
 */
export const UNIVERSAL = "universal";
/** vsce targets that onnxruntime-node 1.30.0 ships no CPU binary for: they get the universal package (WebAssembly). */
export const UNSUPPORTED_TARGETS = {
  "darwin-x64": "onnxruntime-node 1.30.0 ships no darwin/x64 binary (Intel macOS)",
  "linux-armhf": "no linux/arm (32-bit) binary",
  "alpine-x64": "the linux binaries are built against glibc; Alpine uses musl",
  "alpine-arm64": "the linux binaries are built against glibc; Alpine uses musl",
  web: "a native addon cannot run in the browser extension host",
};
const BIN_PREFIX = "node_modules/onnxruntime-node/bin/napi-v6/";
const NATIVE_PACKAGES = ["onnxruntime-node", "onnxruntime-common"];
/**
 * onnxruntime-web as Node loads it: the worker's `import("onnxruntime-web")` resolves to dist/ort.node.min.mjs (the
 * "node" + "import" condition), which imports its own onnxruntime-common's ES module build (a nested copy, another
 * version than onnxruntime-node's) and then import()s ort-wasm-simd-threaded.mjs from dist/web/ (wasmBackend's
 * default there), which reads the .wasm beside it. The web build (package.json "browser") reads the same .wasm.
 */
const WASM_PACKAGES = ["onnxruntime-web", "onnxruntime-web/node_modules/onnxruntime-common"];
const WASM_ENTRIES = [
  "dist/web/extension.js",
  "dist/web/worker.js",
  "dist/web/tableWorker.js",
  "dist/web/ort-wasm-simd-threaded.mjs",
  "dist/web/ort-wasm-simd-threaded.wasm",
  "node_modules/onnxruntime-web/package.json",
  "node_modules/onnxruntime-web/dist/ort.node.min.mjs",
  "node_modules/onnxruntime-web/node_modules/onnxruntime-common/package.json",
  "node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/esm/package.json",
  "node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/esm/index.js",
];
/** Packages a VSIX carries in node_modules; everything else is bundled into dist/ by esbuild. */
function runtimePackagesOf(target) {
  return target === UNIVERSAL ? WASM_PACKAGES : [...NATIVE_PACKAGES, ...WASM_PACKAGES];
}

/** Files every VSIX must hold (paths inside the zip's extension/ folder). */
const REQUIRED_ENTRIES = [
  "package.json",
  "readme.md", // vsce stores README.md under this name
  "LICENSE.txt", // and LICENSE (no extension) under this one
  "dist/extension.js",
  "dist/worker.js",
  "dist/tableWorker.js",
  "dist/panel/main.js",
  "dist/panel/style.css",
  "model/sentiment-mini/config.json",
  "model/sentiment-mini/tokenizer.json",
  "model/sentiment-mini/tokenizer_config.json",
  "model/sentiment-mini/vocab.txt",
  "model/sentiment-mini/onnx/model_quantized.onnx",
  ...WASM_ENTRIES,
];
/** What a platform package holds besides: onnxruntime-node (its binary folder is added per target). */
const NATIVE_ENTRIES = [
  "node_modules/onnxruntime-node/package.json",
  "node_modules/onnxruntime-node/dist/index.js",
  "node_modules/onnxruntime-node/dist/binding.js",
  "node_modules/onnxruntime-common/package.json",
  "node_modules/onnxruntime-common/dist/cjs/index.js",
  "node_modules/onnxruntime-common/dist/cjs/package.json",
];
/** The full model's folder under model/, as model/manifest.json names it (the extension reads the same field). */
const FULL_MODEL_FOLDER = JSON.parse(fs.readFileSync(path.join(ROOT, "model", "manifest.json"), "utf8")).folder;
const FULL_MODEL_ENTRIES = ["config.json", "tokenizer.json", "onnx/model_quantized.onnx"].map((file) => `model/${FULL_MODEL_FOLDER}/${file}`);

/**
 * What a VSIX must not hold, checked on its file list (paths inside extension/). Returns one message per problem.
 * @param {string[]} entries zip entry names
 * @param {{ target: string, fullModel?: boolean }} options
 */
export function checkVsixEntries(entries, { target, fullModel = false }) {
  const problems = [];
  const files = entries.filter((e) => e.startsWith("extension/") && !e.endsWith("/")).map((e) => e.slice("extension/".length));
  const have = new Set(files);
  const universal = target === UNIVERSAL;
  const binary = universal ? undefined : `${BIN_PREFIX}${TARGETS[target]}/`;
  const native = universal ? [] : [...NATIVE_ENTRIES, `${binary}onnxruntime_binding.node`];
  for (const need of [...REQUIRED_ENTRIES, ...native, ...(fullModel ? FULL_MODEL_ENTRIES : [])]) {
    if (!have.has(need)) problems.push(`missing ${need}`);
  }
  const packages = runtimePackagesOf(target);
  /** The package a node_modules path belongs to (a nested one included): node_modules/a/node_modules/b/x -> a/node_modules/b. */
  const packageOf = (f) => f.slice("node_modules/".length).split("/node_modules/").map((part, i, all) => (i < all.length - 1 ? part : part.split("/")[0])).join("/node_modules/");
  const rules = [
    [(f) => universal && NATIVE_PACKAGES.some((p) => f.startsWith(`node_modules/${p}/`)), "onnxruntime-node in the universal package (it must run WebAssembly)"],
    [(f) => f.startsWith(BIN_PREFIX) && !f.startsWith(binary), "another platform's onnxruntime binary"],
    [(f) => f.startsWith("node_modules/") && !packages.includes(packageOf(f)), `a package other than ${packages.join(", ")}`],
    [(f) => /^node_modules\/onnxruntime-web\/dist\/ort-wasm-/.test(f), "a WebAssembly runtime file in node_modules (it ships once, in dist/web/)"],
    [(f) => /^(src|test|tests|scripts|bench|out|\.ci|\.test-run|\.vscode|\.github)\//.test(f), "a source, test, script or dev folder"],
    [(f) => f.startsWith("dist/test/"), "the in-editor test bundle"],
    [(f) => f.startsWith("docs/") && !/^docs\/screenshots\/[a-z-]+\.png$/.test(f), "docs other than the README screenshots"],
    [(f) => /^docs\/screenshots\/failure-/.test(f), "a test failure screenshot"],
    [(f) => /\.(ts|mts|cts|tsx)$/.test(f), "a TypeScript file (source or .d.ts)"],
    [(f) => /\.map$/.test(f), "a source map"],
    [(f) => /(^|\/)\.partial\//.test(f) || /\.part$/.test(f), "a partial download"],
    [(f) => /(^|\/)onnx\/model\.onnx$/.test(f), "an fp32 model file (the extension loads the int8 one)"],
    [
      (f) =>
        /(^|\/)(tsconfig\.json|esbuild\.config\.mjs|package-lock\.json|\.npmrc|\.gitignore|\.vscodeignore|\.mocharc\.json|\.eslintrc[^/]*|\.DS_Store)$/.test(f) ||
        /(^|\/)\.bin\//.test(f),
      "a dev file",
    ],
  ];
  for (const file of files) {
    const broken = rules.find(([test]) => test(file));
    if (broken) problems.push(`${file}: ${broken[1]}`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a VSIX (a zip file)

/**
 * The entries of a zip file (name, uncompressed and compressed size, from its central directory) and the content of
 * the entries named in `read`, through yauzl.
 * @param {string} file
 * @param {string[]} [read] entry names whose content is wanted
 * @returns {Promise<{ entries: { name: string, size: number, compressedSize: number }[], contents: Map<string, Buffer> }>}
 */
export async function readZip(file, read = []) {
  const zip = await yauzl.openPromise(file);
  const entries = [];
  const contents = new Map();
  // autoClose: the file is closed when the iteration ends, after the streams opened during it.
  for await (const entry of zip.eachEntry()) {
    entries.push({ name: entry.fileName, size: entry.uncompressedSize, compressedSize: entry.compressedSize });
    if (read.includes(entry.fileName)) {
      const chunks = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk);
      contents.set(entry.fileName, Buffer.concat(chunks));
    }
  }
  return { entries, contents };
}

// ---------------------------------------------------------------------------------------------------------------
// Staging

/** Reads .vscodeignore and appends the one line that re-includes the target's onnxruntime binary folder. */
export function ignoreFileFor(target, base = fs.readFileSync(path.join(ROOT, ".vscodeignore"), "utf8")) {
  if (target === UNIVERSAL) {
    // The allowlist's onnxruntime-node lines match nothing: the universal stage holds no onnxruntime-node.
    return `${base.trimEnd()}\n\n# universal: no native binary (added by scripts/package.mjs)\n`;
  }
  return `${base.trimEnd()}\n\n# ${target}: its onnxruntime binary folder (added by scripts/package.mjs)\n!${BIN_PREFIX}${TARGETS[target]}/**\n`;
}

/**
 * The packages to stage so that `npm list --production` (which vsce runs) is satisfied: onnxruntime-node and its
 * production dependencies, transitively, at the same place under node_modules as in the repository. Only
 * onnxruntime-node and -common pass the allowlist into the VSIX; the rest (its install script's helpers) stay out.
 */
function dependencyClosure(rootDir, names) {
  const found = new Map();
  const visit = (name, fromDir) => {
    let dir = fromDir;
    for (;;) {
      const candidate = path.join(dir, "node_modules", name);
      if (fs.existsSync(path.join(candidate, "package.json"))) {
        if (found.has(candidate)) return;
        found.set(candidate, name);
        const pkg = JSON.parse(fs.readFileSync(path.join(candidate, "package.json"), "utf8"));
        for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, candidate);
        return;
      }
      if (path.resolve(dir) === path.resolve(rootDir) || dir === path.dirname(dir)) {
        throw new Error(`cannot find package ${name} (needed from ${fromDir}): run npm ci`);
      }
      dir = path.dirname(dir);
    }
  };
  for (const name of names) visit(name, rootDir);
  return [...found.keys()];
}

/**
 * The darwin folder holds libonnxruntime.1.dylib and libonnxruntime.1.30.0.dylib, byte-identical (a symlink pair
 * flattened by npm, 44.6 MB each). The binding and the library's own install name reference only
 * `@rpath/libonnxruntime.1.dylib`, so the versioned copy is left out when it is identical.
 */
function isDuplicateDylib(file) {
  if (!/^libonnxruntime\.\d+\.\d+\.\d+\.dylib$/.test(path.basename(file))) return false;
  const kept = path.join(path.dirname(file), "libonnxruntime.1.dylib");
  if (!fs.existsSync(kept) || fs.statSync(kept).size !== fs.statSync(file).size) return false;
  const hash = (f) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
  return hash(kept) === hash(file);
}

function copy(from, to, filter) {
  fs.cpSync(from, to, { recursive: true, filter, dereference: true });
}

/** A folder holding what the target's VSIX may contain; vsce then filters it with the ignore file. */
function stage(target, stageDir, { fullModel }) {
  fs.rmSync(stageDir, { recursive: true, force: true });
  fs.mkdirSync(stageDir, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  // Everything but onnxruntime-node is bundled into dist/ by esbuild: the VSIX's manifest says so.
  const runtimes = target === UNIVERSAL ? ["onnxruntime-web"] : ["onnxruntime-node", "onnxruntime-web"];
  pkg.dependencies = Object.fromEntries(runtimes.map((name) => [name, pkg.dependencies[name]]));
  delete pkg.devDependencies;
  fs.writeFileSync(path.join(stageDir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  for (const file of ["README.md", "LICENSE", "CHANGELOG.md"]) {
    if (fs.existsSync(path.join(ROOT, file))) fs.copyFileSync(path.join(ROOT, file), path.join(stageDir, file));
  }
  copy(path.join(ROOT, "dist"), path.join(stageDir, "dist"), (src) => !/\.map$/.test(src) && !src.includes(`${path.sep}vsix`) && !src.includes(`dist${path.sep}test`));
  copy(path.join(ROOT, "media"), path.join(stageDir, "media"));
  copy(path.join(ROOT, "docs", "screenshots"), path.join(stageDir, "docs", "screenshots"), (src) => !path.basename(src).startsWith("failure-"));
  copy(path.join(ROOT, "model"), path.join(stageDir, "model"), (src) => {
    const rel = path.relative(path.join(ROOT, "model"), src).split(path.sep).join("/");
    if (rel.startsWith(FULL_MODEL_FOLDER) && !fullModel) return false;
    return !/(^|\/)\.partial(\/|$)/.test(rel) && !/onnx\/model\.onnx$/.test(rel);
  });
  const binaries = path.join("bin", "napi-v6");
  for (const dir of dependencyClosure(ROOT, runtimes)) {
    const rel = path.relative(ROOT, dir);
    copy(dir, path.join(stageDir, rel), (src) => {
      const inBin = path.relative(dir, src);
      if (!inBin.startsWith(binaries + path.sep)) return true;
      // Only the target's os/arch folder (and the folders leading to it).
      const parts = path.relative(path.join(dir, binaries), src).split(path.sep);
      if (target === UNIVERSAL) return false;
      const [osName, arch] = TARGETS[target].split("/");
      return parts[0] === osName && (parts.length === 1 || parts[1] === arch) && !isDuplicateDylib(src);
    });
  }
  const ignoreFile = path.join(stageDir, ".vscodeignore");
  fs.writeFileSync(ignoreFile, ignoreFileFor(target));
  return ignoreFile;
}

// ---------------------------------------------------------------------------------------------------------------
// Tools

function cacheDir() {
  return process.env.INLINE_SENTIMENT_CACHE || path.join(os.homedir(), ".cache", "inline-sentiment");
}

/** A Node >= 22 for vsce: this one, or the Node 24 that scripts/setup-code-server.sh installs. */
export function findNode22() {
  if (Number(process.versions.node.split(".")[0]) >= 22) return process.execPath;
  const node24 = path.join(cacheDir(), "node24", "bin", "node");
  if (fs.existsSync(node24)) return node24;
  throw new Error(
    `@vscode/vsce 4.1.0 needs Node >= 22 and this is Node ${process.versions.node}; ${node24} is missing: ` +
      "run `bash scripts/setup-code-server.sh` (installs Node 24) or run this script under Node 22+",
  );
}

export function findVsce() {
  const candidates = [process.env.VSCE_PATH, path.join(ROOT, "node_modules", "@vscode", "vsce", "vsce")].filter(Boolean);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new Error(
      "@vscode/vsce is not installed: it is a devDependency (`npm ci` installs it; to add it: npm install -D -E @vscode/vsce@4.1.0); " +
        "VSCE_PATH may point at another vsce entry script",
    );
  }
  return found;
}

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(command)} ${args.join(" ")} exited ${code}:\n${output}`))));
  });
}

/**
 * The full model folder, checked against model/manifest.json (every required file at its size and sha256), or
 * undefined when it is not installed. A folder that fails the check stops the packaging: a VSIX never ships a half model.
 */
export function checkFullModel(modelRoot = path.join(ROOT, "model")) {
  const manifest = JSON.parse(fs.readFileSync(path.join(modelRoot, "manifest.json"), "utf8"));
  const dir = path.join(modelRoot, manifest.folder);
  if (!fs.existsSync(path.join(dir, "config.json"))) return undefined;
  let bytes = 0;
  for (const file of manifest.files.filter((f) => f.required)) {
    const full = path.join(dir, file.path);
    if (!fs.existsSync(full)) throw new Error(`${full}: missing from the full model folder; run \`npm run model:fetch\` again`);
    const size = fs.statSync(full).size;
    if (file.size !== null && size !== file.size) throw new Error(`${full}: ${size} bytes, the manifest says ${file.size}; run \`npm run model:fetch -- --force\``);
    if (file.sha256) {
      const sha = createHash("sha256").update(fs.readFileSync(full)).digest("hex");
      if (sha !== file.sha256) throw new Error(`${full}: sha256 ${sha} differs from the manifest's ${file.sha256}; run \`npm run model:fetch -- --force\``);
    }
    bytes += size;
  }
  return { dir, bytes };
}

// ---------------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      target: { type: "string", multiple: true, default: [] },
      "no-build": { type: "boolean", default: false },
      out: { type: "string", default: path.join(ROOT, "dist", "vsix") },
      "keep-stage": { type: "boolean", default: false },
      // For size measurements with a stand-in model folder (docs/PACKAGING.md): skips the sha256 check only.
      "skip-model-check": { type: "boolean", default: false },
    },
  });
  // `--target a,b` and `--target a --target b` both work.
  let targets = values.target.flatMap((t) => t.split(",")).filter(Boolean);
  if (!targets.length) targets = [...Object.keys(TARGETS), UNIVERSAL];
  for (const t of targets) {
    if (UNSUPPORTED_TARGETS[t]) throw new Error(`no package for ${t}: ${UNSUPPORTED_TARGETS[t]}; it gets the universal package (--target ${UNIVERSAL})`);
    if (!TARGETS[t] && t !== UNIVERSAL) throw new Error(`unknown target ${t} (one of ${[...Object.keys(TARGETS), UNIVERSAL].join(", ")})`);
  }
  return {
    targets,
    build: !values["no-build"],
    out: path.resolve(values.out),
    keepStage: values["keep-stage"],
    skipModelCheck: values["skip-model-check"],
  };
}

async function main(argv) {
  const args = parseArgs(argv);
  const node = findNode22();
  const vsce = findVsce();
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  // vsce would otherwise stop and ask whether to go on without one; every package ships the licence.
  if (!fs.existsSync(path.join(ROOT, "LICENSE"))) throw new Error("LICENSE is missing at the repository root: every VSIX ships it");
  for (const target of args.targets.filter((t) => t !== UNIVERSAL)) {
    const binding = path.join(ROOT, BIN_PREFIX, TARGETS[target], "onnxruntime_binding.node");
    if (!fs.existsSync(binding)) throw new Error(`${binding} is missing: onnxruntime-node is not fully installed (npm ci)`);
  }
  let fullModel;
  if (args.skipModelCheck) {
    const dir = path.join(ROOT, "model", FULL_MODEL_FOLDER);
    fullModel = fs.existsSync(path.join(dir, "config.json")) ? { dir, bytes: 0 } : undefined;
  } else {
    fullModel = checkFullModel();
  }
  log(
    fullModel
      ? `bundling the full model from ${path.relative(ROOT, fullModel.dir)} (and the mini model as fallback)`
      : `the full model is not installed (model/${FULL_MODEL_FOLDER}/): packaging the bundled mini model only; \`npm run model:fetch\` first to bundle it`,
  );

  if (args.build) {
    log("building with --production");
    await run(process.execPath, ["esbuild.config.mjs", "--production"], { cwd: ROOT });
  }
  for (const file of ["dist/extension.js", "dist/worker.js", "dist/tableWorker.js", "dist/panel/main.js", "dist/web/extension.js", "dist/web/ort-wasm-simd-threaded.wasm"]) {
    if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: the build failed or was skipped`);
  }

  fs.mkdirSync(args.out, { recursive: true });
  const stageRoot = fs.mkdtempSync(path.join(os.tmpdir(), "inline-sentiment-package-"));
  const results = [];
  try {
    for (const target of args.targets) {
      const started = Date.now();
      const stageDir = path.join(stageRoot, target);
      const ignoreFile = stage(target, stageDir, { fullModel: !!fullModel });
      const vsix = path.join(args.out, vsixName(pkg, target));
      fs.rmSync(vsix, { force: true });
      const vsceArgs = [vsce, "package", ...(target === UNIVERSAL ? [] : ["--target", target]), "--out", vsix, "--ignoreFile", ignoreFile, "--no-yarn", "--dependencies",
        // Relative README links stay relative: the screenshots ship in the VSIX, so the Extensions view shows them offline.
        "--no-rewrite-relative-links", "--allow-missing-repository"];
      await run(node, vsceArgs, { cwd: stageDir, env: { ...process.env, VSCE_TELEMETRY: "off" } });

      const { entries, contents } = await readZip(vsix, ["extension.vsixmanifest"]);
      const problems = checkVsixEntries(entries.map((e) => e.name), { target, fullModel: !!fullModel });
      const vsixManifest = contents.get("extension.vsixmanifest")?.toString("utf8") ?? "";
      if (target === UNIVERSAL) {
        if (vsixManifest.includes("TargetPlatform=")) problems.push("extension.vsixmanifest names a TargetPlatform; the universal package has none");
      } else if (!vsixManifest.includes(`TargetPlatform="${target}"`)) problems.push(`extension.vsixmanifest does not say TargetPlatform="${target}"`);
      if (problems.length) throw new Error(`${path.relative(ROOT, vsix)} failed its checks:\n  ${problems.join("\n  ")}`);
      const size = fs.statSync(vsix).size;
      const files = entries.filter((e) => e.name.startsWith("extension/")).length;
      results.push({ target, vsix, size, files, unpacked: entries.reduce((sum, e) => sum + e.size, 0) });
      log(`${target}: ${path.relative(process.cwd(), vsix)} ${mb(size)} (${files} files, checked) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (!args.keepStage) fs.rmSync(stageDir, { recursive: true, force: true });
    }
  } finally {
    if (!args.keepStage) fs.rmSync(stageRoot, { recursive: true, force: true });
    else log(`staging folders kept in ${stageRoot}`);
  }
  process.stdout.write(`\n| target | VSIX | size | unpacked | files |\n|---|---|---:|---:|---:|\n`);
  for (const r of results) process.stdout.write(`| ${r.target} | ${path.basename(r.vsix)} | ${mb(r.size)} | ${mb(r.unpacked)} | ${r.files} |\n`);
  process.stdout.write(`\nThe universal package (WebAssembly) serves: ${Object.entries(UNSUPPORTED_TARGETS).map(([t, why]) => `${t} (${why})`).join("; ")}.\n`);
  return results;
}

/** The VSIX file name of a target: inline-sentiment-0.1.0-linux-x64.vsix, inline-sentiment-0.1.0-universal.vsix. */
export function vsixName(pkg, target) {
  return `${pkg.name}-${pkg.version}-${target}.vsix`;
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function log(message) {
  process.stdout.write(`[package] ${message}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    () => (process.exitCode = 0),
    (error) => {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}

export { main as packageAll };
