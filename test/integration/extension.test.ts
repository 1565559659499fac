import { strict as assert } from "node:assert";
import * as vscode from "vscode";
import type { InlineSentimentApi } from "../../src/extension";

const EXTENSION_ID = "inline-sentiment.inline-sentiment";

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the suite runs with test/fixtures/workspace open");
  return vscode.Uri.joinPath(folder.uri, name);
}

async function api(): Promise<InlineSentimentApi> {
  const extension = vscode.extensions.getExtension<InlineSentimentApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}

async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(name));
  return vscode.window.showTextDocument(document);
}

/** Hover texts at a position, from every provider. */
async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>("vscode.executeHoverProvider", document.uri, position);
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === "string" ? content : content.value))
    .join("\n")
    // appendText escapes markdown and keeps spaces as &nbsp;: read it as the user does.
    .replace(/&nbsp;/g, " ")
    .replace(/\\([\\`*_{}\[\]()#+\-.!])/g, "$1");
}

function lineOf(document: vscode.TextDocument, needle: string): vscode.Position {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} is in ${document.uri.path}`);
  return document.positionAt(offset + 2);
}

describe("Inline Sentiment in a real VS Code", () => {
  it("registers every contributed command", async () => {
    await api();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command } of manifest.contributes.commands) assert.ok(registered.has(command), command);
  });

  it("Analyze Sentiment scores every unit of a markdown document and hovers show label and confidence", async () => {
    const sentiment = await api();
    const editor = await open("feedback.md");
    const document = editor.document;
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();

    const results = sentiment.results(document.uri);
    assert.ok(results, "results are stored");
    assert.equal(results.version, document.version);
    const lines = results.units.map((unit) => document.positionAt(unit.start).line + 1);
    assert.deepEqual(lines, [7, 9, 13, 14, 15, 17, 28, 30]);

    const negative = await hoverText(document, lineOf(document, "Support never answered"));
    assert.match(negative, /\*\*Negative\*\* · \d+\.\d % confidence/);
    assert.match(negative, /NEGATIVE \d+\.\d %/);
    assert.match(negative, /POSITIVE \d+\.\d %/);
    assert.match(negative, /Model: sentiment-mini/);

    const positive = await hoverText(document, lineOf(document, "Thank you for the quick refund"));
    assert.match(positive, /\*\*Positive\*\* · \d+\.\d % confidence/);

    const code = await hoverText(document, lineOf(document, "const awful"));
    assert.doesNotMatch(code, /confidence/, "code blocks are not scored");
  });

  it("maps paragraphs of a CRLF plaintext document to their lines", async () => {
    const sentiment = await api();
    const editor = await open("notes.txt");
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();
    const results = sentiment.results(editor.document.uri)!;
    const spans = results.units.map((u) => [editor.document.positionAt(u.start).line, editor.document.positionAt(u.end).line]);
    assert.deepEqual(spans, [[0, 1], [3, 3]]);
    assert.deepEqual(results.units.map((u) => u.polarity), ["positive", "negative"]);
  });

  it("drops results of an edited version: the hover disappears until the document is analysed again", async () => {
    const sentiment = await api();
    const editor = await open("feedback.md");
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();
    const position = lineOf(editor.document, "Support never answered");
    assert.match(await hoverText(editor.document, position), /confidence/);

    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, new vscode.Position(0, 0), "\n");
    assert.ok(await vscode.workspace.applyEdit(edit));
    const moved = position.translate(1);
    assert.doesNotMatch(await hoverText(editor.document, moved), /confidence/, "stale results are not shown");

    const sentBefore = sentiment.textsScored;
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();
    assert.equal(sentiment.textsScored - sentBefore, 8);
    assert.match(await hoverText(editor.document, moved), /\*\*Negative\*\*/);
    await vscode.commands.executeCommand("workbench.action.files.revert");
  });

  it("applies a new neutral threshold at once, without asking the model again", async () => {
    const sentiment = await api();
    const editor = await open("feedback.md");
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();
    const sentBefore = sentiment.textsScored;
    const relabelled = new Promise<void>((resolve) => {
      const listener = sentiment.onDidAnalyze(({ uri }) => {
        if (uri.toString() !== editor.document.uri.toString()) return;
        listener.dispose();
        resolve();
      });
    });
    const config = vscode.workspace.getConfiguration("inlineSentiment");
    await config.update("neutralThreshold", 1, vscode.ConfigurationTarget.Global);
    try {
      await relabelled;
      const units = sentiment.results(editor.document.uri)!.units;
      assert.ok(units.every((unit) => unit.polarity === "neutral"));
      assert.equal(sentiment.textsScored, sentBefore);
    } finally {
      await config.update("neutralThreshold", undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it("declines documents that are not markdown or plaintext", async () => {
    const sentiment = await api();
    const document = await vscode.workspace.openTextDocument({ language: "json", content: '{"great": "terrible"}' });
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();
    assert.equal(sentiment.results(document.uri), undefined);
  });
});
