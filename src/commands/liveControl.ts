/**
 * The writer's quick controls: live highlighting on or off for the workspace or for one file, and the status bar's
 * menu that gathers them with the summary, the `show` setting and the settings.
 */
import * as vscode from "vscode";
import { SECTION, type Show } from "../config";
import type { LiveSwitches } from "../editor/liveSwitches";
import { COMMANDS } from "../core/commandIds";

/** "Toggle Live Highlighting": for this workspace, remembered across reloads. */
export async function toggleLive(switches: LiveSwitches): Promise<void> {
  const off = !switches.workspaceOff;
  await switches.setWorkspaceOff(off);
  vscode.window.setStatusBarMessage(`Inline Sentiment: live highlighting ${off ? "off" : "on"} for this workspace`, 3000);
}

/** "Turn Off for This File" / "Turn On for This File" (the active editor's file, or the Explorer's), remembered. */
export async function setLiveForFile(switches: LiveSwitches, off: boolean, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) return;
  await switches.setFileOff(target, off);
}

interface MenuItem extends vscode.QuickPickItem {
  run: () => unknown;
}

const SHOW_LABELS: Record<Show, string> = {
  all: "all paragraphs",
  notPositive: "negative and neutral paragraphs",
  negative: "only negative paragraphs",
};

/** The status bar item's menu: the summary, the switches, what is painted, the settings. */
export async function statusMenu(switches: LiveSwitches): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  const config = vscode.workspace.getConfiguration(SECTION);
  const show = config.get<Show>("show", "negative");
  const items: MenuItem[] = [
    { label: "$(preview) Show Sentiment Summary", run: () => vscode.commands.executeCommand(COMMANDS.showPanel) },
    {
      label: switches.workspaceOff ? "$(eye) Turn Live Highlighting On" : "$(eye-closed) Turn Live Highlighting Off",
      description: "this workspace",
      run: () => toggleLive(switches),
    },
  ];
  if (document) {
    const fileOff = switches.fileOff(document.uri);
    items.push({
      label: fileOff ? "$(eye) Turn On for This File" : "$(eye-closed) Turn Off for This File",
      description: vscode.workspace.asRelativePath(document.uri),
      run: () => setLiveForFile(switches, !fileOff, document.uri),
    });
  }
  for (const option of ["negative", "notPositive", "all"] as const) {
    if (option === show) continue;
    items.push({
      label: `$(filter) Show ${SHOW_LABELS[option]}`,
      description: "in prose documents (tables show every row)",
      run: () => config.update("show", option, vscode.ConfigurationTarget.Global),
    });
  }
  items.push({ label: "$(settings-gear) Settings", run: () => vscode.commands.executeCommand("workbench.action.openSettings", SECTION) });
  const picked = await vscode.window.showQuickPick(items, { title: "Inline Sentiment", placeHolder: `Painting ${SHOW_LABELS[show]}` });
  await picked?.run();
}
