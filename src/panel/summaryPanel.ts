/**
 * The summary panel, host side: one webview panel beside the editor that draws the current results (see
 * `page/main.ts`). The HTML shell is set once per panel; after that the host only posts typed `update` messages, and
 * it accepts only the typed messages in `protocol.ts` from the page.
 */
import * as vscode from "vscode";
import { pageHtml } from "./html";
import { modelOf, type SummaryFeed, type SummaryFileFeed, type SummaryModel } from "../core/summary/summaryModel";
import { SupersededError } from "../core/slices";
import { hostPause } from "../editor/turns";
import { isPageMessage, type HostMessage, type MetricsMessage, type PageMessage, type ViewMessage } from "./protocol";
import { encodeModel, type WireUpdate } from "./wire";

/** Figures kept from the page's metrics messages (the newest last); enough for a session's checks, bounded. */
const MAX_METRICS = 200;

/** What the panel draws from; the composition root implements it over the analysis service and folder runs. */
export interface SummarySource {
  /**
   * The active document's results, or the last folder run, as a feed (its units made as they are written); undefined
   * draws the empty state.
   */
  load(): SummaryFeed | undefined;
  /** Fires when `load()` may return something else. */
  readonly onDidChange: vscode.Event<void>;
  /** Opens `uri` (a `vscode.Uri.toString()` from the model) and shows 1-based `line`. */
  reveal(uri: string, line: number): Promise<void>;
}

export class SummaryPanel implements vscode.Disposable {
  static readonly viewType = "inlineSentiment.summary";

  /** The open panel; there is at most one. */
  static current: SummaryPanel | undefined;

  /**
   * Registers the serializer that brings the panel back after a window reload (the show command is registered with the
   * others in commands/register.ts). Returns the disposables for `context.subscriptions`; disposing them also closes the
   * open panel.
   */
  static register(extensionUri: vscode.Uri, source: SummarySource): vscode.Disposable[] {
    return [
      vscode.window.registerWebviewPanelSerializer(SummaryPanel.viewType, {
        // The saved state is the page's own (filters); a revived page reads it back itself with getState(), so the
        // host only has to rebuild the shell and send the current model once the page reports ready.
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, _state: unknown) => {
          if (SummaryPanel.current) {
            // Only one summary panel exists at a time; a second restored one would show the same thing.
            panel.dispose();
            return;
          }
          SummaryPanel.current = new SummaryPanel(panel, extensionUri, source);
        },
      }),
      { dispose: () => SummaryPanel.current?.dispose() },
    ];
  }

  /** Opens the panel beside the editor without taking focus, or reveals the one already open. */
  static show(extensionUri: vscode.Uri, source: SummarySource): SummaryPanel {
    if (SummaryPanel.current) {
      // Reveal where the user put it rather than moving it next to whichever editor is active now.
      SummaryPanel.current.panel.reveal(undefined, true);
      return SummaryPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      SummaryPanel.viewType,
      "Sentiment Summary",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(extensionUri),
    );
    SummaryPanel.current = new SummaryPanel(panel, extensionUri, source);
    return SummaryPanel.current;
  }

  /** The last message posted to the page (the model it carries, before encoding). */
  lastPosted: PostedUpdate | undefined;
  /** Counts updates: a newer one supersedes the one still being built. */
  private generation = 0;
  /** Messages from the page that failed validation or asked for something outside the current model. */
  rejectedMessages = 0;
  /**
   * What the page shows now (its group-by and themes choice), from its last `view` message: the report export carries
   * the same groups and themes. Undefined until the page has drawn a model.
   */
  view: Omit<ViewMessage, "type"> | undefined;
  /** The page's measured figures (filter, sort and group change times, heap after loading), newest last. */
  readonly metrics: Omit<MetricsMessage, "type">[] = [];

  private readonly posted = new vscode.EventEmitter<PostedUpdate>();
  private readonly readied = new vscode.EventEmitter<void>();
  private readonly viewed = new vscode.EventEmitter<void>();
  private readonly measured = new vscode.EventEmitter<Omit<MetricsMessage, "type">>();
  /** Fires after every message posted to the page. */
  readonly onDidPost = this.posted.event;
  /** Fires each time the page reports ready: on first load, and again whenever it is reloaded after being hidden. */
  readonly onDidBecomeReady = this.readied.event;
  /** Fires when the page reports a new view (group-by, themes). */
  readonly onDidChangeView = this.viewed.event;
  /** Fires for each figure the page measured. */
  readonly onDidMeasure = this.measured.event;
  /** Resolves the first time the page reports ready. */
  readonly ready: Promise<void>;

  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: SummarySource,
  ) {
    this.ready = new Promise((resolve) => {
      const once = this.readied.event(() => {
        once.dispose();
        resolve();
      });
    });
    // Restored panels come back with the options they were saved with; set them again so both paths are the same.
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = shellHtml(panel.webview, extensionUri);
    this.disposables.push(
      this.posted,
      this.readied,
      this.viewed,
      this.measured,
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      // Posted even while hidden: a hidden page is discarded (retainContextWhenHidden is off) and asks again with
      // "ready" when shown, so nothing is lost, and tests can follow updates without the panel being visible.
      source.onDidChange(() => void this.update()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Validates and handles one message from the page; the webview's own messages take exactly this path. */
  async receive(message: unknown): Promise<void> {
    if (this.disposed) return;
    if (!isPageMessage(message)) {
      this.rejectedMessages++;
      return;
    }
    await this.handle(message);
  }

  /**
   * Posts the source's current model to the page. The model and its JSON are built a few milliseconds at a time; an
   * update asked for meanwhile supersedes this one, which then posts nothing. Resolves when posted or superseded.
   */
  async update(): Promise<void> {
    if (this.disposed) return;
    const generation = ++this.generation;
    // The host's per-turn budget: the update starts in the turn that stored the results (and painted them).
    const pause = hostPause({ alive: () => generation === this.generation && !this.disposed });
    try {
      const feed = this.source.load();
      const json = feed && (await encodeModel(feed, pause));
      await pause();
      this.panel.title = feed ? `Sentiment: ${feed.title}` : "Sentiment Summary";
      this.post(new PostedUpdate(feed), { type: "update", json: json ?? null });
    } catch (error) {
      if (!(error instanceof SupersededError)) throw error;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (SummaryPanel.current === this) SummaryPanel.current = undefined;
    // Disposing the panel fires onDidDispose, which lands back here and returns at the guard above.
    this.panel.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async handle(message: PageMessage): Promise<void> {
    switch (message.type) {
      case "ready":
        // Post first, so whoever awaits readiness already finds the model in lastPosted.
        await this.update();
        this.readied.fire();
        return;
      case "view":
        // Kept as sent: the export checks it against the model it exports (exportOptionsOf), not against this one.
        this.view = { groupBy: message.groupBy, themes: message.themes };
        this.viewed.fire();
        return;
      case "metrics": {
        const figure = { what: message.what, ms: message.ms, units: message.units, ...(message.heapBytes !== undefined && { heapBytes: message.heapBytes }) };
        this.metrics.push(figure);
        if (this.metrics.length > MAX_METRICS) this.metrics.shift();
        this.measured.fire(figure);
        return;
      }
      case "reveal": {
        // The page may only ask for lines it was given: a file in the model last posted, inside one of its units.
        const file = this.lastPosted?.feed?.files.find((f) => f.uri === message.uri);
        if (!file || !hasLine(file, message.line)) {
          this.rejectedMessages++;
          return;
        }
        try {
          await this.source.reveal(file.uri, message.line);
        } catch (error) {
          void vscode.window.showErrorMessage(
            `Inline Sentiment: cannot show ${file.name}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        return;
      }
    }
  }

  private post(message: PostedUpdate, wire: WireUpdate): void {
    this.lastPosted = message;
    void this.panel.webview.postMessage(wire);
    this.posted.fire(message);
  }
}

/**
 * An update as posted: the feed it was written from, and its model, made only when asked for (the tests read it; the
 * panel itself never needs 15,000 rows as objects on the host).
 */
export class PostedUpdate implements HostMessage {
  readonly type = "update";
  private made: SummaryModel | undefined;

  constructor(readonly feed: SummaryFeed | undefined) {}

  get model(): SummaryModel | undefined {
    return this.feed && (this.made ??= modelOf(this.feed));
  }
}

/** Whether one of the file's units spans 1-based `line` (units made one at a time, up to the first that does). */
function hasLine(file: SummaryFileFeed, line: number): boolean {
  for (let i = 0; i < file.count; i++) {
    const unit = file.unit(i);
    if (unit.startLine <= line && line <= unit.endLine) return true;
  }
  // The page lists the units not scored too, and reveals them.
  for (let i = 0; i < (file.notScoredCount ?? 0); i++) {
    const unit = file.notScoredUnit!(i);
    if (unit.startLine <= line && line <= unit.endLine) return true;
  }
  return false;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "panel")],
    // The page keeps its view state with setState and the host resends the model on "ready", so a hidden panel
    // need not keep its DOM in memory.
    retainContextWhenHidden: false,
  };
}

function shellHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const assets = vscode.Uri.joinPath(extensionUri, "dist", "panel");
  return pageHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, "main.js")).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(assets, "style.css")).toString(),
    // A fresh unguessable nonce per shell: only our script tag carries it, so injected markup cannot run script.
    nonce: newNonce(),
  });
}

/** A CSP nonce: 16 random bytes in base64, from Web Crypto (the desktop's Node and the web extension host both have it). */
function newNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
