import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, MINI_MODEL, ROOT } from "./helpers";

function cli(args: string[], input = "", env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input,
    encoding: "utf8",
    env: { ...process.env, INLINE_SENTIMENT_MODEL: "", ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("CLI", () => {
  it("classify: one JSON line per input line, in input order, with every label's probability", () => {
    const texts = ["I love it", "This is awful.", "A delightful, moving film.", "Terrible service, never again."];
    const { code, stdout } = cli(["classify", "--model", MINI_MODEL], texts.map((text) => JSON.stringify({ text })).join("\n"));
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((line) => line.label), ["POSITIVE", "NEGATIVE", "POSITIVE", "NEGATIVE"]);
    for (const line of lines) {
      assert.deepEqual(Object.keys(line), ["label", "score", "probabilities"]);
      assert.equal(line.score, line.probabilities[line.label]);
    }
  });

  it("classify: a bad line gets an error line in its place, the others still run, exit code 1", () => {
    const { code, stdout, stderr } = cli(["classify", "--model", MINI_MODEL], '{"text":"great"}\nnot json\n{"txt":1}\n{"text":"awful"}\n');
    assert.equal(code, 1);
    const lines = stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    assert.equal(lines.length, 4);
    assert.equal(lines[0].label, "POSITIVE");
    assert.match(lines[1].error, /line 2: not JSON/);
    assert.match(lines[2].error, /line 3: expected an object with a string "text" field/);
    assert.equal(lines[3].label, "NEGATIVE");
    assert.match(stderr, /line 2: not JSON/);
  });

  it("falls back to the bundled mini model with a warning that names it", () => {
    const { code, stderr } = cli(["classify"], '{"text":"fine"}\n');
    assert.equal(code, 0);
    assert.match(stderr, /bundled mini model \(.*model\/sentiment-mini\)/);
  });

  it("takes the model from INLINE_SENTIMENT_MODEL, and names the missing folder", () => {
    const { code, stderr } = cli(["classify"], '{"text":"fine"}\n', { INLINE_SENTIMENT_MODEL: "/no/such/model" });
    assert.equal(code, 1);
    assert.match(stderr, /\/no\/such\/model: model folder not found/);
    assert.doesNotMatch(stderr, /bundled mini model/);
  });

  it("analyze --format json: the editor's report, every scored unit with its 1-based lines", () => {
    const { code, stdout } = cli(["analyze", "--model", MINI_MODEL, "--format", "json", join(ROOT, "test/fixtures/workspace/feedback.md")]);
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report), ["title", "model", "units"]);
    const lines = report.units.map((u: { start_line: number; end_line: number }) => [u.start_line, u.end_line]);
    assert.deepEqual(lines, [[7, 7], [9, 9], [13, 13], [14, 14], [15, 15], [17, 17], [28, 28], [30, 30]]);
    const support = report.units[1];
    assert.match(support.text, /^Support never answered/);
    assert.equal(support.label, "NEGATIVE");
    assert.equal(support.polarity, "negative");
  });

  it("analyze --format csv and table; a binary file is refused with a reason and the rest still print", () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-cli-"));
    try {
      const notes = join(dir, "notes.txt");
      writeFileSync(notes, "Great trip, lovely staff.\r\nWe will return.\r\n\r\nThe room was dirty and cold.\r\n");
      const binary = join(dir, "image.txt");
      writeFileSync(binary, Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02]));
      const csv = cli(["analyze", "--model", MINI_MODEL, "--format", "csv", notes, binary]);
      assert.equal(csv.code, 1);
      assert.match(csv.stderr, /image\.txt: looks like a binary file/);
      const rows = csv.stdout.trimEnd().split("\n");
      // The same columns as the editor's export (core/report.ts), scores as numbers.
      assert.equal(rows[0], "file,start_line,end_line,label,score,polarity,text");
      assert.equal(rows.length, 4, "header, a two-line unit quoted across lines, one more unit");
      assert.ok(rows[1].startsWith(`${notes},1,2,POSITIVE,`));
      assert.ok(rows[3].startsWith(`${notes},4,4,NEGATIVE,`));
      const table = cli(["analyze", "--model", MINI_MODEL, notes]);
      assert.match(table.stdout.split("\n")[0], /^file\s+lines\s+sentiment\s+score\s+text$/);
      assert.match(table.stdout, /1-2\s+positive/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("opens no socket and resolves no host name while analysing (engine worker included)", () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-net-"));
    try {
      const log = join(dir, "network.log");
      writeFileSync(log, "");
      const preload = join(ROOT, "test/fixtures/preload/noNetwork.cjs");
      const result = spawnSync(process.execPath, ["--require", preload, CLI, "analyze", "--format", "json", join(ROOT, "test/fixtures/workspace/feedback.md")], {
        encoding: "utf8",
        env: { ...process.env, INLINE_SENTIMENT_MODEL: "", NO_NETWORK_LOG: log },
      });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).units.length, 8);
      assert.equal(readFileSync(log, "utf8"), "", "no network use");
      // The guard itself works: a fetch under it is refused and logged.
      const probe = spawnSync(process.execPath, ["--require", preload, "-e", "fetch('http://127.0.0.1:9/').catch(() => {})"], {
        encoding: "utf8",
        env: { ...process.env, NO_NETWORK_LOG: log },
      });
      assert.equal(probe.status, 0);
      assert.match(readFileSync(log, "utf8"), /main: fetch http:\/\/127\.0\.0\.1:9\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--verbose names the model, the runtime and the int8 kernels on stderr", () => {
    const { code, stderr } = cli(["classify", "--verbose", "--model", MINI_MODEL], '{"text":"fine"}\n');
    assert.equal(code, 0);
    assert.match(stderr, /model sentiment-mini \(bundled.*\) \(.*model_quantized\.onnx\); native \(onnxruntime-node\), int8 kernels u8(s8|u8); int8, one text per call/);
  });

  it("usage errors exit 2 with a clear message", () => {
    const bad = cli(["analyze", "--format", "xml", "x.md"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be table, json, csv or markdown, not "xml"/);
    assert.equal(cli(["frobnicate"]).code, 2);
  });
});
