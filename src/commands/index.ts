/** Registers every command in one place. */
import * as vscode from "vscode";
import type { AnalysisService } from "../editor/analysisService";
import { analyzeActiveDocument } from "./analyze";
import { COMMANDS } from "./ids";

export function registerCommands(analysis: AnalysisService): vscode.Disposable[] {
  return [vscode.commands.registerCommand(COMMANDS.analyze, () => analyzeActiveDocument(analysis))];
}
