import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../../src/core/commandIds";
import { ANALYZED_LANGUAGES, FILE_KINDS, LIVE_LANGUAGES, TABLE_EXTENSIONS, analyzedDocumentFilters } from "../../src/core/fileKinds";
import { languageOfPath } from "../../src/core/sourceFiles";
import { SETTING_DEFAULTS } from "../../src/core/settings";
import { tableFormatOf } from "../../src/core/tables";
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

  it("activates on exactly the live languages of core/fileKinds.ts, which are the live.languages setting's default", () => {
    const languages = manifest.activationEvents.filter((e: string) => e.startsWith("onLanguage:")).map((e: string) => e.slice("onLanguage:".length));
    assert.deepEqual(languages, [...LIVE_LANGUAGES]);
    assert.deepEqual(manifest.contributes.configuration.properties["inlineSentiment.live.languages"].default, [...LIVE_LANGUAGES]);
  });

  it("every setting's default is core's (SETTING_DEFAULTS, which config.ts and the CLI read)", () => {
    const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
    assert.deepEqual(Object.keys(SETTING_DEFAULTS).map((key) => `inlineSentiment.${key}`).sort(), Object.keys(properties).sort());
    for (const [key, value] of Object.entries(SETTING_DEFAULTS)) assert.deepEqual(properties[`inlineSentiment.${key}`].default, value, key);
  });

  it("offers Analyze Feedback File… in the Explorer on exactly the table file endings of core/fileKinds.ts", () => {
    const item = manifest.contributes.menus["explorer/context"].find((m: { command: string }) => m.command === COMMANDS.analyzeFile);
    const endings = /resourceExtname =~ \/\^\\\.\(([^)]*)\)\$\/i/.exec(item.when)?.[1];
    assert.ok(endings, `the when clause names the endings as one group: ${item.when}`);
    assert.deepEqual(endings.split("|").sort(), Object.keys(TABLE_EXTENSIONS).sort());
  });

  it("the file kinds' table: each ending and language id means one kind, read as the kind says", () => {
    const endings = FILE_KINDS.flatMap((kind) => kind.extensions);
    assert.equal(new Set(endings).size, endings.length, "no ending in two kinds");
    const languages = FILE_KINDS.flatMap((kind) => kind.languages);
    assert.equal(new Set(languages).size, languages.length, "no language id in two kinds");
    for (const kind of FILE_KINDS) {
      for (const live of kind.live) assert.ok(kind.languages.includes(live), `${live} is one of its kind's languages`);
      for (const ext of kind.extensions) {
        const file = `a/b.${ext.toUpperCase()}`;
        if (kind.reads === "markdown" || kind.reads === "plaintext") assert.equal(languageOfPath(file), kind.reads, file);
        else assert.equal(tableFormatOf(file), kind.reads, file);
      }
    }
  });

  it("the hover's selector names a scheme in every filter, and every language a document with results can have", () => {
    const filters = analyzedDocumentFilters();
    assert.ok(filters.every((filter) => filter.scheme && filter.language));
    assert.deepEqual([...new Set(filters.map((filter) => filter.language))].sort(), [...ANALYZED_LANGUAGES].sort());
    for (const language of ["markdown", "plaintext", "csv", "tsv", "jsonl", "json"]) assert.ok(ANALYZED_LANGUAGES.includes(language), language);
    for (const scheme of ["file", "untitled", "vscode-remote"]) assert.ok(filters.some((filter) => filter.scheme === scheme), scheme);
    assert.ok(!filters.some((filter) => filter.scheme === "output" || filter.scheme === "git"));
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
