/**
 * Composition root: builds the services and registers them. No model is loaded and no file is read here; the engine
 * worker starts on the first analysis.
 */
import * as vscode from "vscode";
import { registerCommands } from "./commands/index";
import type { ScoredUnit } from "./core/types";
import { affects, readSettings } from "./config";
import { AnalysisService } from "./editor/analysisService";
import { DecorationController } from "./editor/decorations";
import { SentimentHoverProvider } from "./editor/hover";
import { SentimentStatusBar } from "./editor/statusBar";
import { EngineClient } from "./engine/client";
import { locateModel, type LocatedModel } from "./engine/modelLocator";

/** What activate returns: lets tests await the extension's own signals instead of sleeping. */
export interface InlineSentimentApi {
  /** Resolves when no analysis is running. */
  whenIdle(): Promise<void>;
  /** The stored results of a document, if it was analysed. */
  results(uri: vscode.Uri): { version: number; units: readonly ScoredUnit[]; model: string } | undefined;
  /** Texts sent to the model since activation. */
  readonly textsScored: number;
  /** Fires after a document's results are stored. */
  readonly onDidAnalyze: vscode.Event<{ uri: vscode.Uri; version: number }>;
}

const SELECTOR: vscode.DocumentSelector = [{ language: "markdown" }, { language: "plaintext" }];

export function activate(context: vscode.ExtensionContext): InlineSentimentApi {
  const settings = readSettings();
  const model = locateModel(context.extensionPath, settings.modelPath);
  const engine = new EngineClient(context.asAbsolutePath("dist/worker.js"), { dir: model.dir, dtype: "q8" });
  const analysis = new AnalysisService(engine, settings.neutralThreshold, modelName(model));
  const decorations = new DecorationController();
  const statusBar = new SentimentStatusBar(analysis);

  context.subscriptions.push(
    { dispose: () => engine.dispose() },
    analysis,
    decorations,
    statusBar,
    ...registerCommands(analysis),
    vscode.languages.registerHoverProvider(SELECTOR, new SentimentHoverProvider(analysis)),
    analysis.onDidChangeResults((results) => {
      decorations.show(results);
      statusBar.update();
    }),
    analysis.onDidChangeBusy((busy) => statusBar.setBusy(busy)),
    vscode.window.onDidChangeActiveTextEditor(() => statusBar.update()),
    vscode.window.onDidChangeVisibleTextEditors((editors) => {
      for (const editor of editors) {
        const results = analysis.get(editor.document.uri);
        if (results) decorations.show(results);
      }
    }),
    vscode.workspace.onDidCloseTextDocument((document) => analysis.forget(document.uri)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affects(event, "neutralThreshold")) analysis.setThreshold(readSettings().neutralThreshold);
      if (affects(event, "modelPath")) void switchModel(engine, analysis, context.extensionPath);
    }),
  );

  return {
    whenIdle: () => analysis.whenIdle(),
    results: (uri) => analysis.get(uri),
    get textsScored() {
      return engine.textsSent;
    },
    onDidAnalyze: (listener, thisArgs, disposables) =>
      analysis.onDidChangeResults((results) => listener.call(thisArgs, { uri: results.uri, version: results.version }), undefined, disposables),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** Loads the model the settings now name; on failure the previous model stays in use and the user is told why. */
async function switchModel(engine: EngineClient, analysis: AnalysisService, extensionPath: string): Promise<void> {
  const model = locateModel(extensionPath, readSettings().modelPath);
  try {
    await engine.setModel({ dir: model.dir, dtype: "q8" });
    analysis.modelName = modelName(model);
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Inline Sentiment: cannot use the model in ${model.dir}: ${(error as Error).message}. The previous model stays in use.`,
    );
  }
}

function modelName(model: LocatedModel): string {
  if (model.kind === "mini") return "sentiment-mini (bundled stand-in, less accurate; full model not installed)";
  if (model.kind === "full") return "DistilBERT SST-2 (int8)";
  return `custom (${model.dir})`;
}
