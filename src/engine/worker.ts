/**
 * The engine worker (worker_threads). Holds one SentimentModel and a queue of requests ordered by priority (loads
 * first, then what the user sees or edits, then the rest); requests not yet started can be cancelled. A failed load
 * keeps the model it had. Every failure goes back to the caller as a message, never a hang.
 */
import { parentPort } from "node:worker_threads";
import { messageOf } from "./errors";
import { SentimentModel } from "./model";
import type { Request, Response } from "./protocol";

const port = parentPort;
if (!port) throw new Error("worker.js runs only as a worker thread");

let model: SentimentModel | undefined;
const queue: Request[] = [];
let running = false;

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
    if (request.type === "classify") return { id: request.id, ok: true, result: await model.classify(request.texts) };
    throw new Error(`unknown request type ${(request as { type: string }).type}`);
  } catch (error) {
    return { id: request.id, ok: false, error: messageOf(error) };
  }
}

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let request = queue.shift(); request; request = queue.shift()) port!.postMessage(await handle(request));
  } finally {
    running = false;
  }
}

port.on("message", (request: Request) => {
  if (request.type === "cancel") {
    const ids = new Set(request.ids);
    for (let i = queue.length - 1; i >= 0; i--) {
      if (!ids.has(queue[i].id)) continue;
      port.postMessage({ id: queue[i].id, ok: false, error: "cancelled", cancelled: true } satisfies Response);
      queue.splice(i, 1);
    }
    return;
  }
  // Stable insert: after every queued request of the same or a more urgent priority.
  const at = queue.findIndex((queued) => queued.priority > request.priority);
  queue.splice(at < 0 ? queue.length : at, 0, request);
  void pump();
});
