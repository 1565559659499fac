import { strict as assert } from "node:assert";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vscode from "vscode";
import type { InlineSentimentApi } from "../../src/extension";
import { EXTENSION_ID, api, hoverText, withSetting, closeAllEditors } from "./helpers";

const FEEDBACK_LINES = [7, 9, 13, 14, 15, 17, 28, 30];

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the suite runs with test/fixtures/workspace open");
  return vscode.Uri.joinPath(folder.uri, name);
}

async function open(target: string | vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(typeof target === "string" ? workspaceFile(target) : target);
  return vscode.window.showTextDocument(document);
}

async function analyze(sentiment: InlineSentimentApi): Promise<void> {
  await vscode.commands.executeCommand("inlineSentiment.analyze");
  await sentiment.whenIdle();
}

function positionOf(document: vscode.TextDocument, needle: string): vscode.Position {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} is in ${document.uri.path}`);
  return document.positionAt(offset + 2);
}

async function replaceText(document: vscode.TextDocument, needle: string, replacement: string): Promise<void> {
  const start = document.getText().indexOf(needle);
  assert.ok(start >= 0, needle);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(start + needle.length)), replacement);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

type Results = NonNullable<ReturnType<InlineSentimentApi["results"]>>;

/** Resolves at the first analysis of `uri` after this call whose stored results satisfy `check`. */
function nextAnalysis(sentiment: InlineSentimentApi, uri: vscode.Uri, check: (results: Results) => boolean): Promise<Results> {
  return new Promise((resolve) => {
    const listener = sentiment.onDidAnalyze((event) => {
      const results = sentiment.results(uri);
      if (event.uri.toString() !== uri.toString() || event.partial || !results || !check(results)) return;
      listener.dispose();
      resolve(results);
    });
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "inline-sentiment-it-"));
}

describe("Inline Sentiment in a real VS Code", () => {
  afterEach(closeAllEditors);

  it("registers every contributed command", async () => {
    await api();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command } of manifest.contributes.commands) assert.ok(registered.has(command), command);
  });

  it("Analyze Sentiment scores every unit of a markdown document and hovers show label and confidence", async () => {
    const sentiment = await api();
    const { document } = await open("feedback.md");
    await analyze(sentiment);

    const results = sentiment.results(document.uri);
    assert.ok(results, "results are stored");
    assert.equal(results.version, document.version);
    assert.deepEqual(results.units.map((unit) => document.positionAt(unit.start).line + 1), FEEDBACK_LINES);

    const negative = await hoverText(document, positionOf(document, "Support never answered"));
    assert.match(negative, /\*\*Negative\*\* · \d+\.\d % confidence/);
    assert.match(negative, /NEGATIVE \d+\.\d %/);
    assert.match(negative, /POSITIVE \d+\.\d %/);
    assert.match(negative, /Model: sentiment-mini/);
    assert.match(negative, /native \(onnxruntime-node\), int8 kernels u8(s8|u8)/, "the runtime and kernels that scored it");
    assert.match(negative, /\d+ tokens/);

    const positive = await hoverText(document, positionOf(document, "Thank you for the quick refund"));
    assert.match(positive, /\*\*Positive\*\* · \d+\.\d % confidence/);
    assert.doesNotMatch(await hoverText(document, positionOf(document, "const awful")), /confidence/, "code is not scored");
  });

  it("highlights live: opening a document scores it without a command", async () => {
    const sentiment = await api();
    const { document } = await open("notes.txt");
    await sentiment.whenIdle();
    const results = sentiment.results(document.uri);
    assert.ok(results, "live mode analysed the document");
    assert.equal(results.version, document.version);
    const spans = results.units.map((u) => [document.positionAt(u.start).line, document.positionAt(u.end).line]);
    assert.deepEqual(spans, [[0, 1], [3, 3]], "CRLF paragraphs map to their lines");
    assert.deepEqual(results.units.map((u) => u.polarity), ["positive", "negative"]);
  });

  it("editing one paragraph of a 300-paragraph document re-scores exactly that paragraph", async () => {
    const sentiment = await api();
    const paragraphs = Array.from({ length: 300 }, (_, i) => `Feedback ${i}: the delivery number ${i} was ${i % 2 ? "late and the box was damaged" : "quick and the staff were friendly"}.`);
    const document = await vscode.workspace.openTextDocument({ language: "markdown", content: paragraphs.join("\n\n") + "\n" });
    const events: boolean[] = [];
    const listener = sentiment.onDidAnalyze(({ uri, partial }) => uri.toString() === document.uri.toString() && events.push(partial));
    try {
      const before = sentiment.textsScored;
      await vscode.window.showTextDocument(document);
      await sentiment.whenIdle();
      assert.equal(sentiment.textsScored - before, 300);
      assert.equal(events[0], true, "the visible paragraphs are painted before the rest");
      assert.equal(events[events.length - 1], false);
      assert.equal(sentiment.results(document.uri)!.units.length, 300);

      const afterOpen = sentiment.textsScored;
      await replaceText(document, "Feedback 150: the delivery number 150 was quick", "Feedback 150: the delivery number 150 was wonderfully quick");
      await sentiment.whenIdle();
      assert.equal(sentiment.textsScored - afterOpen, 1, "only the edited paragraph goes to the model");
      const results = sentiment.results(document.uri)!;
      assert.equal(results.version, document.version);
      assert.equal(results.units.length, 300);
      assert.match(results.units[150].text, /wonderfully quick/);

      // Inserting lines above moves every unit: ranges follow, nothing is re-scored.
      const moved = sentiment.textsScored;
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), "\n\n\n");
      await vscode.workspace.applyEdit(edit);
      await sentiment.whenIdle();
      assert.equal(sentiment.textsScored, moved);
      assert.equal(document.positionAt(sentiment.results(document.uri)!.units[0].start).line, 3);
    } finally {
      listener.dispose();
    }
  });

  it("never keeps results of a superseded version while typing", async () => {
    const sentiment = await api();
    // An untitled document of its own name: "Untitled-1" may come back with an earlier test's text (its backup).
    const untitled = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: "untitled", path: `/typing-${Date.now()}.txt` }));
    const document = await vscode.languages.setTextDocumentLanguage(untitled, "plaintext");
    const start = new vscode.WorkspaceEdit();
    start.insert(document.uri, new vscode.Position(0, 0), "Start.\n");
    assert.ok(await vscode.workspace.applyEdit(start));
    await vscode.window.showTextDocument(document);
    assert.equal(document.getText(), "Start.\n");
    const painted: number[] = [];
    const listener = sentiment.onDidAnalyze(({ uri, version }) => uri.toString() === document.uri.toString() && painted.push(version));
    try {
      for (const word of ["The", " staff", " were", " rude", " and", " the", " room", " was", " filthy."]) {
        const edit = new vscode.WorkspaceEdit();
        edit.insert(document.uri, document.lineAt(0).range.end, word);
        await vscode.workspace.applyEdit(edit);
      }
      await sentiment.whenIdle();
      const results = sentiment.results(document.uri)!;
      assert.equal(results.version, document.version);
      assert.deepEqual(results.units.map((u) => u.text), [document.getText().trim()]);
      assert.ok(painted.every((version) => version <= document.version));
    } finally {
      listener.dispose();
    }
  });

  it("shows no stale hover after an edit while live mode is off, and re-analyses from the cache", async () => {
    const sentiment = await api();
    await withSetting("live.enabled", false, async () => {
      const { document } = await open("feedback.md");
      await analyze(sentiment);
      const position = positionOf(document, "Support never answered");
      assert.match(await hoverText(document, position), /confidence/);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(document.uri, new vscode.Position(0, 0), "\n");
      assert.ok(await vscode.workspace.applyEdit(edit));
      await sentiment.whenIdle();
      const moved = position.translate(1);
      assert.doesNotMatch(await hoverText(document, moved), /confidence/, "stale results are not shown");
      const before = sentiment.textsScored;
      await analyze(sentiment);
      assert.equal(sentiment.textsScored, before, "unchanged paragraphs come from the cache");
      assert.match(await hoverText(document, moved), /\*\*Negative\*\*/);
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand("workbench.action.files.revert");
      assert.equal(document.isDirty, false, "feedback.md is back as it is on disk");
    });
  });

  it("hover: Why? is a command link limited to the explain command; it lists the words that move the score", async () => {
    const sentiment = await api();
    const { document } = await open("feedback.md");
    await analyze(sentiment);
    const position = positionOf(document, "The export to CSV is slow");
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>("vscode.executeHoverProvider", document.uri, position);
    const ours = hovers.flatMap((h) => h.contents).find((c): c is vscode.MarkdownString => typeof c !== "string" && /confidence/.test(c.value));
    assert.ok(ours);
    assert.deepEqual(ours.isTrusted, { enabledCommands: ["inlineSentiment.explain", "inlineSentiment.selectRange", "inlineSentiment.downloadModel"] });
    const link = ours.value.match(/command:inlineSentiment\.explain\?([^ )]+)/);
    assert.ok(link, "the hover offers Why?");
    const [uri, offset] = JSON.parse(decodeURIComponent(link[1]));
    const explanation = await vscode.commands.executeCommand<{ label: string; words: { word: string }[] }>("inlineSentiment.explain", uri, offset);
    assert.equal(explanation.label, "NEGATIVE");
    assert.ok(explanation.words.length >= 3);
    const text = await hoverText(document, position);
    assert.match(text, /Why NEGATIVE: \*\*\S+\*\* [+−]\d+/);
    assert.doesNotMatch(text, /Why\?\]\(command/, "the link is replaced by the answer");
  });

  it("applies a new neutral threshold and indicator at once, without asking the model again", async () => {
    const sentiment = await api();
    const { document } = await open("feedback.md");
    await analyze(sentiment);
    const sentBefore = sentiment.textsScored;
    const relabelled = new Promise<void>((resolve) => {
      const listener = sentiment.onDidAnalyze(({ uri }) => {
        if (uri.toString() !== document.uri.toString()) return;
        listener.dispose();
        resolve();
      });
    });
    await withSetting("neutralThreshold", 1, async () => {
      await relabelled;
      assert.ok(sentiment.results(document.uri)!.units.every((unit) => unit.polarity === "neutral"));
    });
    await withSetting("indicator", "gutter", () => sentiment.whenIdle());
    assert.equal(sentiment.textsScored, sentBefore);
  });

  it("a new model path or engine setting re-analyses open documents with that model at once, without an edit", async () => {
    const sentiment = await api();
    const { document } = await open("feedback.md");
    await analyze(sentiment);
    const before = sentiment.results(document.uri)!;
    assert.equal(before.model.kind, "mini");
    // A copy of the bundled model in another folder: a custom model (the same graph file, so cached scores stay valid).
    const dir = tempDir();
    cpSync(join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, "model", "sentiment-mini"), dir, { recursive: true });
    const config = vscode.workspace.getConfiguration("inlineSentiment");
    const custom = nextAnalysis(sentiment, document.uri, (results) => results.model.dir === dir);
    await config.update("modelPath", dir, vscode.ConfigurationTarget.Global);
    const switched = await custom;
    assert.equal(switched.model.kind, "custom");
    assert.equal(switched.version, before.version, "no edit was made");
    await sentiment.whenIdle();
    assert.match(await hoverText(document, positionOf(document, "Support never")), /Model: custom \(/);

    const bundled = nextAnalysis(sentiment, document.uri, (results) => results.model.kind === "mini");
    await config.update("modelPath", undefined, vscode.ConfigurationTarget.Global);
    const back = await bundled;
    // The thread count reloads the same model with other options: re-analysed too, with the new load's model info.
    const reloaded = nextAnalysis(sentiment, document.uri, (results) => results.model !== back.model);
    await withSetting("engine.threads", 1, async () => {
      assert.equal((await reloaded).model.kind, "mini");
      await sentiment.whenIdle();
    });
    await sentiment.whenIdle();
  });

  it("granularity: line makes each line a unit, sentence each sentence", async () => {
    const sentiment = await api();
    const { document } = await open("notes.txt");
    await sentiment.whenIdle();
    await withSetting("granularity", "line", async () => {
      await sentiment.whenIdle();
      assert.deepEqual(sentiment.results(document.uri)!.units.map((u) => document.positionAt(u.start).line), [0, 1, 3]);
    });
    await withSetting("granularity", "sentence", async () => {
      await sentiment.whenIdle();
      assert.deepEqual(sentiment.results(document.uri)!.units.map((u) => u.text), [
        "A wonderful stay.",
        "The staff were kind\r\nand the breakfast was delicious.",
        "The wifi never worked and the noise kept us awake all night.",
      ]);
    });
  });

  it("Analyze Sentiment on a selection analyses only the selection", async () => {
    const sentiment = await api();
    await withSetting("live.enabled", false, async () => {
      const editor = await open("feedback.md");
      const start = positionOf(editor.document, "Support never").with({ character: 0 });
      editor.selection = new vscode.Selection(start, start.translate(1));
      await analyze(sentiment);
      const units = sentiment.results(editor.document.uri)!.units;
      assert.deepEqual(units.map((u) => editor.document.positionAt(u.start).line + 1), [9]);
    });
  });

  it("exports the report as CSV, JSON and Markdown; document text stays text", async () => {
    const sentiment = await api();
    const dir = tempDir();
    const source = join(dir, "injected.md");
    writeFileSync(source, "The support team was <script>alert(1)</script> awful.\n\nA [lovely](command:workbench.action.quit) **great** day.\n");
    await open(vscode.Uri.file(source));
    await analyze(sentiment);
    const read = async (name: string) => {
      const target = vscode.Uri.file(join(dir, name));
      const written = await vscode.commands.executeCommand<vscode.Uri>("inlineSentiment.exportReport", target);
      assert.equal(written?.fsPath, target.fsPath);
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    };
    const csv = (await read("report.csv")).trimEnd().split("\n");
    assert.equal(csv[0], "file,start_line,end_line,label,score,polarity,reason,reason_detail,text");
    assert.equal(csv.length, 3);
    assert.match(csv[1], /,1,1,(NEGATIVE|POSITIVE),0\.\d+,(negative|neutral|positive),,,The support team was alert\(1\) awful\.$/);
    const json = JSON.parse(await read("report.json"));
    assert.deepEqual(json.units.map((u: { start_line: number }) => u.start_line), [1, 3]);
    assert.equal(json.units[1].text, "A lovely great day.");
    const markdown = await read("report.md");
    assert.match(markdown, /\| file \| start_line \| end_line \| label \| score \| polarity \| reason \| reason_detail \| text \|/);
    assert.doesNotMatch(markdown, /<script>/);
    const failed = await vscode.commands.executeCommand("inlineSentiment.exportReport", vscode.Uri.file(join(dir, "report.txt")));
    assert.equal(failed, undefined, "an unknown extension is refused");
  });

  it("Analyze Folder… scores every markdown and plaintext file under a folder, skipping binary files", async () => {
    const sentiment = await api();
    const dir = tempDir();
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "a.md"), "# Survey\n\n- Love the new editor.\n- The app crashes constantly and support ignores me.\n");
    writeFileSync(join(dir, "sub", "b.txt"), "Terrible, slow checkout.\n\nFriendly and helpful staff.\n");
    writeFileSync(join(dir, "c.txt"), Buffer.from([0x00, 0x01, 0x02]));
    writeFileSync(join(dir, "ignored.json"), '{"text": "awful"}');
    const model = await vscode.commands.executeCommand<{ kind: string; files: { name: string; units: { polarity: string; startLine: number }[] }[] }>(
      "inlineSentiment.analyzeFolder",
      vscode.Uri.file(dir),
    );
    await sentiment.whenIdle();
    assert.equal(model.kind, "folder");
    assert.deepEqual(model.files.map((f) => f.name.split("/").pop()), ["a.md", "b.txt"]);
    assert.deepEqual(model.files[0].units.map((u) => u.startLine), [3, 4]);
    assert.deepEqual(model.files[1].units.map((u) => u.startLine), [1, 3]);
    const target = vscode.Uri.file(join(dir, "folder.json"));
    await vscode.commands.executeCommand("inlineSentiment.exportReport", target);
    const report = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)));
    assert.equal(report.units.length, 4);
  });

  it("Analyze Folder… skips an open document that looks binary, counts in whenIdle until its last file, and Cancel stops it inside a file", async function () {
    const sentiment = await api();
    // Cancel goes through the test hook (ExtensionMode.Test only): the notification's Cancel button cannot be clicked.
    if (!sentiment.testing) this.skip();
    const { testing } = sentiment;
    const dir = tempDir();
    writeFileSync(join(dir, "a.txt"), "Great service.\n");
    writeFileSync(join(dir, "b.md"), Array.from({ length: 4000 }, (_, i) => `Ticket ${i}: the parcel came ${i % 2 ? "late and broken" : "early"}.`).join("\n\n"));
    writeFileSync(join(dir, "c.md"), "Awful.\n");
    // a.txt is open with a NUL typed into it (unsaved): the folder run reads the open text, and must refuse it too.
    const { document } = await open(vscode.Uri.file(join(dir, "a.txt")));
    await replaceText(document, "Great", "Gr\u0000eat");
    const source = new vscode.CancellationTokenSource();
    const before = sentiment.textsScored;
    // b.md's 4,000 paragraphs start: cancel then, inside the file.
    const started = new Promise<void>((resolve) => {
      const listener = sentiment.onDidProgress((progress) => {
        if (!progress || progress.total < 4000) return;
        listener.dispose();
        resolve();
      });
    });
    const run = testing.analyzeFolder(vscode.Uri.file(dir), source.token);
    await started;
    source.cancel();
    await sentiment.whenIdle();
    // One turn of the event loop lets a run that ended settle (its promise resolves in microtasks after the release
    // that woke whenIdle); a run that whenIdle did not wait for is still pending then.
    const state = await Promise.race([run.then(() => "ended"), new Promise((resolve) => setImmediate(() => resolve("still running")))]);
    assert.equal(state, "ended", "whenIdle waited for the folder run to end");
    const model = (await run)!;
    assert.match(model.title, /cancelled/);
    assert.deepEqual(model.files.map((f) => f.name.split("/").pop()), [], "a.txt refused as binary, b.md cancelled, c.md never read");
    const sent = sentiment.textsScored - before;
    assert.ok(sent < 4000, `${sent} texts went to the model: the rest of b.md was cancelled`);
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
  });

  it("diagnostics mode lists negative units as Information diagnostics", async () => {
    const sentiment = await api();
    const { document } = await open("feedback.md");
    await analyze(sentiment);
    assert.equal(vscode.languages.getDiagnostics(document.uri).length, 0, "off by default");
    await withSetting("diagnostics.enabled", true, async () => {
      const diagnostics = vscode.languages.getDiagnostics(document.uri);
      const negatives = sentiment.results(document.uri)!.units.filter((u) => u.polarity === "negative");
      assert.equal(diagnostics.length, negatives.length);
      assert.ok(diagnostics.every((d) => d.severity === vscode.DiagnosticSeverity.Information && d.source === "Inline Sentiment"));
      assert.deepEqual(diagnostics.map((d) => d.range.start.line + 1).sort((a, b) => a - b), negatives.map((u) => document.positionAt(u.start).line + 1));
    });
    assert.equal(vscode.languages.getDiagnostics(document.uri).length, 0);
  });

  it("declines documents that are not markdown or plaintext", async () => {
    const sentiment = await api();
    const document = await vscode.workspace.openTextDocument({ language: "json", content: '{"great": "terrible"}' });
    await vscode.window.showTextDocument(document);
    await analyze(sentiment);
    assert.equal(sentiment.results(document.uri), undefined);
  });
});
