/**
 * Whether the analysis is idle: runs in flight, and work scheduled but not started (a debounce) held open, so tests
 * and callers can await the extension's own idle signal instead of sleeping. Progress (units done of a total) is
 * reported through the same place; undefined means idle. Pure: no `vscode`.
 */

export interface Progress {
  done: number;
  total: number;
}

export class Activity {
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly onProgress: (progress: Progress | undefined) => void) {}

  /** Runs `work` counted as in flight. */
  async during<T>(work: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await work();
    } finally {
      this.end();
    }
  }

  /** Marks work that is scheduled but not started (a debounce), so whenIdle waits for it; the result releases it once. */
  hold(): () => void {
    this.begin();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.end();
    };
  }

  /** Resolves when nothing is in flight or held. */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  report(progress: Progress): void {
    this.onProgress(progress);
  }

  begin(): void {
    if (this.inFlight++ === 0) this.onProgress({ done: 0, total: 0 });
  }

  end(): void {
    if (--this.inFlight > 0) return;
    this.onProgress(undefined);
    this.release();
  }

  /** Resolves every waiter (on dispose: no caller waits forever). */
  release(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  counters(): { inFlight: number; idleWaiters: number } {
    return { inFlight: this.inFlight, idleWaiters: this.idleWaiters.length };
  }
}
