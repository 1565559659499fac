// Makes a fresh clone runnable: installs npm dependencies when node_modules is missing or older than
// package-lock.json, and with --editor also what the in-editor tests need (scripts/setup-code-server.sh).
// Uses only Node built-ins: it runs before node_modules exists.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const installed = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: "skip" };

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error("inline-sentiment: installing npm dependencies (npm ci)");
  execFileSync("npm", ["ci", "--no-fund", "--no-audit"], { cwd: root, stdio: "inherit", env });
}
if (process.argv.includes("--editor")) {
  execFileSync("bash", [join(root, "scripts", "setup-code-server.sh")], { cwd: root, stdio: "inherit", env });
}
