/**
 * A Web Worker as the engine's and the table worker's clients see a thread (the events of worker_threads' Worker they
 * use: message, error, exit), in the web worker extension host. The worker is created from a blob URL made from its
 * bundled script's bytes, read with vscode.workspace.fs: a web extension installed on a server (code-server,
 * Codespaces) has vscode-remote: URLs, from which the extension host refuses to create workers, and a blob works
 * wherever the extension comes from. Messages posted before the script is read wait, in order.
 */
import * as vscode from "vscode";

type Listeners<Out> = { message: ((response: Out) => void)[]; error: ((error: Error) => void)[]; exit: ((code: number) => void)[] };

export interface WebWorkerOptions {
  /** Read beside the script; its message is the worker's first (the engine's .wasm), its transfer list moved. */
  init?: () => Promise<{ message: unknown; transfer: Transferable[] }>;
  /** Takes a message from the worker that is not for the client (a file read the host answers); true when taken. */
  intercept?: (worker: Worker, data: unknown) => boolean;
}

/**
 * Messages that may wait for the worker's script (its clients hold at most 2,048 + 64 requests unanswered); past it
 * the worker is taken as failed: it ends with a message, and its clients reject what waits.
 */
export const MAX_WAITING_MESSAGES = 4_096;

export class WebWorkerThread<In, Out> {
  private worker: Worker | undefined;
  private readonly waiting: In[] = [];
  private readonly listeners: Listeners<Out> = { message: [], error: [], exit: [] };
  private exited = false;
  private scriptUrl: string | undefined;

  /** `script`: the bundled worker (a classic script) in the extension's folder. */
  constructor(script: vscode.Uri, options: WebWorkerOptions = {}) {
    void this.start(script, options).catch((error: unknown) => this.exit(1, error instanceof Error ? error : new Error(String(error))));
  }

  private async start(script: vscode.Uri, { init, intercept }: WebWorkerOptions): Promise<void> {
    const [code, first] = await Promise.all([vscode.workspace.fs.readFile(script), init?.()]);
    if (this.exited) return;
    const url = URL.createObjectURL(new Blob([code as Uint8Array<ArrayBuffer>], { type: "text/javascript" }));
    // Kept until the worker ends: VS Code's Worker wrapper loads the script later, with importScripts(url).
    this.scriptUrl = url;
    const worker = new Worker(url);
    worker.onmessage = ({ data }: MessageEvent<Out>) => {
      if (intercept?.(worker, data)) return;
      for (const listener of [...this.listeners.message]) listener(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.exit(1, new Error(event.message || `the web worker ${script.path.split("/").pop()} failed`));
    };
    if (first) worker.postMessage(first.message, first.transfer);
    this.worker = worker;
    for (const request of this.waiting.splice(0)) worker.postMessage(request);
  }

  postMessage(message: In): void {
    if (this.exited) return;
    if (this.worker) this.worker.postMessage(message);
    else if (this.waiting.length < MAX_WAITING_MESSAGES) this.waiting.push(message);
    else this.exit(1, new Error(`the web worker did not start: ${this.waiting.length} messages waited for its script (at most ${MAX_WAITING_MESSAGES})`));
  }

  on(event: "message", listener: (response: Out) => void): this;
  on(event: "error", listener: (error: Error) => void): this;
  on(event: "exit", listener: (code: number) => void): this;
  on(event: keyof Listeners<Out>, listener: (value: never) => void): this {
    (this.listeners[event] as ((value: never) => void)[]).push(listener);
    return this;
  }

  once(event: "exit", listener: (code: number) => void): this {
    const wrapped = (code: number) => {
      this.listeners.exit.splice(this.listeners.exit.indexOf(wrapped), 1);
      listener(code);
    };
    this.listeners.exit.push(wrapped);
    return this;
  }

  async terminate(): Promise<number> {
    this.exit(1);
    return 1;
  }

  // A Web Worker does not keep anything alive: nothing to reference.
  ref(): void {}
  unref(): void {}

  private exit(code: number, error?: Error): void {
    if (this.exited) return;
    this.exited = true;
    this.worker?.terminate();
    if (this.scriptUrl) URL.revokeObjectURL(this.scriptUrl);
    if (error) for (const listener of [...this.listeners.error]) listener(error);
    for (const listener of [...this.listeners.exit]) listener(code);
  }
}
