/**
 * The engine's memory budget, watched: the process's resident memory is looked at every few seconds while one engine
 * thread runs, and past the budget the owner is told (engineClient.ts stops the engine, releases its sessions and
 * rejects what waits). Where the runtime does not tell the process's memory (a browser's web worker), nothing is
 * watched.
 */

/** How often the engine's memory is looked at while its worker runs. */
const MEMORY_CHECK_MS = 2_000;

/**
 * The engine's memory budget: `budgetBytes` of growth of the process's resident memory since the worker started (what
 * the worker, its sessions and its helpers hold: native memory of onnxruntime is not told apart by thread). Past it the
 * engine stops, releases its sessions, rejects what waits with the reason, and starts again on the next request.
 * `rss` reads the process's resident memory (default process.memoryUsage.rss, where there is one: not on the web).
 */
export interface MemoryBudget {
  budgetBytes: number;
  rss?: () => number;
  everyMs?: number;
}

export class MemoryWatch {
  private timer: ReturnType<typeof setInterval> | undefined;

  /** `onOver(used, budget)`: the growth went past the budget; the watch has stopped. */
  constructor(
    private budget: MemoryBudget | undefined,
    private readonly onOver: (usedBytes: number, budgetBytes: number) => void,
  ) {}

  /** Whether a thread is being watched. */
  get watching(): boolean {
    return this.timer !== undefined;
  }

  /** A new budget (a setting changed); undefined turns the watch off. Applies from the next look. */
  setBudget(budget: MemoryBudget | undefined): void {
    this.budget = budget;
  }

  /** Watches from a baseline taken now, while `current()` says the thread it was started for is still the engine's. */
  start(current: () => boolean): void {
    this.stop();
    const rss = this.budget?.rss ?? defaultRss();
    if (!this.budget || !rss) return;
    const baseline = rss();
    const timer = setInterval(() => {
      if (!current() || !this.budget) {
        clearInterval(timer);
        if (this.timer === timer) this.timer = undefined;
        return;
      }
      const used = rss() - baseline;
      if (used <= this.budget.budgetBytes) return;
      this.stop();
      this.onOver(used, this.budget.budgetBytes);
    }, this.budget.everyMs ?? MEMORY_CHECK_MS);
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The process's resident memory, where the runtime tells it (Node; not a browser's web worker). */
function defaultRss(): (() => number) | undefined {
  const usage = (globalThis as { process?: { memoryUsage?: { rss?: () => number } } }).process?.memoryUsage;
  return typeof usage?.rss === "function" ? () => usage.rss!() : undefined;
}
