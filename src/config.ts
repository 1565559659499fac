/** Typed view of the `inlineSentiment.*` settings; mirrors `contributes.configuration` in package.json. */
import * as vscode from "vscode";

export const SECTION = "inlineSentiment";

export interface Settings {
  /** Below this confidence a paragraph is shown as neutral. */
  neutralThreshold: number;
  /** A model folder chosen by the user; empty for the bundled one. */
  modelPath: string;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    neutralThreshold: config.get<number>("neutralThreshold", 0.75),
    modelPath: config.get<string>("modelPath", ""),
  };
}

/** True when `event` touches `key` (e.g. "neutralThreshold"). */
export function affects(event: vscode.ConfigurationChangeEvent, key: keyof Settings): boolean {
  return event.affectsConfiguration(`${SECTION}.${key}`);
}
