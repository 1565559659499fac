/**
 * Where the scheduler's runs go (scheduler.ts): lanes, each one session that runs rows of token ids. The model's own
 * session runs in the engine's thread; a helper lane (node/helperLane.ts: a second session in a thread of its own)
 * takes bulk work when the host allows one. `HelperLanes` is the helper's life: started for bulk work when the loaded
 * model's plan has one; stopped after idling, before a load and on close; never a second one while one runs, starts
 * or is still closing (starts never outpace ends); off for the rest of a model's life once one failed.
 */
import { messageOf } from "../../core/errors";

/** Runs rows of token ids through one session; each row's label probabilities. */
export interface Lane {
  readonly name: string;
  run(rows: number[][]): Promise<number[][]>;
  close(): Promise<void>;
}

export interface HelperPlan {
  /** How the work is shared out, for the model's info (the CLI's --verbose). */
  describe: string;
  /** Starts a helper lane running the loaded model's graph (resolves once it is loaded and warm). */
  start(): Promise<Lane>;
}

export interface LaneState {
  lane: Lane;
  /** Runs handed to it and not back yet, and how many it may have (1 for the own session, HELPER_CAPACITY for a
   * helper: its answers wait for this thread's own run to end, so it holds the next ones already). */
  running: number;
  capacity: number;
  runs: number;
}

/**
 * Runs a helper lane holds at once: it starts the next as soon as one ends, while this thread may be blocked in its
 * own session's run (up to a 512-token window) and cannot hand it more. With 2, the helper idled whenever the own run
 * outlasted its one queued run; 4 short windows (~4-20 ms each at one thread) cover the own session's runs. The cost:
 * a cancelled request's windows already handed over still run (at most this many).
 */
const HELPER_CAPACITY = 4;
/** A helper stops after this long without a run, so an editor that is only being typed in keeps one session. */
export const HELPER_IDLE_MS = 30_000;

export class HelperLanes {
  /** The helper lanes running (at most one). */
  lanes: LaneState[] = [];
  /** Why helpers are off for the current model (one failed); they are tried again with the next load. */
  broken: string | undefined;
  starts = 0;
  stops = 0;
  private plan: HelperPlan | undefined;
  /** The start of the helper, from when it is asked for until it is stopped. */
  private starting: Promise<void> | undefined;
  private idle: ReturnType<typeof setTimeout> | undefined;
  /** Changes whenever helpers are stopped: a helper that finishes starting after that closes itself. */
  private generation = 0;
  /** Helpers still closing: no new one starts until they have ended. */
  private closing = 0;

  /** `ready`: a helper lane is running and may be given work. */
  constructor(
    private readonly idleMs: number,
    private readonly ready: () => void,
  ) {}

  /** A new model's plan (helpers stopped before): helpers may start again. */
  reset(plan: HelperPlan | undefined): void {
    this.plan = plan;
    this.broken = undefined;
  }

  /** Starts the helper lane if the plan has one and it is not running, starting or closing. */
  start(): void {
    const plan = this.plan;
    if (!plan || this.starting || this.broken || this.lanes.length > 0 || this.closing > 0) return;
    const generation = this.generation;
    this.starts++;
    // Whatever goes wrong starting it (also a synchronous throw) ends up in `broken`, never in the queue's loop.
    this.starting = Promise.resolve(plan)
      .then((p) => p.start())
      .then(
        (lane) => {
          if (this.generation !== generation) {
            void lane.close();
            return;
          }
          this.lanes.push({ lane, running: 0, capacity: HELPER_CAPACITY, runs: 0 });
          this.used();
          this.ready();
        },
        (error: unknown) => {
          if (this.generation !== generation) return;
          this.broken = `the helper session could not start: ${messageOf(error)}`;
          this.starting = undefined;
        },
      );
  }

  /** A helper's run failed (or its thread died): the lane is dropped and closed, and helpers stay off for this model. */
  failed(state: LaneState, error: unknown): void {
    if (!this.lanes.includes(state)) return;
    this.broken = `the helper session stopped: ${messageOf(error)}`;
    this.lanes = this.lanes.filter((other) => other !== state);
    this.stops++;
    void state.lane.close().catch(() => undefined);
  }

  /** Restarts the helper's idle timer. */
  used(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      const busy = this.lanes.some((state) => state.running > 0);
      if (!busy) void this.stop();
    }, this.idleMs);
    this.idle.unref?.();
  }

  /** Stops the helpers running or starting; resolves once they have closed. */
  async stop(): Promise<void> {
    this.generation++;
    clearTimeout(this.idle);
    const helpers = this.lanes;
    this.stops += helpers.length;
    this.lanes = [];
    const starting = this.starting;
    this.starting = undefined;
    this.closing += helpers.length;
    await Promise.all(helpers.map((state) => state.lane.close().catch(() => undefined).finally(() => this.closing--)));
    await starting; // a helper still starting closes itself (the generation changed)
  }
}
