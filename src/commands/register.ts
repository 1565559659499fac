/** Registers every command of the extension, in one place. */
import * as vscode from "vscode";
import type { AnalysisService } from "../editor/analysisService";
import type { SummaryState } from "../panel/summaryState";
import type { LiveSwitches } from "../editor/liveSwitches";
import type { TableSources } from "../editor/tableSources";
import { SummaryPanel } from "../panel/summaryPanel";
import { analyzeActiveDocument } from "./analyze";
import { analyzeFile } from "./analyzeFile";
import { analyzeFolder } from "./analyzeFolder";
import { downloadFullModel, type ModelDownloader } from "./downloadModel";
import { explainUnit } from "./explain";
import { exportReport } from "./exportReport";
import { COMMANDS } from "../core/commandIds";
import { setLiveForFile, statusMenu, toggleLive } from "./liveControl";
import { gotoNegative, selectRange } from "./navigate";

export interface CommandDeps {
  context: vscode.ExtensionContext;
  analysis: AnalysisService;
  summary: SummaryState;
  /** Tabular sources: the text column per file. */
  tables: TableSources;
  /** Live highlighting on or off for the workspace and per file. */
  switches: LiveSwitches;
  /** How this host downloads the full model. */
  download: ModelDownloader;
  /** Switches the engine to a freshly installed full model and re-analyses what is shown. */
  onModelInstalled: (dir: string) => Promise<void>;
  /** True when the paragraph of this text was found mixed: next/previous negative stop at it too. */
  isMixed?: (text: string) => boolean;
  /** The extension's log ("Inline Sentiment" in the Output panel). */
  log?: vscode.LogOutputChannel;
}

export function registerCommands({ context, analysis, summary, tables, switches, download, onModelInstalled, isMixed, log }: CommandDeps): vscode.Disposable[] {
  const fileOf = (target: unknown) => (target instanceof vscode.Uri ? target : undefined);
  return [
    vscode.commands.registerCommand(COMMANDS.toggleLive, () => toggleLive(switches)),
    vscode.commands.registerCommand(COMMANDS.fileOff, (target?: unknown) => setLiveForFile(switches, true, fileOf(target))),
    vscode.commands.registerCommand(COMMANDS.fileOn, (target?: unknown) => setLiveForFile(switches, false, fileOf(target))),
    vscode.commands.registerCommand(COMMANDS.statusMenu, () => statusMenu(switches)),
    vscode.commands.registerCommand(COMMANDS.selectRange, (uri: unknown, start: unknown, end: unknown) => selectRange(uri, start, end)),
    vscode.commands.registerCommand(COMMANDS.nextNegative, () => gotoNegative(analysis, 1, isMixed)),
    vscode.commands.registerCommand(COMMANDS.previousNegative, () => gotoNegative(analysis, -1, isMixed)),
    vscode.commands.registerCommand(COMMANDS.analyze, () => analyzeActiveDocument(analysis, summary, tables)),
    vscode.commands.registerCommand(COMMANDS.showPanel, () => SummaryPanel.show(context.extensionUri, summary)),
    vscode.commands.registerCommand(COMMANDS.explain, (uri: unknown, offset: unknown) => explainUnit(analysis, uri, offset, log)),
    vscode.commands.registerCommand(COMMANDS.exportReport, (target?: unknown) =>
      exportReport(summary, target instanceof vscode.Uri ? target : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.analyzeFolder, (folder?: unknown) =>
      analyzeFolder(analysis, summary, folder instanceof vscode.Uri ? folder : undefined),
    ),
    vscode.commands.registerCommand(COMMANDS.analyzeFile, (file?: unknown, sheet?: unknown) =>
      analyzeFile(analysis, summary, tables, file instanceof vscode.Uri ? file : undefined, typeof sheet === "string" ? sheet : undefined),
    ),
    // No arguments: a command link (the hover trusts this command) cannot point the download elsewhere. Tests reach
    // another origin through the API activate returns in ExtensionMode.Test only.
    vscode.commands.registerCommand(COMMANDS.downloadModel, () => downloadFullModel(download, {}, onModelInstalled)),
  ];
}
