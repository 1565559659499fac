/**
 * Entry of the in-editor suite: VS Code (code-server, or desktop through @vscode/test-electron) loads this file in the
 * extension host and calls run(). The suite files are bundled in and register their tests through mocha's globals.
 */
import Mocha from "mocha";

export function run(): Promise<void> {
  // IS_GREP (passed through code-server's environment) runs only the tests whose titles match it.
  const mocha = new Mocha({ ui: "bdd", timeout: 120_000, color: false, reporter: "spec", ...(process.env.IS_GREP && { grep: process.env.IS_GREP }) });
  mocha.suite.emit("pre-require", globalThis, "integration", mocha);
  require("./extension.test");
  require("./panel.test");
  require("./reliability.test");
  require("./tabular.test");
  require("./writers.test");
  require("./workbook.test");
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} in-editor test(s) failed`)) : resolve()));
  });
}
