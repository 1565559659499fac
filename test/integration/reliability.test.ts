/** The bad-input and fault rows of docs/RELIABILITY.md that need a real editor. */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import * as vscode from "vscode";
import type { InlineSentimentApi } from "../../src/extension";
import { withSetting, closeAllEditors } from "./helpers";

const EXTENSION_ID = "inline-sentiment.inline-sentiment";

async function api(): Promise<InlineSentimentApi> {
  const extension = vscode.extensions.getExtension<InlineSentimentApi>(EXTENSION_ID);
  assert.ok(extension);
  return extension.activate();
}

async function openUntitled(content: string, language = "plaintext"): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language, content });
  return vscode.window.showTextDocument(document);
}

/** Closes the untitled document's editors (the active one, `editors` times) without a save prompt; waits for the close. */
async function closeActive(document: vscode.TextDocument, editors = 1): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    const listener = vscode.workspace.onDidCloseTextDocument((d) => {
      if (d !== document) return;
      listener.dispose();
      resolve();
    });
  });
  for (let i = 0; i < editors; i++) {
    await vscode.window.showTextDocument(document, vscode.window.visibleTextEditors.find((e) => e.document === document)?.viewColumn);
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
  }
  await closed;
}

/** The CLI (a separate process with its own engine) on the same text: a fresh analysis to compare with. */
function freshAnalysis(text: string, extension: string): { startLine: number; endLine: number; label: string; score: number }[] {
  const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-fresh-"));
  const file = join(dir, `final${extension}`);
  writeFileSync(file, text);
  const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const out = execFileSync(process.execPath, [join(root, "dist", "cli.js"), "analyze", "--format", "json", file], {
    encoding: "utf8",
    env: { ...process.env, INLINE_SENTIMENT_MODEL: "", ELECTRON_RUN_AS_NODE: "1" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  // The CLI's JSON is the editor's report (core/report.ts): one entry per unit, lines as start_line / end_line; the
  // units not scored (the editor keeps them apart from its results' units) are left out.
  const report = JSON.parse(out) as { units: { scored: boolean; start_line: number; end_line: number; label: string; score: number }[] };
  return report.units.filter((unit) => unit.scored).map((unit) => ({ startLine: unit.start_line, endLine: unit.end_line, label: unit.label, score: unit.score }));
}

describe("Reliability in a real VS Code", () => {
  afterEach(closeAllEditors);

  it("typing 20 keystrokes a second for 30 seconds: no error, and the result equals a fresh analysis", async function () {
    this.timeout(300_000);
    const sentiment = await api();
    const editor = await openUntitled("Notes from the call.\n\n", "markdown");
    const document = editor.document;
    const words = "the support agent was patient and kind but the billing page keeps failing and I am frustrated".split(" ");
    // 600 keystrokes, one every 50 ms: a fast typist. New paragraphs start every 120 keystrokes.
    for (let key = 0; key < 600; key++) {
      const word = words[Math.floor(key / 6) % words.length];
      const char = key % 120 === 119 ? "\n\n" : key % 6 === 5 ? " " : word[key % 6] ?? "e";
      const end = document.lineAt(document.lineCount - 1).range.end;
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, end, char);
      assert.ok(await vscode.workspace.applyEdit(edit), `keystroke ${key}`);
      await new Promise((resolve) => setTimeout(resolve, 50)); // typing pace, not a wait for the editor
    }
    await sentiment.whenIdle();
    const results = sentiment.results(document.uri)!;
    assert.equal(results.version, document.version, "nothing stale");
    const shown = results.units.map((u) => ({
      startLine: document.positionAt(u.start).line + 1,
      endLine: document.positionAt(u.end).line + 1,
      label: u.label,
      score: u.score,
    }));
    const fresh = freshAnalysis(document.getText(), ".md").map(({ startLine, endLine, label, score }) => ({ startLine, endLine, label, score }));
    assert.equal(shown.length, fresh.length, "nothing missing");
    shown.forEach((unit, i) => {
      assert.deepEqual({ ...unit, score: 0 }, { ...fresh[i], score: 0 });
      assert.ok(Math.abs(unit.score - fresh[i].score) < 1e-6, `unit ${i}: ${unit.score} vs ${fresh[i].score}`);
    });
  });

  it("a document over the live size limit is not highlighted live and says so; Analyze Sentiment still scores it", async () => {
    const sentiment = await api();
    const paragraph = "The package arrived late and the box was crushed, but the support team replaced it quickly.";
    const text = Array.from({ length: 2_000 }, (_, i) => `${i}. ${paragraph}`).join("\n\n");
    const config = vscode.workspace.getConfiguration("inlineSentiment");
    await config.update("live.maxDocumentSize", 100_000, vscode.ConfigurationTarget.Global);
    try {
      const editor = await openUntitled(text);
      await sentiment.whenIdle();
      assert.equal(sentiment.results(editor.document.uri), undefined, "not analysed live");
      assert.match(sentiment.liveNote(editor.document.uri) ?? "", /Live highlighting is off for this document: \d{3},\d{3} characters, over the inlineSentiment\.live\.maxDocumentSize of 100,000/);
      await vscode.commands.executeCommand("inlineSentiment.analyze");
      await sentiment.whenIdle();
      assert.equal(sentiment.results(editor.document.uri)?.units.length, 2_000);
    } finally {
      await config.update("live.maxDocumentSize", undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it("a markdown document over 1,000,000 characters is not highlighted live and says so (issue 24)", async () => {
    const sentiment = await api();
    // Under the default live.maxDocumentSize (2,000,000): the markdown limit is what turns live highlighting off.
    const text = Array.from({ length: 12_000 }, (_, i) => `${i}. The *delivery* was late and the **box** was crushed, [again](https://x.test/${i}).`).join("\n\n");
    assert.ok(text.length > 1_000_000 && text.length < 2_000_000);
    const editor = await openUntitled(text, "markdown");
    await sentiment.whenIdle();
    assert.equal(sentiment.results(editor.document.uri), undefined, "not analysed live");
    assert.match(sentiment.liveNote(editor.document.uri) ?? "", /Live highlighting is off for this document: 1,\d{3},\d{3} characters of markdown, over the 1,000,000 that are parsed live/);
    await closeActive(editor.document);
  });

  it("Analyze Folder skips a prose file over 2,000,000 bytes, names it, and scores the rest (issue 24)", async () => {
    const sentiment = await api();
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-limit-"));
    writeFileSync(join(dir, "small.md"), "The staff were lovely.\n");
    writeFileSync(join(dir, "huge.md"), "*a*\n".repeat(600_000));
    const model = await vscode.commands.executeCommand<{ files: { name: string; units: unknown[] }[] }>("inlineSentiment.analyzeFolder", vscode.Uri.file(dir));
    await sentiment.whenIdle();
    assert.deepEqual(model.files.map((file) => [file.name.split("/").pop(), file.units.length]), [["small.md", 1]]);
  });

  it("inlineSentiment.engine.threads set to 20000 is refused: the engine keeps its own choice and scores (issue 24)", async () => {
    const sentiment = await api();
    const config = vscode.workspace.getConfiguration("inlineSentiment");
    // Before: the value went to onnxruntime's intraOpNumThreads as it was (1.7 GB, no result after 300 s).
    await config.update("engine.threads", 20_000, vscode.ConfigurationTarget.Global);
    try {
      const editor = await openUntitled("The refund took a month and nobody answered my emails.\n\nThe new app is quick and lovely.");
      await sentiment.whenIdle();
      const results = sentiment.results(editor.document.uri);
      assert.equal(results?.units.length, 2);
      assert.doesNotMatch(`${results?.model.sessions} ${results?.model.batching}`, /20000|20,000/);
      await closeActive(editor.document);
    } finally {
      await config.update("engine.threads", undefined, vscode.ConfigurationTarget.Global);
      await sentiment.whenIdle();
    }
  });

  it("a document with NUL bytes is refused with a reason; empty and blank documents have no units", async () => {
    const sentiment = await api();
    const binary = await openUntitled("PNG\u0000\u0001\u0002 header bytes");
    await sentiment.whenIdle();
    assert.equal(sentiment.results(binary.document.uri), undefined);
    assert.match(sentiment.liveNote(binary.document.uri) ?? "", /NUL bytes, so it looks binary/);
    for (const content of ["", "   \n\t\n \r\n"]) {
      const editor = await openUntitled(content);
      await sentiment.whenIdle();
      assert.deepEqual(sentiment.results(editor.document.uri)?.units, []);
    }
  });

  it("one line of 1 MB (about 200,000 tokens) is scored in windows, never truncated", async function () {
    this.timeout(300_000);
    const sentiment = await api();
    const editor = await openUntitled("terrible slow service ".repeat(48_000));
    await sentiment.whenIdle();
    const [unit] = sentiment.results(editor.document.uri)!.units;
    assert.ok(unit.tokens > 140_000, `${unit.tokens} tokens`);
    assert.equal(unit.windows, Math.ceil((unit.tokens - 510) / 382) + 1);
    assert.equal(unit.end - unit.start, editor.document.getText().trimEnd().length);
  });

  it("right-to-left text, combining marks, emoji and tabs: every unit lands on exactly its paragraph", async () => {
    const sentiment = await api();
    const paragraphs = ["\tمرحبا، الخدمة ممتازة", "Cafe\u0301 crème brûlée was lovely 😋🍮", "שירות גרוע מאוד", "表現がとても良い\tです"];
    // Every paragraph scored, whatever its language (the model reads English): this test is about where units land.
    await withSetting("feedback.scoreAll", true, async () => {
      const editor = await openUntitled(paragraphs.join("\r\n\r\n"));
      await sentiment.whenIdle();
      const document = editor.document;
      const units = sentiment.results(document.uri)!.units;
      assert.deepEqual(units.map((u) => document.getText(new vscode.Range(document.positionAt(u.start), document.positionAt(u.end)))), paragraphs.map((p) => p.trim()));
    });
  });

  it("the same document in two editors is analysed once and shown in both; closing it frees its results", async () => {
    const sentiment = await api();
    const editor = await openUntitled("Great people.\n\nAwful food.");
    const document = editor.document;
    await sentiment.whenIdle();
    const before = sentiment.textsScored;
    await vscode.window.showTextDocument(document, vscode.ViewColumn.Two);
    await sentiment.whenIdle();
    assert.equal(vscode.window.visibleTextEditors.filter((e) => e.document === document).length, 2);
    assert.equal(sentiment.textsScored, before, "no second analysis for the second editor");
    assert.equal(sentiment.results(document.uri)?.version, document.version);
    await closeActive(document, 2);
    assert.equal(sentiment.results(document.uri), undefined);
  });

  it("after a 10,000-paragraph document is closed, the extension host's heap returns to within 10 %", async function () {
    this.timeout(600_000);
    const sentiment = await api();
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    // VS Code itself keeps about 12 MB after the first large untitled document is opened and closed, analysed or not
    // (measured here: 77 -> 90 MB with live highlighting off). Open and close one first, so the baseline holds that
    // and the comparison measures what the extension keeps.
    const config = vscode.workspace.getConfiguration("inlineSentiment");
    await config.update("live.enabled", false, vscode.ConfigurationTarget.Global);
    const warmUp = Array.from({ length: 10_000 }, (_, i) => `Warm-up ${i}: nothing to see (ref ${i * 7919}).`).join("\n\n");
    await closeActive((await openUntitled(warmUp, "markdown")).document);
    await config.update("live.enabled", undefined, vscode.ConfigurationTarget.Global);
    const baseline = heap();
    const text = Array.from({ length: 10_000 }, (_, i) => `Ticket ${i}: the ${i % 3 ? "refund was slow" : "agent was helpful"} (ref ${i * 7919}).`).join("\n\n");
    const editor = await openUntitled(text, "markdown");
    await sentiment.whenIdle();
    assert.equal(sentiment.results(editor.document.uri)?.units.length, 10_000);
    const loaded = heap();
    await closeActive(editor.document);
    await sentiment.whenIdle();
    const after = heap();
    assert.equal(sentiment.results(editor.document.uri), undefined);
    assert.ok(
      after <= baseline * 1.1,
      `heap: ${(baseline / 1e6).toFixed(1)} MB before, ${(loaded / 1e6).toFixed(1)} MB loaded, ${(after / 1e6).toFixed(1)} MB after closing`,
    );
  });

  // Last in the suite: it switches the extension to the downloaded model (this run's global storage is fresh).
  it("Download the Full Model: offline says what to do and keeps the mini model; from a server it verifies, installs and switches without a reload", async function () {
    this.timeout(300_000);
    const sentiment = await api();
    // Test hooks exist only in ExtensionMode.Test (the extension under development); an installed VSIX runs in
    // Production mode and has none, so its download always goes to the manifest's own host.
    if (!sentiment.testing) this.skip();
    const { testing } = sentiment;
    const editor = await openUntitled("The staff were wonderful.", "markdown");
    await sentiment.whenIdle();
    assert.equal(sentiment.results(editor.document.uri)!.model.kind, "mini");

    const offline = await testing.downloadModel({ baseUrl: "http://127.0.0.1:9" });
    assert.equal(offline.dir, undefined);
    // Port 9 is on fetch's "bad port" list: refused before any connection, so a network failure naming file and URL.
    assert.match(offline.error ?? "", /onnx\/model_quantized\.onnx: fetch failed .* from http:\/\/127\.0\.0\.1:9\//);
    assert.equal(sentiment.results(editor.document.uri)!.model.kind, "mini", "the mini model stays in use");

    // A local stand-in for the Hub serving the mini model's files under a manifest of their sizes and hashes.
    const root = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    const files = ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx"].map((path) => {
      const bytes = readFileSync(join(root, "model", "sentiment-mini", path));
      return { path, bytes, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), required: true };
    });
    const revision = "0123456789abcdef0123456789abcdef01234567";
    const server = createServer((request, response) => {
      const file = files.find((f) => request.url === `/test/mini/resolve/${revision}/${f.path}`);
      if (!file) return void response.writeHead(404).end();
      response.writeHead(200, { "content-length": file.size }).end(file.bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const manifest = {
        source: { repo: "test/mini", revision },
        files: files.map(({ path, size, sha256, required }) => ({ path, size, sha256, required })),
        urls: { resolve: "https://huggingface.co/{repo}/resolve/{revision}/{path}", api: "https://huggingface.co/api/models/{repo}/revision/{revision}?blobs=true" },
      };
      const port = (server.address() as AddressInfo).port;
      const { dir: installed } = await testing.downloadModel({ baseUrl: `http://127.0.0.1:${port}`, manifest });
      assert.ok(installed && existsSync(join(installed, "onnx", "model_quantized.onnx")), `installed in ${installed}`);
      assert.ok(!existsSync(join(installed, ".partial")), "no half files left");
      await sentiment.whenIdle();
      const results = sentiment.results(editor.document.uri)!;
      assert.equal(results.model.kind, "full", "switched without a reload");
      assert.equal(results.units[0].label, "POSITIVE");
    } finally {
      server.close();
    }
  });
});
