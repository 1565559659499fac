/**
 * The table worker in a Web Worker (VS Code for the Web): the browser shell around the same message handling as the
 * desktop's worker_threads worker (engine/tables/serve.ts). A browser worker has no file system, so it reads no `file`
 * source: it refuses one with `needsText` and the host sends the document's text instead (engine/tables/tableClient.ts).
 */
import type { TableRequest, TableResponse } from "../engine/tables/tableProtocol";
import { serveTables } from "../engine/tables/serve";

interface WorkerScope {
  onmessage: ((event: MessageEvent<TableRequest>) => void) | null;
  postMessage(message: TableResponse, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

const receive = serveTables({ post: (response, transfer = []) => scope.postMessage(response, transfer) });
scope.onmessage = ({ data }) => receive(data);
