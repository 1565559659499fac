/**
 * The engine's Web Worker as EngineClient sees a thread (engine/engineClient.ts EngineThread), in the web worker extension
 * host: dist/web/worker.js started from a blob URL (workerThread.ts). The worker's first message gives it
 * onnxruntime-web's .wasm (read with vscode.workspace.fs, transferred); later, the worker asks for the model's files by
 * URI and this side reads them and transfers the bytes.
 */
import * as vscode from "vscode";
import type { EngineThread } from "../engine/engineClient";
import type { Request, Response } from "../engine/engineProtocol";
import { exists } from "./exists";
import { isReadMessage, type FileMessage, type InitMessage, type ReadMessage, type WorkerMessage } from "./messages";
import { WebWorkerThread } from "./workerThread";

export class WebEngineThread extends WebWorkerThread<Request, Response> implements EngineThread {
  constructor(extensionUri: vscode.Uri, threads: number) {
    super(vscode.Uri.joinPath(extensionUri, "dist", "web", "worker.js"), {
      init: async () => {
        const wasmBinary = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, "dist", "web", "ort-wasm-simd-threaded.wasm"));
        return { message: { type: "init", wasmBinary, threads } satisfies InitMessage, transfer: [wasmBinary.buffer] };
      },
      intercept: (worker, data) => {
        if (!isReadMessage(data as WorkerMessage)) return false;
        void answer(worker, data as ReadMessage);
        return true;
      },
    });
  }

  override postMessage(message: Request): void {
    super.postMessage(message);
    // "close": the worker releases the model and closes itself; a Web Worker has no exit event, so end here.
    if (message.type === "close") setTimeout(() => void this.terminate(), 5_000);
  }
}

async function answer(worker: Worker, { id, uri, stat }: ReadMessage): Promise<void> {
  const target = vscode.Uri.parse(uri);
  let answer: FileMessage;
  try {
    if (stat) {
      answer = { type: "file", id, exists: await exists(target) };
    } else {
      answer = { type: "file", id, bytes: await vscode.workspace.fs.readFile(target) };
    }
  } catch (error) {
    answer = { type: "file", id, error: error instanceof Error ? error.message : String(error) };
  }
  worker.postMessage(answer, answer.bytes ? [answer.bytes.buffer] : []);
}
