/** Registers every command in one place. */
import * as vscode from "vscode";
import type { AnalysisService } from "../editor/analysisService";
import type { ReviewState } from "../editor/reviewState";
import { analyzeActiveDocument } from "./analyze";
import { analyzeFolder } from "./analyzeFolder";
import { explainUnit } from "./explain";
import { exportReport } from "./exportReport";
import { COMMANDS } from "./ids";

/** Every command but showPanel, which the panel registers with its serializer. */
export function registerCommands(analysis: AnalysisService, review: ReviewState): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.analyze, () => analyzeActiveDocument(analysis, review)),
    vscode.commands.registerCommand(COMMANDS.explain, (uri: unknown, offset: unknown) => explainUnit(analysis, uri, offset)),
    vscode.commands.registerCommand(COMMANDS.exportReport, (target?: unknown) =>
      exportReport(review, target instanceof vscode.Uri ? target : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.analyzeFolder, (folder?: unknown) =>
      analyzeFolder(analysis, review, folder instanceof vscode.Uri ? folder : undefined),
    ),
  ];
}
