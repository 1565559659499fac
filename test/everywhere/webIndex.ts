/**
 * Entry of the WebAssembly suite in VS Code for the Web's web worker extension host: mocha's browser build (no Node
 * there), with the spec reporter writing to the console, which the workbench forwards to the test runner.
 */

import { reportProgress } from "../integration/suiteProtocol";

interface MochaRunner {
  suite: { emit(event: string, ...args: unknown[]): void };
  run(done: (failures: number) => void): Parameters<typeof reportProgress>[0];
}
/** The browser build's class (a global): its own instance, not the page-oriented `mocha` (HTML reporter, location). */
declare const Mocha: {
  new (options: { ui: string; reporter: unknown; timeout: number; color: boolean }): MochaRunner;
  reporters: { Spec: unknown };
};

export function run(): Promise<void> {
  // Loaded here, after VS Code has taken this module's run: the UMD file assigns `module.exports = mocha` in the scope
  // esbuild gives it, which is this module's. It also sets the `Mocha` global, used below.
  require("mocha/mocha.js");
  const mocha = new Mocha({ ui: "bdd", reporter: Mocha.reporters.Spec, timeout: 120_000, color: false });
  mocha.suite.emit("pre-require", globalThis, "web", mocha);
  require("./suite.test");
  return new Promise((resolve, reject) => {
    // The runner reads the declared count, each result and a heartbeat from these lines (suiteProtocol.ts).
    reportProgress(mocha.run((failures) => (failures ? reject(new Error(`${failures} in-editor test(s) failed`)) : resolve())));
  });
}
