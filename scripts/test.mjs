// Runs every test stage in order (unit, in-editor, browser), streams their output, and closes with one summary line
// "tests: N passed, M failed, K skipped" over all stages. Exit code 1 if any stage failed or did not report.
import { spawn } from "node:child_process";

const stages = [
  { name: "unit", command: ["npx", "mocha", "--config", "test/unit/.mocharc.json"] },
  { name: "integration", command: ["node", "test/codeServer/runIntegration.mjs"] },
  { name: "e2e", command: ["node", "test/codeServer/runE2e.mjs"] },
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

/** Counts from mocha's "N passing / N failing / N pending" or a "N passed, M failed" line. */
function counts(output) {
  const last = (re) => {
    const all = [...output.matchAll(re)];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  };
  const passed = last(/^\s*(\d+) passing/gm) ?? last(/^\s*(?:\w+: )?(\d+) passed,/gm);
  const failed = last(/^\s*(\d+) failing/gm) ?? last(/(\d+) failed/gm) ?? 0;
  const skipped = last(/^\s*(\d+) pending/gm) ?? last(/(\d+) skipped/gm) ?? 0;
  return { passed, failed, skipped };
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
