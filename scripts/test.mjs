// Runs every test stage in order (unit, in-editor, browser, then both again on the installed VSIX), streams their
// output, and closes with one summary line "tests: N passed, M failed, K skipped" over all stages. Exit code 1 if any
// stage failed or did not report its totals.
//
//   node scripts/test.mjs [unit|integration|e2e|web|web-e2e|vsix]...      (npm test runs them all)
//
// Each stage reports its totals as JSON in a file, not as text to read back: the unit stage through mocha's JSON
// report (scripts/mochaSpecJson.cjs, spec output still on the console), the in-editor and browser stages through the
// file named by IS_RESULT_FILE ({"passed", "failed", "skipped"}, written by test/codeServer/*.mjs).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MOCHA = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");

/** @type {{ name: string, command: (resultFile: string) => string[], totals: (json: any) => Totals, env?: object }[]} */
const STAGES = [
  {
    name: "unit",
    command: (file) => [MOCHA, "--config", "test/unit/.mocharc.json", "--reporter", "./scripts/mochaSpecJson.cjs", "--reporter-option", `output=${file}`],
    totals: ({ stats }) => ({ passed: stats.passes, failed: stats.failures, skipped: stats.pending }),
  },
  { name: "integration", command: () => ["test/codeServer/runIntegration.mjs"], totals: harnessTotals },
  { name: "e2e", command: () => ["test/codeServer/runE2e.mjs"], totals: harnessTotals },
  // VS Code for the Web: the web build in code-server's web worker extension host (in-editor suite, browser check).
  { name: "web", command: () => ["test/codeServer/runIntegration.mjs"], totals: harnessTotals, env: { IS_WEB: "1" } },
  { name: "web-e2e", command: () => ["test/codeServer/runWebE2e.mjs"], totals: harnessTotals },
  // The packaged extension (linux-x64 VSIX) installed into code-server: a missing native file shows only there.
  { name: "vsix", command: () => ["test/codeServer/runVsix.mjs"], totals: harnessTotals },
];

/** @typedef {{ passed: number, failed: number, skipped: number }} Totals */

/** The {"passed", "failed", "skipped"} file the code-server harness writes (test/codeServer/codeServer.mjs). */
function harnessTotals(json) {
  return { passed: json.passed, failed: json.failed, skipped: json.skipped ?? 0 };
}

const { positionals: only } = parseArgs({ allowPositionals: true, options: {} });
for (const name of only) {
  if (!STAGES.some((s) => s.name === name)) {
    console.error(`unknown stage ${name} (one of ${STAGES.map((s) => s.name).join(", ")})`);
    process.exit(2);
  }
}

const resultDir = fs.mkdtempSync(path.join(os.tmpdir(), "inline-sentiment-test-"));
process.on("exit", () => fs.rmSync(resultDir, { recursive: true, force: true }));

/** Runs one stage with its output streamed; resolves to its exit code and totals (undefined when it wrote none). */
function run(stage) {
  const resultFile = path.join(resultDir, `${stage.name}.json`);
  const args = stage.command(resultFile);
  console.log(`\n=== ${stage.name}: node ${args.map((a) => path.relative(ROOT, a) || a).join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...stage.env, IS_RESULT_FILE: resultFile } });
    child.on("close", (code, signal) => resolve({ name: stage.name, code: code ?? signal, totals: readTotals(stage, resultFile) }));
  });
}

function readTotals(stage, file) {
  let json;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined; // not written: the stage stopped before it could count
  }
  const totals = stage.totals(json);
  return Object.values(totals).every(Number.isInteger) ? totals : undefined;
}

// Ctrl+C reaches the running stage directly (same process group), which stops its code-server and browser itself;
// this process then runs no further stage and prints the summary of what ran.
let interrupted = false;
process.on("SIGINT", () => (interrupted = true));

const results = [];
for (const stage of STAGES.filter((s) => only.length === 0 || only.includes(s.name))) {
  if (interrupted) break;
  results.push(await run(stage));
}
console.log("\n=== summary");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const { name, code, totals } of results) {
  console.log(`${name}: exit ${code}, ${totals ? `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped` : "no test count reported"}`);
  passed += totals?.passed ?? 0;
  skipped += totals?.skipped ?? 0;
  // A stage that failed without counting a failing test still counts as one failure.
  failed += totals?.failed || (code !== 0 || !totals ? 1 : 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped${interrupted ? " (interrupted)" : ""}`);
process.exitCode = failed || interrupted ? 1 : 0;
