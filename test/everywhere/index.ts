/** Entry of the WebAssembly suite in a Node extension host (the universal VSIX): mocha from node_modules. */
import Mocha from "mocha";

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "bdd", timeout: 120_000, color: false, reporter: "spec" });
  mocha.suite.emit("pre-require", globalThis, "everywhere", mocha);
  require("./suite.test");
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} in-editor test(s) failed`)) : resolve()));
  });
}
