// Tests the packaged extension as a user gets it: builds this platform's VSIX (scripts/package.mjs), or takes one
// given, installs it into a fresh code-server and runs both real-VS-Code checks against the installed copy: the
// in-editor suite (runIntegration.mjs) and the browser check (runE2e.mjs), each with IS_VSIX set.
//
//   node test/codeServer/runVsix.mjs [path/to/x.vsix]        (npm run test:vsix)
//
// Env: IS_VSIX=path/to/x.vsix is the same as the argument. Without either, `node scripts/package.mjs --target <this
// platform>` runs first (a production build; needs @vscode/vsce and Node 24, see docs/PACKAGING.md).
// Closes with "vsix: N passed, M failed"; exit code 1 if either stage failed.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./codeServer.mjs";

const given = process.argv[2] ?? process.env.IS_VSIX;
let vsix = given ? path.resolve(process.cwd(), given) : undefined;

if (!vsix) {
  const target = `${process.platform}-${process.arch}`;
  const status = await stage("package", [process.execPath, path.join(REPO_ROOT, "scripts", "package.mjs"), "--target", target]);
  if (status.code !== 0) finish([status]);
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  vsix = path.join(REPO_ROOT, "dist", "vsix", `${pkg.name}-${pkg.version}-${target}.vsix`);
}
if (!fs.existsSync(vsix)) {
  process.stderr.write(`error: VSIX ${vsix} not found\n`);
  process.exit(1);
}

const env = { ...process.env, IS_VSIX: vsix };
const results = [
  await stage("integration", [process.execPath, path.join(REPO_ROOT, "test", "codeServer", "runIntegration.mjs")], env),
  await stage("e2e", [process.execPath, path.join(REPO_ROOT, "test", "codeServer", "runE2e.mjs")], env),
];
finish(results);

/** Runs one stage with its output streamed; returns its exit code and the counts it printed. */
function stage(name, command, stageEnv = process.env) {
  process.stdout.write(`\n=== vsix ${name}: ${command.map((c) => path.relative(process.cwd(), c) || c).join(" ")}\n`);
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: ["ignore", "pipe", "inherit"], env: stageEnv });
    let output = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    // Ctrl+C reaches the children directly (same process group); they stop code-server themselves.
    process.on("SIGINT", () => {});
    child.on("close", (code) => resolve({ name, code, ...counts(output) }));
  });
}

/** mocha's "N passing / N failing" or the harness's "N passed, M failed". */
function counts(output) {
  const last = (re) => {
    const all = [...output.matchAll(re)];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  };
  return {
    passed: last(/^\s*(\d+) passing/gm) ?? last(/^\s*(?:\w+: )?(\d+) passed,/gm),
    failed: last(/^\s*(\d+) failing/gm) ?? last(/(\d+) failed/gm) ?? 0,
  };
}

function finish(list) {
  let passed = 0;
  let failed = 0;
  for (const r of list) {
    passed += r.passed ?? 0;
    // A stage that failed without counting a failing test still counts as one failure.
    failed += r.failed || (r.code !== 0 || r.passed === undefined ? 1 : 0);
    process.stdout.write(`${r.name}: exit ${r.code}${r.passed === undefined ? "" : `, ${r.passed} passed, ${r.failed} failed`}\n`);
  }
  process.stdout.write(`vsix: ${passed} passed, ${failed} failed\n`);
  process.exit(failed ? 1 : 0);
}
