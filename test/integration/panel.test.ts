import { strict as assert } from "node:assert";
import * as vscode from "vscode";
import type { InlineSentimentApi } from "../../src/extension";
import type { SummaryModel } from "../../src/core/summary/summaryModel";
import type { HostMessage } from "../../src/panel/protocol";
import { exportOptionsOf } from "../../src/panel/summaryView";
import { overviewOf } from "../../src/panel/overview";
import type { SummaryPanel } from "../../src/panel/summaryPanel";

const EXTENSION_ID = "inline-sentiment.inline-sentiment";
const UNIT_LINES = [7, 9, 13, 14, 15, 17, 28, 30];

/**
 * The suite is bundled apart from the extension, so its own copy of SummaryPanel never sees the extension's panel: the
 * open panel is reached through the extension's API (`summaryPanel`, a getter over `SummaryPanel.current`).
 * The intersection keeps this file compiling while that field lands in InlineSentimentApi.
 */
type Api = InlineSentimentApi & { readonly summaryPanel: SummaryPanel | undefined };

async function api(): Promise<Api> {
  const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}

function openPanel(sentiment: Api): SummaryPanel {
  const panel = sentiment.summaryPanel;
  assert.ok(panel, "the API exposes the open summary panel");
  return panel;
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the suite runs with test/fixtures/workspace open");
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Rejects with `what` when `promise` has not settled by the deadline, so a hang reads as a clear failure. */
function within<T>(promise: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves with the first model posted to the page (the last one already posted included) that satisfies `accept`. */
function posted(panel: SummaryPanel, accept: (model: SummaryModel) => boolean, what: string): Promise<SummaryModel> {
  const matches = (message: HostMessage | undefined): message is HostMessage & { model: SummaryModel } =>
    message?.type === "update" && message.model !== undefined && accept(message.model);
  if (matches(panel.lastPosted)) return Promise.resolve(panel.lastPosted.model);
  return within(
    new Promise<SummaryModel>((resolve) => {
      const listener = panel.onDidPost((message) => {
        if (!matches(message)) return;
        listener.dispose();
        resolve(message.model);
      });
    }),
    `${what} (last posted: ${account(panel.lastPosted)})`,
  );
}

/** A short account of a posted message for failure messages. */
function account(message: HostMessage | undefined): string {
  if (!message) return "nothing";
  if (!message.model) return "no model";
  return `${message.model.kind} ${message.model.title}, lines ${linesOf(message.model).join(",")}${message.model.partial ? " (partial)" : ""}`;
}

function linesOf(model: SummaryModel): number[] {
  return model.files.flatMap((file) => file.units.map((unit) => unit.startLine));
}

describe("Overview panel in a real VS Code", () => {
  let sentiment: Api;
  let document: vscode.TextDocument;
  let panel: SummaryPanel;
  let model: SummaryModel;

  before(async () => {
    sentiment = await api();
    document = await vscode.workspace.openTextDocument(workspaceFile("feedback.md"));
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    // Analyze Sentiment scores only the selection when there is one; an earlier suite may have left one behind.
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();
  });

  after(async () => {
    sentiment.summaryPanel?.dispose();
    await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    await vscode.commands.executeCommand("workbench.action.files.revert");
  });

  it("opens beside the editor, loads its page under the CSP and posts the document's 8 units", async () => {
    await vscode.commands.executeCommand("inlineSentiment.showPanel");
    panel = openPanel(sentiment);
    assert.equal(panel.panel.viewType, "inlineSentiment.summary");
    // "ready" comes from the page's own script: it proves the script and the CSP nonce load in a real webview.
    await within(panel.ready, "the page reports ready");
    model = await posted(panel, (m) => linesOf(m).length === 8, "an update with 8 units");
    assert.equal(model.kind, "document");
    assert.equal(model.files.length, 1);
    assert.equal(model.files[0].uri, document.uri.toString());
    assert.deepEqual(linesOf(model), UNIT_LINES);

    await vscode.commands.executeCommand("inlineSentiment.showPanel");
    assert.equal(sentiment.summaryPanel, panel, "showing again reveals the same panel");
  });

  it("lists units most negative first", () => {
    const sorted = overviewOf(model).sorted;
    const negative = sorted.map((entry) => entry.unit.probabilities.NEGATIVE);
    for (let i = 1; i < negative.length; i++) assert.ok(negative[i - 1] >= negative[i], `P(NEGATIVE) falls: ${negative}`);
    const order = sorted.map((entry) => entry.unit.startLine);
    assert.ok(order.indexOf(9) < order.indexOf(30), `the line-9 complaint comes before the line-30 thanks: ${order}`);
    assert.equal(sorted[0].unit.polarity, "negative");
    assert.equal(sorted[sorted.length - 1].unit.polarity, "positive");
    assert.equal(model.files[0].units.find((u) => u.startLine === 9)?.polarity, "negative");
    assert.equal(model.files[0].units.find((u) => u.startLine === 30)?.polarity, "positive");
  });

  it("reveals a unit's line in the editor when the page asks", async () => {
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(29, 0, 29, 0);
    await panel.receive({ type: "reveal", uri: document.uri.toString(), line: 9 });
    const active = vscode.window.activeTextEditor;
    assert.ok(active, "an editor is active after reveal");
    assert.equal(active.document.uri.toString(), document.uri.toString());
    assert.equal(active.selection.active.line, 8);
    assert.ok(
      active.visibleRanges.some((range) => range.start.line <= 8 && 8 <= range.end.line),
      `line 9 is visible: ${JSON.stringify(active.visibleRanges)}`,
    );
  });

  it("ignores and counts malformed messages and reveals outside the current model", async () => {
    const before = panel.rejectedMessages;
    const editorBefore = vscode.window.activeTextEditor?.document.uri.toString();
    const bad: unknown[] = [
      { type: "reveal", uri: "file:///etc/passwd", line: 1 },
      { type: "nope" },
      "string",
      { type: "reveal", uri: document.uri.toString(), line: 0 },
      { type: "reveal", uri: document.uri.toString(), line: "9" },
      // Line 11 is a heading: not part of any unit the page was given.
      { type: "reveal", uri: document.uri.toString(), line: 11 },
    ];
    for (const message of bad) await panel.receive(message);
    assert.equal(panel.rejectedMessages - before, bad.length);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.path === "/etc/passwd"), "/etc/passwd was never opened");
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), editorBefore);
  });

  it("hears the page's view (group-by, themes) and its measured figures, and the export follows the view", async () => {
    // The page reports its view and the time it took to draw the model after every update it draws.
    const heard = () => panel.view !== undefined && panel.metrics.some((m) => m.what === "load");
    await within(
      new Promise<void>((resolve) => {
        const listeners: vscode.Disposable[] = [];
        const check = () => {
          if (!heard()) return;
          for (const listener of listeners) listener.dispose();
          resolve();
        };
        listeners.push(panel.onDidChangeView(check), panel.onDidMeasure(check));
        check();
      }),
      "the page's view and load figure",
    );
    assert.deepEqual(panel.view, { groupBy: null, themes: true }, "a markdown document has no columns: no grouping");
    const load = panel.metrics.find((m) => m.what === "load")!;
    assert.equal(load.units, 8);
    assert.ok(Number.isFinite(load.ms) && load.ms >= 0);

    const before = panel.rejectedMessages;
    await panel.receive({ type: "view", groupBy: { kind: "column", column: "airline" }, themes: false });
    assert.equal(panel.rejectedMessages, before);
    assert.deepEqual(panel.view, { groupBy: { kind: "column", column: "airline" }, themes: false });
    // The export checks the view against the model: feedback.md has no "airline" column, so the report is not grouped.
    assert.deepEqual(exportOptionsOf(model, panel.view), { themes: false });
    await panel.receive({ type: "view", groupBy: "airline", themes: true });
    await panel.receive({ type: "metrics", what: "search", ms: -5, units: 8 });
    assert.equal(panel.rejectedMessages - before, 2);
    assert.deepEqual(panel.view, { groupBy: { kind: "column", column: "airline" }, themes: false }, "a malformed view changes nothing");

    const target = workspaceFile("panel-export.json");
    await vscode.commands.executeCommand("inlineSentiment.exportReport", target);
    const written = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(target)).toString("utf8"));
    assert.equal(written.units.length, 8);
    await vscode.workspace.fs.delete(target);
  });

  it("posts the new model when the document is analysed again", async () => {
    const complaint = model.files[0].units.find((unit) => unit.startLine === 9)!;
    const praise = "Support answered my ticket within an hour and fixed everything. Wonderful, friendly, excellent service.";
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, document.lineAt(8).range, praise);
    assert.ok(await vscode.workspace.applyEdit(edit));

    // Live scoring may post partial models first (visible units only): wait for the complete one with the new text.
    const changed = posted(
      panel,
      (m) => linesOf(m).length === 8 && m.files[0].units.find((u) => u.startLine === 9)?.text === praise,
      "an update with the edited paragraph",
    );
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();
    const updated = await changed;

    assert.deepEqual(linesOf(updated), UNIT_LINES);
    const unit = updated.files[0].units.find((u) => u.startLine === 9)!;
    assert.ok(
      unit.probabilities.NEGATIVE < complaint.probabilities.NEGATIVE,
      `P(NEGATIVE) drops: ${complaint.probabilities.NEGATIVE} -> ${unit.probabilities.NEGATIVE}`,
    );
    assert.equal(unit.polarity, "positive");
    assert.deepEqual(panel.lastPosted?.model, updated);
  });

  it("forgets the panel when it is closed", () => {
    panel.dispose();
    assert.equal(sentiment.summaryPanel, undefined);
    panel.dispose(); // idempotent
  });
});
