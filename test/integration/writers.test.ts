/** The writer's controls in a real VS Code: live highlighting off and on, exclude globs, what is painted, moving between findings. */
import { strict as assert } from "node:assert";
import * as vscode from "vscode";
import type { InlineSentimentApi } from "../../src/extension";
import { api, hoverText, withSetting, closeAllEditors } from "./helpers";

type Results = NonNullable<ReturnType<InlineSentimentApi["results"]>>;

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the suite runs with test/fixtures/workspace open");
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Resolves at the first complete analysis of `uri` after this call. */
function analysed(sentiment: InlineSentimentApi, uri: vscode.Uri): Promise<Results> {
  return new Promise((resolve) => {
    const listener = sentiment.onDidAnalyze((event) => {
      const results = sentiment.results(uri);
      if (event.uri.toString() !== uri.toString() || event.partial || !results) return;
      listener.dispose();
      resolve(results);
    });
  });
}

/**
 * Opens a workspace file and waits for its live analysis, or for none when its results are already there (VS Code may
 * keep a document open after its editor closed: showing it again paints the stored results).
 */
async function openLive(sentiment: InlineSentimentApi, name: string): Promise<vscode.TextEditor> {
  const uri = workspaceFile(name);
  const done = analysed(sentiment, uri);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const stored = sentiment.results(uri);
  if (!stored || stored.version !== editor.document.version || stored.partial) await done;
  await sentiment.whenIdle();
  return editor;
}

function styles(sentiment: InlineSentimentApi, uri: vscode.Uri): string[] {
  return Object.keys(sentiment.testing!.painted(uri)).sort();
}

describe("Writers: quiet by default, quick control", () => {
  afterEach(closeAllEditors);

  it("paints only negative paragraphs by default; show: all paints every label, notPositive leaves positive ones plain", async function () {
    const sentiment = await api();
    // What is painted is read through the test hooks, which an installed extension (the VSIX stage) lacks.
    if (!sentiment.testing) this.skip();
    const editor = await openLive(sentiment, "feedback.md");
    const uri = editor.document.uri;
    const polarities = new Set(sentiment.results(uri)!.units.map((unit) => unit.polarity));
    assert.ok(polarities.has("negative") && polarities.has("positive"), `feedback.md has both labels: ${[...polarities]}`);
    const quiet = styles(sentiment, uri);
    assert.ok(quiet.length > 0 && quiet.every((style) => style.startsWith("negative")), `default paints negative only: ${quiet}`);
    await withSetting("show", "all", async () => {
      assert.ok(styles(sentiment, uri).some((style) => style.startsWith("positive")), `show all: ${styles(sentiment, uri)}`);
    });
    await withSetting("show", "notPositive", async () => {
      const painted = styles(sentiment, uri);
      assert.ok(painted.length > 0 && !painted.some((style) => style.startsWith("positive")), `notPositive: ${painted}`);
    });
  });

  it("Toggle Live Highlighting clears the workspace's decorations and results, and brings them back", async function () {
    const sentiment = await api();
    // What is painted is read through the test hooks, which an installed extension (the VSIX stage) lacks.
    if (!sentiment.testing) this.skip();
    const editor = await openLive(sentiment, "feedback.md");
    const uri = editor.document.uri;
    await vscode.commands.executeCommand("inlineSentiment.toggleLive");
    try {
      await sentiment.whenIdle();
      assert.equal(sentiment.results(uri), undefined, "no results while live highlighting is off");
      assert.deepEqual(styles(sentiment, uri), [], "nothing painted");
      assert.match(sentiment.liveNote(uri) ?? "", /off for this workspace/);
    } finally {
      const back = analysed(sentiment, uri);
      await vscode.commands.executeCommand("inlineSentiment.toggleLive");
      await back;
    }
    assert.ok(styles(sentiment, uri).length > 0, "painted again");
  });

  it("Turn Off for This File leaves other files live, and Turn On brings it back", async () => {
    const sentiment = await api();
    const editor = await openLive(sentiment, "feedback.md");
    const uri = editor.document.uri;
    await vscode.commands.executeCommand("inlineSentiment.fileOff");
    try {
      await sentiment.whenIdle();
      assert.equal(sentiment.results(uri), undefined);
      assert.match(sentiment.liveNote(uri) ?? "", /off for this file/);
      // Another file stays live.
      const other = await openLive(sentiment, "notes.txt");
      assert.ok(sentiment.results(other.document.uri), "notes.txt is still highlighted");
      await vscode.window.showTextDocument(editor.document);
    } finally {
      const back = analysed(sentiment, uri);
      await vscode.commands.executeCommand("inlineSentiment.fileOn", uri);
      await back;
    }
  });

  it("a file matching inlineSentiment.exclude is never scored live", async () => {
    const sentiment = await api();
    await withSetting("exclude", ["**/notes.txt"], async () => {
      const uri = workspaceFile("notes.txt");
      const before = sentiment.textsScored;
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      await sentiment.whenIdle();
      assert.equal(sentiment.results(uri), undefined, "no results for an excluded file");
      assert.equal(sentiment.textsScored, before, "no text of it was sent to the model");
      assert.match(sentiment.liveNote(uri) ?? "", /inlineSentiment\.exclude/);
    });
  });

  it("Next / Previous Negative Paragraph select each negative unit in turn and wrap around", async () => {
    const sentiment = await api();
    const editor = await openLive(sentiment, "feedback.md");
    const document = editor.document;
    const negatives = sentiment
      .results(document.uri)!
      .units.filter((unit) => unit.polarity === "negative")
      .map((unit) => document.offsetAt(document.positionAt(unit.start)));
    assert.ok(negatives.length >= 2, `feedback.md has negative paragraphs: ${negatives.length}`);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const visited: number[] = [];
    for (let i = 0; i <= negatives.length; i++) {
      await vscode.commands.executeCommand("inlineSentiment.nextNegative");
      visited.push(document.offsetAt(editor.selection.start));
    }
    assert.deepEqual(visited, [...negatives, negatives[0]], "in document order, then back to the first");
    assert.ok(!editor.selection.isEmpty, "the whole unit is selected");
    await vscode.commands.executeCommand("inlineSentiment.previousNegative");
    assert.equal(document.offsetAt(editor.selection.start), negatives[negatives.length - 1], "previous from the first wraps to the last");
  });

  it("the hover lists a paragraph's sentences, most negative first, each selecting itself", async () => {
    const sentiment = await api();
    const content = "# Review\n\nThe staff were lovely and kind to us. The billing page lost my payment twice and nobody ever answered.\n";
    const document = await vscode.workspace.openTextDocument({ language: "markdown", content });
    const done = analysed(sentiment, document.uri);
    const editor = await vscode.window.showTextDocument(document);
    await done;
    await sentiment.whenIdle();
    const at = document.positionAt(content.indexOf("The staff") + 3);
    const before = sentiment.textsScored;
    const text = await hoverText(document, at);
    assert.match(text, /Sentences, most negative first \(2\)/, text);
    assert.ok(text.includes("The staff were lovely and kind to us.") && text.includes("The billing page lost my payment twice"), text);
    assert.ok(sentiment.textsScored - before <= 2, `the hover scored its two sentences at most (${sentiment.textsScored - before})`);
    const again = sentiment.textsScored;
    await hoverText(document, at);
    assert.equal(sentiment.textsScored, again, "a second hover reads the sentences from the cache");

    // A sentence's link selects it.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>("vscode.executeHoverProvider", document.uri, at);
    const raw = hovers.flatMap((hover) => hover.contents).map((c) => (typeof c === "string" ? c : c.value)).join("\n");
    const links = [...raw.matchAll(/command:inlineSentiment\.selectRange\?([^ )"]+)/g)].map((m) => JSON.parse(decodeURIComponent(m[1])) as [string, number, number]);
    assert.equal(links.length, 2, raw);
    const billing = links.find(([, start]) => content.slice(start).startsWith("The billing"));
    assert.ok(billing, "a link for the billing sentence");
    await vscode.commands.executeCommand("inlineSentiment.selectRange", ...billing);
    assert.equal(editor.document.getText(editor.selection), "The billing page lost my payment twice and nobody ever answered.");

    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
  });

  it("underlines the worst sentence of each negative paragraph in view; typing elsewhere scores one text per edit", async function () {
    const sentiment = await api();
    // What is painted is read through the test hooks, which an installed extension (the VSIX stage) lacks.
    if (!sentiment.testing) this.skip();
    const editor = await openLive(sentiment, "feedback.md");
    const { document } = editor;
    const results = sentiment.results(document.uri)!;
    const marked = sentiment.testing!.underlined(document.uri);
    assert.ok(marked.length > 0, "a negative paragraph of several sentences has its worst sentence underlined");
    for (const range of marked) {
      const [from, to] = [document.offsetAt(range.start), document.offsetAt(range.end)];
      const unit = results.units.find((u) => u.start <= from && to <= u.end);
      assert.ok(unit && unit.polarity === "negative", `"${document.getText(range)}" lies in a negative paragraph`);
      assert.ok(to - from < unit.end - unit.start, "a sentence, not the whole paragraph");
    }

    // Typing in a paragraph that is not negative scores that paragraph only: no sentence is scored unless asked for.
    const typed = sentiment.textsScored;
    const edited = analysed(sentiment, document.uri);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.positionAt(document.getText().indexOf(" and the charts")), " really");
    assert.ok(await vscode.workspace.applyEdit(edit));
    await edited;
    await sentiment.whenIdle();
    assert.equal(sentiment.textsScored - typed, 1, "one text per edit");
    await vscode.commands.executeCommand("workbench.action.files.revert");
  });
});
