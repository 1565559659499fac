/**
 * "Analyze Feedback File…" in a real VS Code on an Excel workbook, which does not open as text: the column pick, the
 * rows in the summary panel with their spreadsheet row numbers, Export on the result, another sheet, a bad workbook
 * refused. The sheet is passed as the command's argument (a workbook of several sheets otherwise asks with a pick).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vscode from "vscode";
import type { SummaryModel } from "../../src/core/summary/summaryModel";
import type { HostMessage } from "../../src/panel/protocol";
import { writeXlsx } from "../xlsxWriter";
import { api, closeAllEditors } from "./helpers";

/** Rejects with `what` when `promise` has not settled by the deadline, so a hang reads as a clear failure. */
function within<T>(promise: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

describe("Excel workbooks through Analyze Feedback File… in a real VS Code", () => {
  afterEach(closeAllEditors);

  it("asks the text column, shows the rows in the panel by spreadsheet row, exports them, reads another sheet, and refuses a bad workbook", async function () {
    const sentiment = await api();
    // The column pick is answered through a test hook (ExtensionMode.Test only; an installed VSIX has none).
    const testing = sentiment.testing;
    if (!testing) this.skip();
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-xlsx-"));
    const file = join(dir, "survey.xlsx");
    writeFileSync(
      file,
      await writeXlsx([
        {
          name: "Responses",
          rows: [
            ["Respondent", "Comment", "Store"],
            [101, "The staff were friendly and the checkout was quick.", "North"],
            [102, { inline: "Terrible service, nobody answered my emails." }, "South"],
            // Row 4 is empty: the spreadsheet's row numbers stay.
            { row: 5, cells: [103, { rich: ["Great ", "value", " for money!"] }, "North"] },
          ],
        },
        { name: "Notes", rows: [["note"], ["Friendly staff, fast refund."]] },
      ]),
    );
    const uri = vscode.Uri.file(file);

    let pick: { columns: string[]; active?: string } | undefined;
    const listener = testing.onDidShowColumnPick(async ({ uri: picked, columns, active }) => {
      if (picked.toString() !== uri.toString()) return;
      pick = { columns, active };
      await vscode.commands.executeCommand("workbench.action.acceptSelectedQuickOpenItem");
    });
    let model: SummaryModel | undefined;
    try {
      model = await vscode.commands.executeCommand<SummaryModel | undefined>("inlineSentiment.analyzeFile", uri, "Responses");
      await sentiment.whenIdle();
    } finally {
      listener.dispose();
    }
    assert.deepEqual(pick, { columns: ["Respondent", "Comment", "Store"], active: "Comment" }, "the pick lists the header row, the comment preselected");
    assert.ok(model, "the command returns the panel's model");
    assert.equal(model.title, `${vscode.workspace.asRelativePath(uri)}, sheet "Responses"`);
    assert.equal(model.files.length, 1);
    const [scored] = model.files;
    assert.equal(scored.textColumn, "Comment");
    assert.deepEqual(scored.units.map((unit) => unit.startLine), [2, 3, 5], "each row by its spreadsheet row number");
    assert.deepEqual(scored.units.map((unit) => unit.text), ["The staff were friendly and the checkout was quick.", "Terrible service, nobody answered my emails.", "Great value for money!"]);
    assert.deepEqual({ ...scored.units[1].fields }, { Respondent: "102", Store: "South" });
    assert.ok(scored.units.every((unit) => ["positive", "neutral", "negative"].includes(unit.polarity)));

    // The panel shows the run: its page was sent the workbook's rows.
    const panel = sentiment.summaryPanel;
    assert.ok(panel, "the summary panel is open");
    const shows = (message: HostMessage | undefined) =>
      message?.type === "update" && message.model?.files.some((f) => f.name.endsWith("survey.xlsx") && f.units.map((u) => u.startLine).join() === "2,3,5");
    if (!shows(panel.lastPosted)) {
      await within(
        new Promise<void>((resolve) => {
          const posted = panel.onDidPost((message) => {
            if (!shows(message)) return;
            posted.dispose();
            resolve();
          });
        }),
        "the panel shows the workbook's rows",
      );
    }

    // Export works on the result.
    const target = vscode.Uri.file(join(dir, "survey-report.json"));
    await vscode.commands.executeCommand("inlineSentiment.exportReport", target);
    const report = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)));
    assert.deepEqual(report.units.map((unit: { start_line: number }) => unit.start_line), [2, 3, 5]);
    assert.equal(report.units[2].fields.Store, "North");

    // Again: the column is remembered, no pick.
    let asked = false;
    const again = testing.onDidShowColumnPick(() => (asked = true));
    try {
      const rerun = await vscode.commands.executeCommand<SummaryModel | undefined>("inlineSentiment.analyzeFile", uri, "Responses");
      await sentiment.whenIdle();
      assert.deepEqual(rerun?.files[0].units.map((unit) => unit.startLine), [2, 3, 5]);
    } finally {
      again.dispose();
    }
    assert.equal(asked, false, "the remembered column is used");

    // Another sheet, by its position: its own column is asked.
    let notesPick: string[] | undefined;
    const notes = testing.onDidShowColumnPick(async ({ columns }) => {
      notesPick = columns;
      await vscode.commands.executeCommand("workbench.action.acceptSelectedQuickOpenItem");
    });
    try {
      const other = await vscode.commands.executeCommand<SummaryModel | undefined>("inlineSentiment.analyzeFile", uri, "2");
      await sentiment.whenIdle();
      assert.deepEqual(notesPick, ["note"]);
      assert.deepEqual(other?.files[0].units.map((unit) => [unit.startLine, unit.text]), [[2, "Friendly staff, fast refund."]]);
      assert.equal(other?.title, `${vscode.workspace.asRelativePath(uri)}, sheet "Notes"`, "a sheet by position is named");
    } finally {
      notes.dispose();
    }

    // Not a workbook: nothing is shown, the panel keeps the last run.
    const broken = join(dir, "broken.xlsx");
    writeFileSync(broken, "Respondent,Comment\n1,hello\n");
    assert.equal(await vscode.commands.executeCommand("inlineSentiment.analyzeFile", vscode.Uri.file(broken)), undefined);
  });
});
