/** The text-column quick pick answered as a user answers it. No Node API: the web suite (test/everywhere) runs it too. */
import * as vscode from "vscode";
import type { InlineSentimentApi } from "../../src/extension";

/**
 * Runs Analyze Sentiment on the active editor and answers the text-column quick pick through the real quick pick
 * (moving down `down` items from the preselected one, then accepting). Resolves with the columns and the preselected
 * one the pick showed, or undefined when no pick was shown (the column was remembered).
 */
export async function analyzeChoosing(
  sentiment: InlineSentimentApi,
  down = 0,
): Promise<{ columns: string[]; questions: (string | undefined)[]; active?: string } | undefined> {
  const testing = sentiment.testing;
  if (!testing) throw new Error("the test hooks exist in ExtensionMode.Test");
  let shown: { columns: string[]; questions: (string | undefined)[]; active?: string } | undefined;
  const listener = testing.onDidShowColumnPick(async ({ columns, questions, active }) => {
    shown = { columns, questions, active };
    for (let i = 0; i < down; i++) await vscode.commands.executeCommand("workbench.action.quickOpenSelectNext");
    await vscode.commands.executeCommand("workbench.action.acceptSelectedQuickOpenItem");
  });
  try {
    await vscode.commands.executeCommand("inlineSentiment.analyze");
    await sentiment.whenIdle();
    return shown;
  } finally {
    listener.dispose();
  }
}
