/**
 * What the web engine worker and the extension host say besides the engine protocol (engine/engineProtocol.ts): the worker
 * has no file system, so it asks the host for the model's files, and the host gives it onnxruntime-web's .wasm.
 */
import type { Response } from "../engine/engineProtocol";

/** Host -> worker, before any request: the WebAssembly runtime's bytes and the thread count. */
export interface InitMessage {
  type: "init";
  wasmBinary: Uint8Array;
  threads: number;
}

/** Worker -> host: read a file (bytes) or ask whether it exists (`stat`), by URI string. */
export interface ReadMessage {
  type: "read";
  id: number;
  uri: string;
  stat: boolean;
}

/** Host -> worker: the answer to a ReadMessage. */
export interface FileMessage {
  type: "file";
  id: number;
  bytes?: Uint8Array;
  exists?: boolean;
  error?: string;
}

export type WorkerMessage = Response | ReadMessage;

export function isReadMessage(message: WorkerMessage): message is ReadMessage {
  return (message as ReadMessage).type === "read";
}
