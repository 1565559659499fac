/**
 * The engine's Web Worker as EngineClient sees a thread (engine/client.ts EngineThread), in the web worker extension
 * host. The worker is created from a blob URL made from dist/web/worker.js's bytes, read with vscode.workspace.fs: a
 * web extension installed on a server (code-server, Codespaces) has vscode-remote: URLs, from which the extension host
 * refuses to create workers, and a blob works wherever the extension comes from. The worker's first message gives it
 * onnxruntime-web's .wasm (read the same way, transferred); later, the worker asks for the model's files by URI and
 * this side reads them and transfers the bytes.
 */
import * as vscode from "vscode";
import type { EngineThread } from "../engine/client";
import type { Request, Response } from "../engine/protocol";
import { isReadMessage, type FileMessage, type InitMessage, type ReadMessage, type WorkerMessage } from "./messages";

type Listeners = { message: ((response: Response) => void)[]; error: ((error: Error) => void)[]; exit: ((code: number) => void)[] };

export class WebEngineThread implements EngineThread {
  private worker: Worker | undefined;
  private readonly waiting: Request[] = [];
  private readonly listeners: Listeners = { message: [], error: [], exit: [] };
  private exited = false;
  private scriptUrl: string | undefined;

  constructor(extensionUri: vscode.Uri, threads: number) {
    void this.start(extensionUri, threads).catch((error: unknown) => this.exit(1, error instanceof Error ? error : new Error(String(error))));
  }

  private async start(extensionUri: vscode.Uri, threads: number): Promise<void> {
    const [script, wasmBinary] = await Promise.all([
      vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, "dist", "web", "worker.js")),
      vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, "dist", "web", "ort-wasm-simd-threaded.wasm")),
    ]);
    if (this.exited) return;
    const url = URL.createObjectURL(new Blob([script as Uint8Array<ArrayBuffer>], { type: "text/javascript" }));
    // Kept until the worker ends: VS Code's Worker wrapper loads the script later, with importScripts(url).
    this.scriptUrl = url;
    const worker = new Worker(url);
    worker.onmessage = ({ data }: MessageEvent<WorkerMessage>) => {
      if (isReadMessage(data)) void this.answer(worker, data);
      else for (const listener of [...this.listeners.message]) listener(data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.exit(1, new Error(event.message || "the web engine worker failed"));
    };
    worker.postMessage({ type: "init", wasmBinary, threads } satisfies InitMessage, [wasmBinary.buffer]);
    this.worker = worker;
    for (const request of this.waiting.splice(0)) worker.postMessage(request);
  }

  private async answer(worker: Worker, { id, uri, stat }: ReadMessage): Promise<void> {
    const target = vscode.Uri.parse(uri);
    let answer: FileMessage;
    try {
      if (stat) {
        answer = await vscode.workspace.fs.stat(target).then(
          () => ({ type: "file", id, exists: true }),
          () => ({ type: "file", id, exists: false }),
        );
      } else {
        answer = { type: "file", id, bytes: await vscode.workspace.fs.readFile(target) };
      }
    } catch (error) {
      answer = { type: "file", id, error: error instanceof Error ? error.message : String(error) };
    }
    worker.postMessage(answer, answer.bytes ? [answer.bytes.buffer] : []);
  }

  postMessage(message: Request): void {
    if (this.exited) return;
    if (this.worker) this.worker.postMessage(message);
    else this.waiting.push(message);
    // "close": the worker releases the model and closes itself; a Web Worker has no exit event, so end here.
    if (message.type === "close") setTimeout(() => void this.terminate(), 5_000);
  }

  on(event: "message", listener: (response: Response) => void): this;
  on(event: "error", listener: (error: Error) => void): this;
  on(event: "exit", listener: (code: number) => void): this;
  on(event: keyof Listeners, listener: (value: never) => void): this {
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
