/**
 * The web engine worker's file reads through the extension host (it has no file system: worker.ts asks, the host's
 * engineThread.ts answers with the bytes). A model load reads a handful of files one after another; at most
 * MAX_FILE_READS wait for their answers at once, and a read past them is refused with a message instead of queued.
 * No DOM or vscode API here (the unit tests run it).
 */
import type { FileMessage, ReadMessage } from "./messages";

/** File reads the worker waits for at once (a model's files are read one by one: a few at most). */
export const MAX_FILE_READS = 16;

export class FileReads {
  private nextId = 1;
  private readonly waiting = new Map<number, (message: FileMessage) => void>();

  /** `post`: sends a read request to the host. */
  constructor(private readonly post: (message: ReadMessage) => void) {}

  /** Reads waiting for their answer. */
  get size(): number {
    return this.waiting.size;
  }

  /** Asks the host for a file's bytes, or (`stat`) whether it exists. */
  ask(uri: string, stat: boolean): Promise<FileMessage> {
    if (this.waiting.size >= MAX_FILE_READS) {
      return Promise.reject(new Error(`${uri}: not read: ${this.waiting.size} file reads are waiting for the editor (at most ${MAX_FILE_READS})`));
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.post({ type: "read", id, uri, stat });
    });
  }

  /** The host's answer to a read. */
  answer(message: FileMessage): void {
    this.waiting.get(message.id)?.(message);
    this.waiting.delete(message.id);
  }
}
