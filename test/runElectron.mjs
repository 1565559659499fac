// The same in-editor suite on desktop VS Code, through @vscode/test-electron, for machines that can download VS Code
// (it needs update.code.visualstudio.com, which this project's CI machines cannot reach; there code-server runs it:
// test/codeServer/runIntegration.mjs). Run `npm run build` first.
import { runTests } from "@vscode/test-electron";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, "dist", "test", "integration", "index.js"),
    launchArgs: [join(root, "test", "fixtures", "workspace"), "--disable-extensions", "--disable-workspace-trust"],
  });
} catch (error) {
  console.error(`in-editor tests failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
