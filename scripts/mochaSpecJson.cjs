// A mocha reporter: mocha's spec output on the console as usual, and mocha's JSON report (stats, passes, failures,
// pending) written to the file given as `--reporter-option output=FILE`. scripts/test.mjs takes each stage's totals
// from that file instead of reading them back from the console text.
//
//   mocha --reporter ./scripts/mochaSpecJson.cjs --reporter-option output=results.json
"use strict";
const Mocha = require("mocha");

class SpecAndJson extends Mocha.reporters.Spec {
  constructor(runner, options = {}) {
    super(runner, options);
    if (!options.reporterOption?.output) throw new Error("mochaSpecJson: --reporter-option output=FILE is required");
    // The JSON reporter writes to `output` (and only there) when the run ends.
    new Mocha.reporters.JSON(runner, options);
  }
}

module.exports = SpecAndJson;
