/**
 * Hostile settings, model labels and file text (issue 24): each finding as it was reproduced, now refused or made
 * harmless. The segmenter's findings are in segment.test.ts and segmentFuzz.test.ts.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labelPolarity, polarityOf, signedSentiment } from "../../src/core/polarity";
import { checkSetting, engineThreads, labelMapOf, MAX_THREADS, SETTING_RULES } from "../../src/core/settings";
import { terminalText } from "../../src/core/terminal";
import { classificationAt } from "../../src/engine/scores";
import { CLI, MINI_MODEL, ROOT } from "./helpers";

describe("hostile model labels", () => {
  it("a label named constructor, toString or __proto__ reads as a label, never as an inherited property", () => {
    // Before: labelPolarity("constructor", {}) returned Object.prototype.constructor, a function.
    for (const label of ["constructor", "toString", "__proto__", "hasOwnProperty"]) assert.equal(labelPolarity(label, {}), "neutral", label);
    const map = labelMapOf(JSON.parse('{"constructor":"positive","__proto__":"negative","toString":"sideways"}'));
    assert.equal(Object.getPrototypeOf(map), null);
    assert.deepEqual(Object.keys(map).sort(), ["__proto__", "constructor"], "the entry that is no polarity is dropped");
    assert.equal(labelPolarity("constructor", map), "positive");
    assert.equal(labelPolarity("__proto__", map), "negative");
    assert.equal(labelPolarity("toString", map), "neutral");
  });

  it("probabilities keyed by such labels keep every label (a __proto__ label set the prototype and was lost)", () => {
    const columns = { labels: ["__proto__", "constructor"], probabilities: Float64Array.from([0.9, 0.1]), windows: Uint32Array.from([1]), tokens: Uint32Array.from([3]) };
    const result = classificationAt(columns, 0);
    assert.deepEqual(Object.entries(result.probabilities), [["__proto__", 0.9], ["constructor", 0.1]]);
    const map = labelMapOf(JSON.parse('{"__proto__":"negative","constructor":"positive"}'));
    assert.ok(Math.abs(signedSentiment(result, map) - -0.8) < 1e-9);
    assert.equal(polarityOf(result, 0.75, map), "negative");
  });
});

describe("hostile settings", () => {
  it("every rule is package.json's: type, range, integer, choices", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const properties = manifest.contributes.configuration.properties as Record<string, { type: string; minimum?: number; maximum?: number; enum?: string[] }>;
    assert.deepEqual(Object.keys(SETTING_RULES).map((key) => `inlineSentiment.${key}`).sort(), Object.keys(properties).sort());
    for (const [key, rule] of Object.entries(SETTING_RULES)) {
      const schema = properties[`inlineSentiment.${key}`];
      if (rule.type === "number") {
        assert.equal(rule.min, schema.minimum, key);
        if (schema.maximum !== undefined) assert.equal(rule.max, schema.maximum, key);
        assert.equal(Boolean("integer" in rule && rule.integer), schema.type === "integer", key);
      } else if (rule.type === "enum") assert.deepEqual(rule.values, schema.enum, key);
      else assert.equal({ boolean: "boolean", string: "string", strings: "array", labelMap: "object" }[rule.type], schema.type, key);
    }
  });

  it("refuses values of the wrong type, out of range or not whole, so the default is used", () => {
    const threads = SETTING_RULES["engine.threads"];
    // 20,000 went to onnxruntime's intraOpNumThreads unchanged and hung the engine.
    for (const value of [20_000, -1, 2.5, "4", null, Number.NaN, Infinity]) assert.equal(checkSetting(value, threads).ok, false, String(value));
    for (const value of [0, 1, MAX_THREADS]) assert.equal(checkSetting(value, threads).ok, true, String(value));
    assert.equal(checkSetting(0.4, SETTING_RULES.neutralThreshold).ok, false);
    assert.equal(checkSetting("tokens", SETTING_RULES.granularity).ok, false);
    assert.equal(checkSetting("markdown", SETTING_RULES["live.languages"]).ok, false);
    assert.equal(checkSetting("yes", SETTING_RULES["live.enabled"]).ok, false);
    assert.equal(checkSetting(-5, SETTING_RULES["live.maxDocumentSize"]).ok, false);
    assert.equal(checkSetting({ a: "up" }, SETTING_RULES.labelMap).ok, false);
    assert.equal(checkSetting({ a: "positive" }, SETTING_RULES.labelMap).ok, true);
  });

  it("the engine checks the thread count again whoever sends it", () => {
    assert.deepEqual([20_000, -3, 1.5, "8", undefined, 4, MAX_THREADS].map(engineThreads), [0, 0, 0, 0, 0, 4, MAX_THREADS]);
  });

  it("the CLI refuses --threads over the maximum before it loads a model", () => {
    const result = spawnSync(process.execPath, [CLI, "classify", "--threads", "20000", "--model", MINI_MODEL], { input: '{"text":"fine"}\n', encoding: "utf8" });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--threads must be a whole number from 0 \(one per core\) to 64, not "20000"/);
  });
});

describe("file text printed to a terminal", () => {
  const hostile = "Great \u001b]8;;https://evil.test\u0007link\u001b]8;;\u0007, \u001b[2J cleared,\r over\u009b31m red\u007f.\tok\nnext";

  it("strips C0 and C1 controls except tab and line feed; files and pipes get the text unchanged", () => {
    assert.equal(terminalText(hostile, { tty: true }), "Great ]8;;https://evil.testlink]8;;, [2J cleared, over31m red.\tok\nnext");
    assert.equal(terminalText(hostile, { tty: false }), hostile);
  });

  it("JSON to a terminal keeps the exact value: DEL and C1 are written as escapes", () => {
    const json = JSON.stringify({ text: hostile });
    const shown = terminalText(json, { tty: true, json: true });
    assert.doesNotMatch(shown, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.equal(JSON.parse(shown).text, hostile);
  });

  it("the CLI on a terminal (a pseudo-terminal through script(1)) prints no escape sequence from the file", function () {
    if (!existsSync("/usr/bin/script")) return this.skip();
    const dir = mkdtempSync(join(tmpdir(), "hostile-"));
    try {
      const file = join(dir, "notes.md");
      writeFileSync(file, `${hostile}\n\nA plain paragraph.\n`);
      const run = spawnSync("/usr/bin/script", ["-qec", `"${process.execPath}" "${CLI}" analyze --model "${MINI_MODEL}" "${file}"`, "/dev/null"], { encoding: "utf8", input: "" });
      assert.equal(run.status, 0, run.stdout);
      assert.match(run.stdout, /A plain paragraph\./);
      assert.match(run.stdout, /evil\.test/, "the text is printed, without its controls");
      assert.doesNotMatch(run.stdout, /[\u001b\u0007\u009b]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
