/**
 * More engine workers for bulk work. One worker uses every core through onnxruntime's threads (the default); on
 * machines with more cores than one session uses well, helpers add throughput: a document of many paragraphs is shared
 * out in chunks between the primary worker and helpers, each pulling the next chunk when it is done. Helpers start only
 * for bulk work and stop after a while idle, so an editor that is only being typed in keeps one worker (and one model)
 * in memory. Results do not depend on which worker scored a text.
 */
import type { Classification } from "../core/types";
import { EngineClient, type Priority } from "./client";
import type { Explanation, ModelInfo, ModelSpec } from "./protocol";

/** Texts per chunk handed to a worker; a request of more than two chunks is bulk work. */
const CHUNK = 64;
/** Helpers stop after this long without work. */
const HELPER_IDLE_MS = 30_000;

export class EnginePool {
  private readonly primary: EngineClient;
  private helpers: EngineClient[] = [];
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private active = 0;
  private spec: ModelSpec;
  private helperTexts = 0;
  private helperRestarts = 0;
  private crashListener: ((message: string, retried: boolean) => void) | undefined;

  /** `workers`: the primary plus helpers at most (1: no helpers). */
  constructor(
    private readonly workerPath: string,
    spec: ModelSpec,
    private workers = 1,
  ) {
    this.spec = spec;
    this.primary = new EngineClient(workerPath, spec);
  }

  /** Texts sent to any worker. */
  get textsSent(): number {
    return this.primary.textsSent + this.helperTexts + this.helpers.reduce((sum, helper) => sum + helper.textsSent, 0);
  }

  /** Workers running now, the primary included. */
  get workersRunning(): number {
    return 1 + this.helpers.length;
  }

  get restarts(): number {
    return this.primary.restarts + this.helperRestarts + this.helpers.reduce((sum, helper) => sum + helper.restarts, 0);
  }

  set onCrash(listener: ((message: string, retried: boolean) => void) | undefined) {
    this.crashListener = listener;
    this.primary.onCrash = listener;
    for (const helper of this.helpers) helper.onCrash = listener;
  }

  modelInfo(): Promise<ModelInfo> {
    return this.primary.modelInfo();
  }

  /** Loads another model in the primary worker; helpers are stopped and start again with it when next needed. */
  async setModel(spec: ModelSpec): Promise<ModelInfo> {
    const info = await this.primary.setModel(spec);
    this.spec = spec;
    this.stopHelpers();
    return info;
  }

  /** How many workers bulk work may use (the primary included). */
  setWorkers(workers: number): void {
    this.workers = Math.max(1, workers);
    if (this.helpers.length > this.workers - 1) this.stopHelpers();
  }

  async classify(texts: readonly string[], options: { priority?: Priority; signal?: AbortSignal } = {}): Promise<Classification[]> {
    if (this.workers <= 1 || texts.length <= 2 * CHUNK) return this.primary.classify(texts, options);
    this.begin();
    try {
      const clients = [this.primary, ...this.ensureHelpers()];
      const results: Classification[][] = [];
      let next = 0;
      // Each worker pulls the next chunk when it is done: a fast worker takes more, and a high-priority request sent
      // meanwhile waits for at most one chunk.
      await Promise.all(
        clients.map(async (client) => {
          for (let chunk = next++; chunk * CHUNK < texts.length; chunk = next++) {
            results[chunk] = await client.classify(texts.slice(chunk * CHUNK, (chunk + 1) * CHUNK), options);
          }
        }),
      );
      return results.flat();
    } finally {
      this.end();
    }
  }

  explain(text: string): Promise<Explanation> {
    return this.primary.explain(text);
  }

  /** Stops the primary worker as a crash would (its pending requests are sent again to a new one). */
  restart(): Promise<void> {
    return this.primary.restart();
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.stopHelpers();
    this.primary.dispose();
  }

  private ensureHelpers(): EngineClient[] {
    clearTimeout(this.idleTimer);
    while (this.helpers.length < this.workers - 1) {
      // Helpers use one thread each: together with the primary they fill the cores without oversubscribing them.
      const helper = new EngineClient(this.workerPath, { ...this.spec, intraOpThreads: 1 });
      helper.onCrash = this.crashListener;
      this.helpers.push(helper);
    }
    return this.helpers;
  }

  private stopHelpers(): void {
    for (const helper of this.helpers) {
      this.helperTexts += helper.textsSent;
      this.helperRestarts += helper.restarts;
      helper.dispose();
    }
    this.helpers = [];
  }

  private begin(): void {
    this.active++;
    clearTimeout(this.idleTimer);
  }

  private end(): void {
    if (--this.active > 0 || this.helpers.length === 0) return;
    this.idleTimer = setTimeout(() => this.stopHelpers(), HELPER_IDLE_MS);
    this.idleTimer.unref();
  }
}
