/**
 * The engine worker (worker_threads). Holds one SentimentModel; answers load and classify requests in order.
 * A failed load keeps the model it had. Every failure goes back to the caller as a message, never a hang.
 */
import { parentPort } from "node:worker_threads";
import { messageOf } from "./errors";
import { SentimentModel } from "./model";
import type { Request, Response } from "./protocol";

const port = parentPort;
if (!port) throw new Error("worker.js runs only as a worker thread");

let model: SentimentModel | undefined;
let queue: Promise<void> = Promise.resolve();

async function handle(request: Request): Promise<Response> {
  try {
    if (request.type === "load") {
      const next = await SentimentModel.load(request.spec);
      const previous = model;
      model = next;
      await previous?.dispose();
      return { id: request.id, ok: true, result: next.info };
    }
    if (!model) throw new Error("no model is loaded");
    if (request.type === "explain") return { id: request.id, ok: true, result: await model.explain(request.text) };
    return { id: request.id, ok: true, result: await model.classify(request.texts) };
  } catch (error) {
    return { id: request.id, ok: false, error: messageOf(error) };
  }
}

port.on("message", (request: Request) => {
  queue = queue.then(async () => port.postMessage(await handle(request)));
});
