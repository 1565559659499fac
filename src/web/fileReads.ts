/**
 * The web engine worker's file reads through the extension host (it has no file system: engineWorker.ts asks, the
 * host's engineThread.ts answers with the bytes), on the engine's typed channel. A model load reads a handful of files
 * one after another; at most MAX_FILE_READS wait for their answers at once, and a read past them is refused with a
 * message instead of queued. No DOM or vscode API here (the unit tests run it).
 */
import { Channel, type WorkerThread } from "../engine/channel";
import type { FileMessage, ReadMessage } from "./messages";

/** File reads the worker waits for at once (a model's files are read one by one: a few at most). */
export const MAX_FILE_READS = 16;

/** The file bridge: `ask` sends a read to the host (`post`), `answer` takes the host's answer. */
export function fileReads(post: (message: ReadMessage) => void): { ask(uri: string, stat: boolean): Promise<FileMessage>; answer(message: FileMessage): void } {
  /** The extension host, as the file bridge's channel sees it: asked through `post`, answering by "file". */
  const fileAnswers: ((message: FileMessage) => void)[] = [];
  const extensionHost = {
    postMessage: post,
    on: (event: string, listener: (message: FileMessage) => void) => event === "message" && fileAnswers.push(listener),
    terminate: async () => 0,
    ref: () => undefined,
    unref: () => undefined,
  } as WorkerThread<ReadMessage, FileMessage>;
  const files = new Channel<{ read: { params: { uri: string; stat: boolean }; result: FileMessage } }, ReadMessage, FileMessage>({
    name: "the extension host's file bridge",
    start: () => extensionHost,
    encode: (id, type, params) => ({ type, id, ...params }),
    decode: (message) => ({ kind: "result", id: message.id, value: message }),
    unrefWhenIdle: false,
    maxPending: MAX_FILE_READS,
    busy: (pending) => new Error(`not read: ${pending} file reads are waiting for the editor (at most ${MAX_FILE_READS})`),
  });
  return {
    ask: (uri, stat) => files.request("read", { uri, stat }).catch((error: Error) => Promise.reject(error.message.startsWith("not read:") ? new Error(`${uri}: ${error.message}`) : error)),
    answer: (message) => {
      for (const listener of fileAnswers) listener(message);
    },
  };
}
