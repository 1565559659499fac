/**
 * The engine in a Web Worker (VS Code for the Web): the browser shell around the engine's queue (scheduler.ts, the same
 * one the desktop worker runs) and the shared model code (model.ts, tokenizer.ts, wasmBackend.ts, reading through
 * files.ts). Requests arrive with self.onmessage and answers leave with postMessage; the model's files are asked from
 * the extension host (it reads them with vscode.workspace.fs), and onnxruntime-web gets its .wasm as bytes (init
 * message): the worker fetches nothing itself. No helper lane: one session (a second one would need a second Web
 * Worker and, to pay off, the threads cross-origin isolation gives).
 */
import "./shims/globals";
import type { Request } from "../engine/engineProtocol";
import { joinName, sha256Hex, useModelFiles } from "../engine/worker/files";
import { SentimentModel } from "../engine/worker/model";
import { Scheduler } from "../engine/worker/scheduler";
import { createWasmBackend } from "../engine/worker/wasmBackend";
import { fileReads } from "./fileReads";
import type { FileMessage, InitMessage, WorkerMessage } from "./messages";

interface WorkerScope {
  onmessage: ((event: MessageEvent<Request | InitMessage | FileMessage>) => void) | null;
  postMessage(message: WorkerMessage): void;
  close(): void;
}
const scope = self as unknown as WorkerScope;

let init: InitMessage | undefined;

/** The model's files, asked from the extension host (at most MAX_FILE_READS at once: fileReads.ts). */
const files = fileReads((message) => scope.postMessage(message));
const ask = (uri: string, stat: boolean): Promise<FileMessage> => files.ask(uri, stat);

async function readUri(uri: string): Promise<Uint8Array> {
  const answer = await ask(uri, false);
  if (!answer.bytes) throw new Error(`${uri}: ${answer.error ?? "cannot be read"}`);
  return answer.bytes;
}

// A model folder is named by its URI (string); its files are read through the host. The graph is read twice in one
// load (its sha256, then the session): the last file read is kept for the second read.
useModelFiles((dir) => {
  let last: { name: string; bytes: Promise<Uint8Array> } | undefined;
  const read = (name: string) => {
    if (last?.name !== name) last = { name, bytes: readUri(joinName(dir, name)) };
    const { bytes } = last;
    bytes.catch(() => (last = undefined));
    return bytes;
  };
  return {
    pathOf: (name) => (name ? joinName(dir, name) : dir),
    read,
    exists: async (name) => (await ask(name ? joinName(dir, name) : dir, true)).exists === true,
    sha256: async (name) => sha256Hex(await read(name)),
  };
});

const scheduler = new Scheduler({
  post: (response) => scope.postMessage(response),
  async load(spec) {
    if (!init) throw new Error("the web engine was not initialised");
    const backend = createWasmBackend({ wasmBinary: init.wasmBinary, threads: init.threads });
    const model = await SentimentModel.load(spec, backend);
    return { model, backendReason: "VS Code for the Web: WebAssembly is the only runtime in a browser" };
  },
});

scope.onmessage = ({ data }) => {
  if (data.type === "init") {
    init = data;
  } else if (data.type === "file") {
    files.answer(data);
  } else if (data.type === "close") {
    void scheduler.close().finally(() => scope.close());
  } else {
    scheduler.receive(data);
  }
};
