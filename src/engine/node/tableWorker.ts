/**
 * The table worker's Node shell (worker_threads, desktop): the message handling is serve.ts, shared with the web
 * build's Web Worker (src/web/tableWorker.ts); here a `file` source is read from the file system.
 */
import { readFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { serveTables } from "../tables/serve";

const port = parentPort;
if (!port) throw new Error("tableWorker.js runs only as a worker thread");

port.on("message", serveTables({ post: (response, transfer) => port.postMessage(response, transfer), readFile: (path) => readFileSync(path) }));
