// Tests the packaged extension as a user gets it: builds this platform's VSIX and the universal one
// (scripts/package.mjs), or takes one given, installs it into a fresh code-server and runs the real-VS-Code checks
// against the installed copy, each with IS_VSIX set: for a platform VSIX the in-editor suite (runIntegration.mjs) and
// the browser check (runE2e.mjs); for the universal VSIX (no onnxruntime-node: "auto" runs WebAssembly) the
// WebAssembly suite (dist/test/everywhere/index.js: a document scored, hover and API naming the backend).
//
//   node test/codeServer/runVsix.mjs [path/to/x.vsix]        (npm run test:vsix)
//
// Env: IS_VSIX=path/to/x.vsix is the same as the argument (a name ending in -universal.vsix runs the WebAssembly
// suite). Without either, `node scripts/package.mjs --target <this platform> --target universal` runs first (a
// production build; needs @vscode/vsce and Node 24, see docs/PACKAGING.md).
// Closes with "vsix: N passed, M failed, K skipped" (also written as JSON to $IS_RESULT_FILE when set), added up from
// the JSON totals each stage writes; exit code 1 if either stage failed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT, displayPath, writeResult } from "./codeServer.mjs";

const { positionals } = parseArgs({ allowPositionals: true, options: {} });
if (positionals.length > 1) {
  process.stderr.write("usage: node test/codeServer/runVsix.mjs [path/to/x.vsix]\n");
  process.exit(2);
}
const given = positionals[0] ?? process.env.IS_VSIX;
/** The packages to test: the one given, or this platform's and the universal one, built here. */
let packages = given ? [path.resolve(process.cwd(), given)] : [];
const resultDir = fs.mkdtempSync(path.join(os.tmpdir(), "inline-sentiment-vsix-"));
process.on("exit", () => fs.rmSync(resultDir, { recursive: true, force: true }));
// Ctrl+C reaches the children directly (same process group); they stop code-server themselves.
process.on("SIGINT", () => {});

if (!packages.length) {
  const targets = [`${process.platform}-${process.arch}`, "universal"];
  const status = await stage("package", [process.execPath, path.join(REPO_ROOT, "scripts", "package.mjs"), ...targets.flatMap((t) => ["--target", t])]);
  if (status.code !== 0) finish([status]);
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  packages = targets.map((target) => path.join(REPO_ROOT, "dist", "vsix", `${pkg.name}-${pkg.version}-${target}.vsix`));
}
for (const vsix of packages) {
  if (!fs.existsSync(vsix)) {
    process.stderr.write(`error: VSIX ${vsix} not found\n`);
    process.exit(1);
  }
}

const results = [];
for (const vsix of packages) {
  const env = { ...process.env, IS_VSIX: vsix };
  if (vsix.endsWith("-universal.vsix")) {
    const suite = path.join(REPO_ROOT, "dist", "test", "everywhere", "index.js");
    // Outside the repository: installed under .test-run/, the extension's require("onnxruntime-node") would climb up
    // to the repository's node_modules and find it, and the test would not be the universal package's.
    const runDir = path.join(resultDir, "universal-run");
    results.push(await stage("universal", [process.execPath, path.join(REPO_ROOT, "test", "codeServer", "runIntegration.mjs")], { ...env, IS_SUITE: suite, IS_RUN_DIR: runDir }));
  } else {
    results.push(await stage("integration", [process.execPath, path.join(REPO_ROOT, "test", "codeServer", "runIntegration.mjs")], env));
    results.push(await stage("e2e", [process.execPath, path.join(REPO_ROOT, "test", "codeServer", "runE2e.mjs")], env));
  }
}
finish(results);

/** Runs one stage with its output streamed; returns its exit code and the totals it wrote (undefined when none). */
function stage(name, command, stageEnv = process.env) {
  process.stdout.write(`\n=== vsix ${name}: ${command.map(displayPath).join(" ")}\n`);
  const resultFile = path.join(resultDir, `${name}.json`);
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: "inherit", env: { ...stageEnv, IS_RESULT_FILE: resultFile } });
    child.on("close", (code, signal) => resolve({ name, code: code ?? signal, totals: readTotals(resultFile) }));
  });
}

function readTotals(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function finish(list) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const { name, code, totals } of list) {
    passed += totals?.passed ?? 0;
    skipped += totals?.skipped ?? 0;
    // A stage that failed without counting a failing test still counts as one failure.
    failed += totals?.failed || (code !== 0 || !totals ? 1 : 0);
    process.stdout.write(`${name}: exit ${code}${totals ? `, ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped ?? 0} skipped` : ""}\n`);
  }
  process.stdout.write(`vsix: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  writeResult({ passed, failed, skipped });
  process.exit(failed ? 1 : 0);
}
