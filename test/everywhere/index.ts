/** Entry of the WebAssembly suite in a Node extension host (the universal VSIX): mocha from node_modules. */
import Mocha from "mocha";
import { reportProgress } from "../integration/suiteProtocol";

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", timeout: 120_000, color: false, reporter: "spec" });
  mocha.suite.emit("pre-require", globalThis, "everywhere", mocha);
  require("./suite.test");
  return new Promise((resolve, reject) => {
    // The runner reads the declared count, each result and a heartbeat from these lines (suiteProtocol.ts).
    reportProgress(mocha.run((failures) => (failures ? reject(new Error(`${failures} in-editor test(s) failed`)) : resolve())));
  });
}
