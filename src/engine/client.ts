/**
 * The host side of the engine: one worker thread, typed requests with ids. The worker starts lazily, loads the
 * current model first, and restarts on the next request after it dies. Every pending request is rejected on the
 * worker's `error`, on its `exit`, and on dispose, so no caller waits forever.
 */
import { Worker } from "node:worker_threads";
import type { Classification } from "../core/types";
import type { Explanation, ModelInfo, ModelSpec, Request, Response } from "./protocol";

type Pending = { resolve: (value: never) => void; reject: (error: Error) => void };
type RequestBody = Request extends infer R ? (R extends Request ? Omit<R, "id"> : never) : never;

export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private model: Promise<ModelInfo> | undefined;
  private disposed = false;
  /** Texts sent to the model since the client was made. */
  textsSent = 0;

  constructor(
    private readonly workerPath: string,
    private spec: ModelSpec,
  ) {}

  /** The loaded model, loading it (and starting the worker) on first use. */
  modelInfo(): Promise<ModelInfo> {
    if (!this.model) {
      const loading = this.send({ type: "load", spec: this.spec }) as Promise<ModelInfo>;
      // A failed load is not remembered: the next request tries again (the folder may have been fixed).
      loading.catch(() => {
        if (this.model === loading) this.model = undefined;
      });
      this.model = loading;
    }
    return this.model;
  }

  /** Switches to another model. If it fails to load, the error is thrown and the previous model stays in use. */
  async setModel(spec: ModelSpec): Promise<ModelInfo> {
    const info = (await this.send({ type: "load", spec })) as ModelInfo;
    this.spec = spec;
    this.model = Promise.resolve(info);
    return info;
  }

  /** Classifies texts in the worker; results are in input order. */
  async classify(texts: readonly string[]): Promise<Classification[]> {
    if (texts.length === 0) return [];
    // The worker answers in order, so a classify sent after the load runs on that model, even after a restart.
    const loaded = this.modelInfo();
    const results = this.send({ type: "classify", texts: [...texts] }) as Promise<Classification[]>;
    results.catch(() => undefined);
    await loaded;
    this.textsSent += texts.length;
    return results;
  }

  /** The words that move a text's score most (leave-one-word-out in the worker). */
  async explain(text: string): Promise<Explanation> {
    const loaded = this.modelInfo();
    const result = this.send({ type: "explain", text }) as Promise<Explanation>;
    result.catch(() => undefined);
    await loaded;
    return result;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.fail(new Error("the sentiment engine was shut down"));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private send(body: RequestBody): Promise<unknown> {
    if (this.disposed) return Promise.reject(new Error("the sentiment engine was shut down"));
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      worker.ref();
      worker.postMessage({ ...body, id } as Request);
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
    worker.on("message", (response: Response) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      this.pending.delete(response.id);
      // An idle worker must not keep a CLI process alive; a busy one must.
      if (this.pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(response.result as never);
      else pending.reject(new Error(response.error));
    });
    worker.on("error", (error) => this.crashed(worker, new Error(`the sentiment engine failed: ${error.message}`)));
    worker.on("exit", (code) => this.crashed(worker, new Error(`the sentiment engine stopped (exit code ${code})`)));
    this.worker = worker;
    this.model = undefined;
    return worker;
  }

  private crashed(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.model = undefined;
    this.fail(error);
  }

  private fail(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
