/**
 * Long loops on a host's main thread (15,000 rows: scoring bookkeeping, the panel's model and its JSON) give the event
 * loop back every few milliseconds, so typing, painting and other extensions are not held up. Pure: the caller says
 * how to wait for the next turn (`setImmediate` in Node), so the page and the tests can use the same code.
 */

/** Awaited by a loop every few items: resolves at once, or after the next event-loop turn once the budget is spent. */
export type Pause = () => Promise<void>;

/** Thrown by a Pause whose work was superseded (a newer run, a closed panel): the loop stops where it is. */
export class SupersededError extends Error {
  constructor() {
    super("superseded by newer work");
    this.name = "SupersededError";
  }
}

/** Milliseconds of work between two turns: well under the 20 ms a turn may take. */
export const SLICE_MS = 4;

/**
 * A Pause that waits for `turn` once `budgetMs` have passed since the last wait, and otherwise resolves at once. With
 * `alive`, a pause after which the work is no longer wanted rejects with SupersededError.
 */
export function timeSlices(turn: () => Promise<void>, options: { budgetMs?: number; alive?: () => boolean; now?: () => number } = {}): Pause {
  const { budgetMs = SLICE_MS, alive = () => true, now = () => performance.now() } = options;
  let since = now();
  return async () => {
    if (now() - since >= budgetMs) {
      await turn();
      since = now();
    }
    if (!alive()) throw new SupersededError();
  };
}

/**
 * Pauses that share one budget per event-loop turn: loops that follow one another in a turn (a result's last
 * bookkeeping, then its paint, then the panel's first rows) count against the same few milliseconds, where pauses of
 * their own (timeSlices) would each spend a full budget. The budget starts at a turn's first pause and is renewed once
 * `turn` has passed. Each call gives a Pause (with `alive`, as timeSlices).
 */
export function turnClock(turn: () => Promise<void>, now: () => number = () => performance.now()): (options?: { budgetMs?: number; alive?: () => boolean }) => Pause {
  let since: number | undefined;
  const started = () => {
    if (since === undefined) {
      since = now();
      // Queued before any pause of this turn waits, so it has run by the time that pause resumes.
      void turn().then(() => (since = undefined));
    }
    return since;
  };
  return ({ budgetMs = SLICE_MS, alive = () => true } = {}) =>
    async () => {
      if (now() - started() >= budgetMs) await turn();
      if (!alive()) throw new SupersededError();
    };
}

/** `body` for each of many items, pausing every `every` items. */
export async function forSliced<T>(items: readonly T[], pause: Pause, body: (item: T, index: number) => void, every = 64): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (i % every === every - 1) await pause();
    body(items[i], i);
  }
}

/** `map` over many items, pausing every `every` items. */
export async function mapSliced<T, R>(items: readonly T[], pause: Pause, map: (item: T, index: number) => R, every = 64): Promise<R[]> {
  const out = new Array<R>(items.length);
  await forSliced(items, pause, (item, i) => (out[i] = map(item, i)), every);
  return out;
}
