// Runs every test stage in order (unit, in-editor, browser, then both again on the installed VSIX), streams their output, and closes with one summary line
// "tests: N passed, M failed, K skipped" over all stages. Exit code 1 if any stage failed or did not report.
import { spawn } from "node:child_process";

const stages = [
  { name: "unit", command: ["npx", "mocha", "--config", "test/unit/.mocharc.json"] },
  { name: "integration", command: ["node", "test/codeServer/runIntegration.mjs"] },
  { name: "e2e", command: ["node", "test/codeServer/runE2e.mjs"] },
  // The packaged extension (linux-x64 VSIX) installed into code-server: a missing native file shows only there.
  { name: "vsix", command: ["node", "test/codeServer/runVsix.mjs"] },
];
const only = process.argv.slice(2);

function run({ name, command }) {
  return new Promise((resolve) => {
    console.log(`\n=== ${name}: ${command.join(" ")}`);
    const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.on("close", (code) => resolve({ name, code, ...counts(output) }));
  });
}

/** Counts from a closing "N passed, M failed[, K skipped]" line, else from mocha's "N passing / N failing / N pending". */
function counts(output) {
  const last = (re) => {
    const all = [...output.matchAll(re)];
    return all.length ? all[all.length - 1] : undefined;
  };
  const summary = last(/^\s*(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/gm);
  if (summary) return { passed: Number(summary[1]), failed: Number(summary[2]), skipped: Number(summary[3] ?? 0) };
  const passing = last(/^\s*(\d+) passing/gm);
  return {
    passed: passing ? Number(passing[1]) : undefined,
    failed: Number(last(/^\s*(\d+) failing/gm)?.[1] ?? 0),
    skipped: Number(last(/^\s*(\d+) pending/gm)?.[1] ?? 0),
  };
}

const results = [];
for (const stage of stages.filter((s) => only.length === 0 || only.includes(s.name))) results.push(await run(stage));
console.log("\n=== summary");
let passed = 0;
let failed = 0;
let skipped = 0;
for (const r of results) {
  const reported = r.passed !== undefined;
  console.log(`${r.name}: exit ${r.code}, ${reported ? `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped` : "no test count reported"}`);
  passed += r.passed ?? 0;
  skipped += r.skipped;
  // A stage that failed without counting a failing test still counts as one failure.
  failed += r.failed || (r.code !== 0 || !reported ? 1 : 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed ? 1 : 0;
