/** A table thread for the unit tests: the table server of engine/tables/serve.ts on a thread made in this process. */
import type { TableThread } from "../../src/engine/tables/tableClient";
import type { TableRequest, TableResponse } from "../../src/engine/tables/tableProtocol";
import { serveTables } from "../../src/engine/tables/serve";
import type { DetectedLanguage } from "../../src/core/language";

/**
 * The table server (serve.ts) as the web build's Web Worker runs it, without a file system (no readFile), on a thread
 * made in this process: messages cross with a microtask, as a worker's would, never synchronously. `requests` holds
 * what the client sent.
 */
export function threadWithoutFiles(detect?: (text: string) => DetectedLanguage | undefined): TableThread & { requests: TableRequest[] } {
  const listeners: ((response: TableResponse) => void)[] = [];
  const receive = serveTables({ post: (response) => queueMicrotask(() => listeners.forEach((listener) => listener(response))), detect });
  const requests: TableRequest[] = [];
  return {
    requests,
    postMessage(message) {
      requests.push(message);
      queueMicrotask(() => receive(message));
    },
    on(event: string, listener: (value: never) => void) {
      if (event === "message") listeners.push(listener as (response: TableResponse) => void);
      return this;
    },
    terminate: async () => 1,
    ref() {},
    unref() {},
  };
}
