/**
 * The composition root, for either host: builds the services and registers them. No model is loaded and no file is
 * read here; the engine worker starts on the first analysis. What differs between the hosts comes in a `Host`: the
 * desktop's entry is src/node/extension.ts (worker_threads, the file system), VS Code for the Web's src/web/extension.ts
 * (Web Workers, vscode.workspace.fs). This file runs in both, so it reaches no Node module (the lint says so).
 */
import * as vscode from "vscode";
import { downloadFullModel, type DownloadOutcome, type DownloadRequest, type ModelDownloader } from "./commands/downloadModel";
import { analyzeFolder } from "./commands/analyzeFolder";
import { registerCommands } from "./commands/register";
import { affects, judgingOf, readSettings, type Settings } from "./config";
import { messageOf } from "./core/errors";
import { analyzedDocumentFilters } from "./core/fileKinds";
import type { SummaryModel } from "./core/summary/summaryModel";
import { AnalysisService, type DocumentResults } from "./editor/analysisService";
import { DecorationController } from "./editor/decorations";
import { NegativeDiagnostics } from "./editor/diagnostics";
import { SentimentHoverProvider } from "./editor/hover";
import { LiveScheduler } from "./editor/liveScheduler";
import { LiveSwitches } from "./editor/liveSwitches";
import { MixedParagraphs } from "./editor/mixedParagraphs";
import { SummaryState } from "./panel/summaryState";
import { SentenceMarks } from "./editor/sentenceMarks";
import { SentimentStatusBar } from "./editor/statusBar";
import { openDocument } from "./editor/documents";
import { CHOOSE_COLUMN_NOTE, TableSources, type ColumnPick } from "./editor/tableSources";
import { EngineClient, type EngineThread } from "./engine/engineClient";
import { TableClient, type TableThread } from "./engine/tables/tableClient";
import type { BackendChoice, ModelSpec } from "./engine/engineProtocol";
import type { LocatedModel } from "./models/located";
import { SummaryPanel } from "./panel/summaryPanel";

/** What activate returns: lets tests await the extension's own signals instead of sleeping. */
export interface InlineSentimentApi {
  /** Resolves when no analysis is running or scheduled (live debounce included). */
  whenIdle(): Promise<void>;
  /** The stored results of a document, if it was analysed (the analysis service's own shape, read-only). */
  results(uri: vscode.Uri): Readonly<DocumentResults> | undefined;
  /** Texts sent to the model since activation. */
  readonly textsScored: number;
  /** Fires after a document's results are stored. */
  readonly onDidAnalyze: vscode.Event<{ uri: vscode.Uri; version: number; partial: boolean }>;
  /** Progress of the running analyses (a document, or a file of a folder run: `total` units); undefined when idle. */
  readonly onDidProgress: vscode.Event<{ done: number; total: number } | undefined>;
  /** Why a document is not highlighted live (too large, binary), as the status bar tooltip says it. */
  liveNote(uri: vscode.Uri): string | undefined;
  /** The open summary panel (tests are bundled apart and cannot reach the extension's own SummaryPanel class). */
  readonly summaryPanel: SummaryPanel | undefined;
  /** Hooks for the extension's own tests; present only in ExtensionMode.Test, never in an installed extension. */
  readonly testing?: {
    /** Download the Full Model from another origin or manifest (a local server): the folder, or the message shown. */
    downloadModel(request: DownloadRequest): Promise<DownloadOutcome>;
    /** Analyze Folder with a cancellation the test controls (the notification's Cancel button cannot be clicked). */
    analyzeFolder(folder: vscode.Uri, cancel: vscode.CancellationToken): Promise<SummaryModel | undefined>;
    /** Fires when the text-column quick pick of a table is shown (the test then answers it through the quick pick). */
    readonly onDidShowColumnPick: vscode.Event<ColumnPick>;
    /** How many units of each style (e.g. "negativeStrong", "neutral") the editor of `uri` was last painted with. */
    painted(uri: vscode.Uri): Record<string, number>;
    /** The sentences underlined in the editor of `uri` (the worst sentence of each negative paragraph in view). */
    underlined(uri: vscode.Uri): vscode.Range[];
  };
}

/**
 * Hovers: every document that can have results (prose, and tables opened as plaintext or by their own language ids),
 * on the schemes analysed (core/fileKinds.ts): a selector with schemes, so no hover is offered on output panels and
 * VS Code does not warn about it.
 */
const SELECTOR: vscode.DocumentSelector = analyzedDocumentFilters();

/**
 * What differs between the desktop (Node extension host) and VS Code for the Web (web worker extension host): how the
 * engine's thread starts, where the table worker is, where models are found, and which backends can run.
 */
export interface Host {
  /** Starts the engine's thread (a worker_threads Worker on the desktop, a Web Worker on the web). */
  engine: () => EngineThread;
  /** Starts the table worker's thread. */
  tableWorker: () => TableThread;
  /** The model to use, given the modelPath setting. */
  locate(modelPath: string): LocatedModel;
  /** A backend this host always uses, whatever the setting says (the web: WebAssembly). */
  backend?: BackendChoice;
  /** How the full model is downloaded and installed here (into the extension's global storage). */
  download: ModelDownloader;
  /** Writes the host's counters for the soak's watchdog (Node, with INLINE_SENTIMENT_STATS_DIR set); returns a stop. */
  writeStats?: (read: () => unknown) => () => void;
}

/** The composition root, for either host. */
export function activateOn(context: vscode.ExtensionContext, host: Host): InlineSentimentApi {
  let settings = readSettings();
  // The Output panel's "Inline Sentiment": what a user (or a failed test) can read back of explain and hover requests.
  const log = vscode.window.createOutputChannel("Inline Sentiment", { log: true });
  context.subscriptions.push(log);
  const locate = () => host.locate(settings.modelPath);
  const specOf = (model: LocatedModel) => modelSpec(model, host.backend ? { ...settings, "engine.backend": host.backend } : settings);
  const budgetOf = (mb: number) => (mb > 0 ? { budgetBytes: mb * 2 ** 20 } : undefined);
  const engine = new EngineClient(host.engine, specOf(locate()), budgetOf(settings["engine.memoryBudgetMb"]));
  const tableClient = new TableClient(host.tableWorker);
  const tables = new TableSources(context.workspaceState, tableClient);
  const analysis = new AnalysisService(engine, settings.neutralThreshold, settings.granularity, settings.labelMap, tables);
  analysis.setJudging(judgingOf(settings));
  const mixed = new MixedParagraphs(settings["mixed.threshold"]);
  const isMixed = (text: string) => mixed.isMixed(text);
  const decorations = new DecorationController(context.extensionUri, settings.indicator, settings.show, isMixed);
  const switches = new LiveSwitches(context.workspaceState, () => settings.exclude);
  const marks = new SentenceMarks(analysis, mixed);
  const statusBar = new SentimentStatusBar(analysis);
  const diagnostics = new NegativeDiagnostics(settings["diagnostics.enabled"]);
  const summary = new SummaryState(analysis, isMixed);
  const reportError = onceEach((message) => void vscode.window.showErrorMessage(`Inline Sentiment: ${message}`));
  let toldOfCrash = false;
  engine.onCrash = (message, retried) => {
    if (toldOfCrash) return;
    toldOfCrash = true;
    const outcome = retried ? "It was restarted and the paragraphs it was scoring were sent again." : "It will restart on the next analysis.";
    void vscode.window.showWarningMessage(`Inline Sentiment: ${message}. ${outcome}`);
  };
  let toldOfBudget = false;
  engine.onMemoryBudget = (message) => {
    if (toldOfBudget) return;
    toldOfBudget = true;
    void vscode.window.showWarningMessage(`Inline Sentiment: ${message}.`);
  };
  const live = new LiveScheduler(analysis, () => settings, (uri, note) => statusBar.setNote(uri, note), reportError, tables, switches);
  const reanalyseAll = () => {
    for (const results of analysis.all()) {
      const document = openDocument(results.uri);
      if (document) void analysis.analyze(document, { retryOnChange: true }).catch((e: unknown) => reportError(messageOf(e)));
    }
  };
  /** Loads another model (or the same one with other engine settings) and re-scores what is shown with it. */
  const useModel = async (model: LocatedModel) => {
    if (await switchModel(engine, model, specOf(model))) {
      mixed.clear();
      reanalyseAll();
    }
  };
  const scheduleVisible = (delay?: number) => {
    for (const editor of vscode.window.visibleTextEditors) {
      const results = analysis.get(editor.document.uri);
      if (results && results.version === editor.document.version) {
        decorations.show(results);
        if (!results.partial) marks.show(results);
      } else live.schedule(editor.document, delay);
    }
  };

  /** Live highlighting was switched off or on (workspace, file, exclude globs): clears what is now off, scores the rest. */
  const switched = () => {
    for (const { uri } of analysis.all()) {
      const document = openDocument(uri);
      if (!document || !switches.reason(document)) continue;
      live.cancel(document.uri);
      analysis.forget(document.uri);
      decorations.clear(document.uri);
      marks.clear(document.uri);
      diagnostics.delete(document.uri);
      summary.forget(document.uri);
    }
    scheduleVisible(0);
    statusBar.update();
  };

  context.subscriptions.push(
    { dispose: () => engine.dispose() },
    switches,
    switches.onDidChange(switched),
    { dispose: () => tableClient.dispose() },
    tables,
    analysis,
    decorations,
    marks,
    mixed,
    // A paragraph found mixed (or no longer, or another threshold): painted again. The sentence marks' pass runs again
    // only where it changes what it covers: a paragraph that is not negative found mixed (or no longer), or every
    // paragraph (text undefined). A negative paragraph is in that pass already; starting it again there, on every
    // learning, set the underline decorations again just after "Why?" had shown its hover, and the hover closed (the
    // browser check's "Why?" step failed 5 runs of 5).
    mixed.onDidChange((text) => {
      decorations.repaint();
      for (const editor of vscode.window.visibleTextEditors) {
        const results = analysis.get(editor.document.uri);
        if (!results || results.partial || results.version !== editor.document.version) continue;
        if (text === undefined || results.units.some((unit) => unit.text === text && unit.polarity !== "negative")) marks.show(results);
      }
      summary.refresh();
    }),
    statusBar,
    diagnostics,
    summary,
    live,
    tables.onDidChooseColumn((uri) => {
      if (statusBar.noteOf(uri)?.endsWith(CHOOSE_COLUMN_NOTE)) statusBar.setNote(uri, undefined);
    }),
    ...registerCommands({ context, analysis, summary, tables, switches, download: host.download, onModelInstalled: (dir) => useModel({ dir, kind: "full" }), isMixed, log }),
    ...SummaryPanel.register(context.extensionUri, summary),
    vscode.languages.registerHoverProvider(SELECTOR, new SentimentHoverProvider(analysis, mixed, log)),
    analysis.onDidChangeResults((results) => {
      decorations.show(results);
      if (!results.partial) marks.show(results);
      diagnostics.update(results);
      statusBar.update();
      summary.refresh();
    }),
    analysis.onDidProgress((progress) => statusBar.setProgress(progress)),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length > 0) live.schedule(event.document);
    }),
    vscode.window.onDidChangeActiveTextEditor(() => {
      statusBar.update();
      summary.refresh();
    }),
    vscode.window.onDidChangeTextEditorVisibleRanges(({ textEditor }) => {
      decorations.scrolled(textEditor);
      marks.scrolled(textEditor);
    }),
    vscode.window.onDidChangeVisibleTextEditors(() => {
      decorations.prune();
      scheduleVisible(0);
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      live.cancel(document.uri);
      analysis.forget(document.uri);
      diagnostics.delete(document.uri);
      statusBar.setNote(document.uri, undefined);
      summary.forget(document.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration("inlineSentiment")) return;
      settings = readSettings();
      if (affects(event, "labelMap")) mixed.clear();
      if (affects(event, "neutralThreshold") || affects(event, "labelMap")) analysis.relabel(settings.neutralThreshold, settings.labelMap);
      if (affects(event, "mixed.threshold")) mixed.setThreshold(settings["mixed.threshold"]);
      if (affects(event, "indicator")) decorations.setIndicator(settings.indicator);
      if (affects(event, "show")) decorations.setShow(settings.show);
      if (affects(event, "exclude")) switched();
      if (affects(event, "diagnostics.enabled")) diagnostics.setEnabled(settings["diagnostics.enabled"], analysis.all());
      if (affects(event, "granularity")) {
        analysis.setGranularity(settings.granularity);
        reanalyseAll();
      }
      if (affects(event, "feedback.missingMarkers") || affects(event, "feedback.nonAnswers") || affects(event, "feedback.scoreAll")) {
        analysis.setJudging(judgingOf(settings));
        reanalyseAll();
      }
      if (affects(event, "live.enabled") || affects(event, "live.languages") || affects(event, "live.maxDocumentSize")) scheduleVisible(0);
      if (affects(event, "modelPath") || affects(event, "engine.threads") || affects(event, "engine.backend")) void useModel(locate());
      if (affects(event, "engine.memoryBudgetMb")) engine.setMemoryBudget(budgetOf(settings["engine.memoryBudgetMb"]));
    }),
  );
  scheduleVisible(0);
  const stopStats = host.writeStats?.(() => ({ analysis: analysis.counters(), engine: engine.counters(), liveWaiting: live.waiting }));
  if (stopStats) context.subscriptions.push({ dispose: stopStats });

  return {
    whenIdle: () => analysis.whenIdle(),
    results: (uri) => analysis.get(uri),
    liveNote: (uri) => statusBar.noteOf(uri),
    get textsScored() {
      return engine.textsSent;
    },
    get summaryPanel() {
      return SummaryPanel.current;
    },
    onDidAnalyze: (listener, thisArgs, disposables) =>
      analysis.onDidChangeResults(
        ({ uri, version, partial }) => listener.call(thisArgs, { uri, version, partial }),
        undefined,
        disposables,
      ),
    onDidProgress: analysis.onDidProgress,
    testing:
      context.extensionMode === vscode.ExtensionMode.Test
        ? {
            downloadModel: (request) => downloadFullModel(host.download, request, (dir) => useModel({ dir, kind: "full" })),
            analyzeFolder: (folder, cancel) => analyzeFolder(analysis, summary, folder, cancel),
            onDidShowColumnPick: tables.onDidShowColumnPick,
            painted: (uri) => decorations.paintedStyles(uri),
            underlined: (uri) => marks.markedRanges(uri),
          }
        : undefined,
  };
}

/** Loads another model; true when it is in use. On failure the previous model stays in use and the user is told why. */
async function switchModel(engine: EngineClient, model: LocatedModel, spec: ModelSpec): Promise<boolean> {
  try {
    await engine.setModel(spec);
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Inline Sentiment: cannot use the model in ${model.dir}: ${messageOf(error)}. The previous model stays in use.`,
    );
    return false;
  }
}

function modelSpec(model: LocatedModel, settings: Settings): ModelSpec {
  return { dir: model.dir, kind: model.kind, dtype: "q8", intraOpThreads: settings["engine.threads"], backend: settings["engine.backend"] };
}

/** Shows each distinct message once per session: live analysis must not repeat the same error on every keystroke. */
function onceEach(show: (message: string) => void): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    show(message);
  };
}
