/**
 * The writer's quick controls over live highlighting: off for this workspace, off for one file (both remembered in the
 * workspace's state, so a reload keeps them), and the `exclude` globs. Each says why a document is not highlighted.
 */
import * as vscode from "vscode";
import { REMEMBERED_FILES, rememberNewest } from "../core/cache";

const WORKSPACE_OFF = "inlineSentiment.live.workspaceOff";
const FILES_OFF = "inlineSentiment.live.filesOff";

export class LiveSwitches implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when live highlighting is switched on or off for the workspace or a file. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly exclude: () => readonly string[],
  ) {}

  /** True when live highlighting is switched off for the whole workspace. */
  get workspaceOff(): boolean {
    return this.state.get<boolean>(WORKSPACE_OFF, false);
  }

  /** True when live highlighting is switched off for this file. */
  fileOff(uri: vscode.Uri): boolean {
    return this.filesOff().includes(uri.toString());
  }

  /** True when the file matches one of the `inlineSentiment.exclude` globs. */
  excluded(document: vscode.TextDocument): boolean {
    return isExcluded(document, this.exclude());
  }

  /** Why live highlighting is off for a document (the status bar's note), or undefined when it is on. */
  reason(document: vscode.TextDocument): string | undefined {
    if (this.workspaceOff) return "Live highlighting is off for this workspace (Inline Sentiment: Toggle Live Highlighting).";
    if (this.fileOff(document.uri)) return "Live highlighting is off for this file (Inline Sentiment: Turn On for This File).";
    if (this.excluded(document)) return "This file matches inlineSentiment.exclude: it is not highlighted live.";
    return undefined;
  }

  async setWorkspaceOff(off: boolean): Promise<void> {
    await this.state.update(WORKSPACE_OFF, off || undefined);
    this.changed.fire();
  }

  /** Remembers the newest REMEMBERED_FILES files switched off; one switched off longest ago is told to be on again. */
  async setFileOff(uri: vscode.Uri, off: boolean): Promise<void> {
    const key = uri.toString();
    let files = this.filesOff().filter((file) => file !== key);
    if (off) {
      const { entries, dropped } = rememberNewest(Object.fromEntries(files.map((file) => [file, true])), key, true, REMEMBERED_FILES);
      files = Object.keys(entries);
      if (dropped.length) {
        void vscode.window.showInformationMessage(
          `Live highlighting is remembered off for ${REMEMBERED_FILES.toLocaleString("en")} files at most: ${dropped.map((file) => vscode.Uri.parse(file).path.split("/").pop()).join(", ")}, turned off longest ago, is highlighted live again.`,
        );
      }
    }
    await this.state.update(FILES_OFF, files.length > 0 ? files : undefined);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  private filesOff(): string[] {
    const files = this.state.get<unknown>(FILES_OFF);
    return Array.isArray(files) ? files.filter((file): file is string => typeof file === "string") : [];
  }
}

/**
 * True when a document matches one of `globs`, matched as VS Code matches `files.exclude`-style globs: against the
 * path relative to its workspace folder, and (for a glob starting with `**`) anywhere.
 */
export function isExcluded(document: Pick<vscode.TextDocument, "uri" | "languageId">, globs: readonly string[]): boolean {
  return globs.some((pattern) => vscode.languages.match({ pattern }, document as vscode.TextDocument) > 0);
}
