/**
 * The engine in a Web Worker (VS Code for the Web): the shell around the shared engine (model.ts, tokenizer.ts,
 * wasmBackend.ts, read through files.ts). Requests arrive with self.onmessage and answers leave with postMessage; the
 * model's files are asked from the extension host (it reads them with vscode.workspace.fs), and onnxruntime-web gets
 * its .wasm as bytes (init message): the worker fetches nothing itself.
 *
 * The queue here is deliberately small (priority order, one request at a time, cancel of queued requests): the
 * desktop worker's scheduler (engine/worker/worker.ts) is being reworked into a module that takes a post(response)
 * function; once it is, this shell runs that scheduler instead.
 */
import { messageOf } from "../core/errors";
import type { Request, Response } from "../engine/protocol";
import { joinName, sha256Hex, useModelFiles } from "../engine/worker/files";
import { SentimentModel } from "../engine/worker/model";
import { createWasmBackend } from "../engine/worker/wasmBackend";
import type { FileMessage, InitMessage, ReadMessage, WorkerMessage } from "./messages";

interface WorkerScope {
  onmessage: ((event: MessageEvent<Request | InitMessage | FileMessage>) => void) | null;
  postMessage(message: WorkerMessage): void;
  close(): void;
}
const scope = self as unknown as WorkerScope;

let init: InitMessage | undefined;
let nextRead = 1;
const reads = new Map<number, { resolve: (message: FileMessage) => void }>();

function ask(uri: string, stat: boolean): Promise<FileMessage> {
  const id = nextRead++;
  return new Promise((resolve) => {
    reads.set(id, { resolve });
    scope.postMessage({ type: "read", id, uri, stat } satisfies ReadMessage);
  });
}

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

let model: SentimentModel | undefined;
const queue: Exclude<Request, { type: "cancel" | "close" }>[] = [];
let running = false;

async function handle(request: (typeof queue)[number]): Promise<Response> {
  try {
    if (request.type === "load") {
      if (!init) throw new Error("the web engine was not initialised");
      const backend = createWasmBackend({ wasmBinary: init.wasmBinary, threads: init.threads });
      const next = await SentimentModel.load(request.spec, backend);
      const previous = model;
      model = next;
      await previous?.dispose();
      return { id: request.id, ok: true, result: { ...next.info, backendReason: "VS Code for the Web: WebAssembly is the only runtime in a browser" } };
    }
    if (!model) throw new Error("no model is loaded");
    if (request.type === "classify") return { id: request.id, ok: true, result: await model.classify(request.texts) };
    return { id: request.id, ok: true, result: await model.explain(request.text) };
  } catch (error) {
    return { id: request.id, ok: false, error: messageOf(error) };
  }
}

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let request = queue.shift(); request; request = queue.shift()) scope.postMessage(await handle(request));
  } finally {
    running = false;
  }
}

scope.onmessage = ({ data }) => {
  if (data.type === "init") {
    init = data;
  } else if (data.type === "file") {
    reads.get(data.id)?.resolve(data);
    reads.delete(data.id);
  } else if (data.type === "close") {
    queue.length = 0;
    void model?.dispose().finally(() => scope.close());
  } else if (data.type === "cancel") {
    const ids = new Set(data.ids);
    for (const queued of queue.filter((q) => ids.has(q.id))) {
      queue.splice(queue.indexOf(queued), 1);
      scope.postMessage({ id: queued.id, ok: false, error: "cancelled", cancelled: true });
    }
  } else {
    // Stable insert: after every queued request of the same or a more urgent priority.
    const at = queue.findIndex((queued) => queued.priority > data.priority);
    queue.splice(at < 0 ? queue.length : at, 0, data);
    void pump();
  }
};
