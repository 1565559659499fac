import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../../src/commands/ids";
import { ROOT } from "./helpers";

const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

describe("package.json contributions", () => {
  it("contributes exactly the commands the code registers, each in the Inline Sentiment category", () => {
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMANDS).sort());
    for (const command of manifest.contributes.commands) assert.equal(command.category, "Inline Sentiment");
  });

  it("activates on markdown, plaintext and the table languages (and to restore its panel) only, never on *", () => {
    assert.deepEqual(manifest.activationEvents, [
      "onLanguage:markdown",
      "onLanguage:plaintext",
      "onLanguage:csv",
      "onLanguage:tsv",
      "onLanguage:jsonl",
      "onWebviewPanel:inlineSentiment.summary",
    ]);
  });

  it("pins onnxruntime-node to the version @huggingface/transformers pins (two ORT builds cannot share a process)", () => {
    const transformers = JSON.parse(readFileSync(join(ROOT, "node_modules/@huggingface/transformers/package.json"), "utf8"));
    assert.equal(manifest.dependencies["onnxruntime-node"], transformers.dependencies["onnxruntime-node"]);
  });

  it("prefixes every setting and colour with inlineSentiment.", () => {
    for (const key of Object.keys(manifest.contributes.configuration.properties)) assert.match(key, /^inlineSentiment\./);
    for (const color of manifest.contributes.colors) assert.match(color.id, /^inlineSentiment\./);
  });
});
