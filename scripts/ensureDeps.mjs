// Makes a fresh clone runnable: installs npm dependencies when node_modules is missing or older than
// package-lock.json, and with --editor also what the in-editor tests need (scripts/setup-code-server.sh: Node 24,
// code-server, chromium; it returns at once when they are in place).
//
//   node scripts/ensureDeps.mjs [--editor]
//
// Uses only Node built-ins: it runs before node_modules exists.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { editor: { type: "boolean", default: false } } });
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const installed = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip" };

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error("inline-sentiment: installing npm dependencies (npm ci)");
  run("npm", ["ci", "--no-fund", "--no-audit"], "npm ci failed (its output is above)");
}
if (values.editor) {
  run("bash", [join(root, "scripts", "setup-code-server.sh")], "setting up the in-editor test tools failed (what and why is above)");
}

/** Runs a command with its output shown; on failure says what failed in one line (no stack) and exits with its code. */
function run(command, args, message) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.status === 0) return;
  console.error(`inline-sentiment: ${message}${result.error ? `: ${result.error.message}` : ""}`);
  process.exit(result.status || 1);
}
