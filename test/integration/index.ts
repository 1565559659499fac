/**
 * Entry of the in-editor suite: VS Code (code-server, or desktop through @vscode/test-electron) loads this file in the
 * extension host and calls run(). The suite files are bundled in and register their tests through mocha's globals.
 */
import { availableParallelism, loadavg } from "node:os";
import Mocha from "mocha";
import { reportProgress } from "./suiteProtocol";

export function run(): Promise<void> {
  // IS_GREP (passed through code-server's environment) runs only the tests whose titles match it.
  // The default test limit is scaled by the machine's load when the suite starts (1-minute load average over cores,
  // 1 to 8, as the runner's waits: test/codeServer/codeServer.mjs loadFactor); tests that set their own keep theirs.
  const load = Math.min(8, Math.max(1, loadavg()[0] / Math.max(1, availableParallelism())));
  const mocha = new Mocha({ ui: "bdd", timeout: Math.round(120_000 * load), color: false, reporter: "spec", ...(process.env.IS_GREP && { grep: process.env.IS_GREP }) });
  mocha.suite.emit("pre-require", globalThis, "integration", mocha);
  require("./extension.test");
  require("./panel.test");
  require("./reliability.test");
  require("./tabular.test");
  require("./writers.test");
  require("./workbook.test");
  return new Promise((resolve, reject) => {
    // The runner reads the declared count, each result and a heartbeat from these lines (suiteProtocol.ts).
    reportProgress(mocha.run((failures) => (failures ? reject(new Error(`${failures} in-editor test(s) failed`)) : resolve())));
  });
}
