/** Whether `uri` names a file or folder, through vscode.workspace.fs (the web host's only file system). */
import * as vscode from "vscode";

export function exists(uri: vscode.Uri): Promise<boolean> {
  return Promise.resolve(vscode.workspace.fs.stat(uri)).then(
    () => true,
    () => false,
  );
}
