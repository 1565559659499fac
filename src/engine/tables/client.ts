/**
 * The host side of the table worker: parses tabular texts off the main thread. The worker starts on first use and
 * is restarted on the next request after it died (its pending requests are rejected with the reason); never while
 * the last one is still ending, and a worker that dies before its first answer is started again only after a wait
 * (docs/RELIABILITY.md "Bounds").
 */
import { Worker } from "node:worker_threads";
import type { DetectedLanguage } from "../../core/language";
import type { NotScored } from "../../core/notScored";
import type { Problem } from "../../core/tabular";
import type { TableSummary } from "../../core/tabular/units";
import { LruCache } from "../../core/cache";
import type { Unit } from "../../core/types";
import type { WorkerThread } from "../client";
import type { ReadRequest, TableRequest, TableResponse } from "./protocol";
import { RowFields, sliceUnits, unpackReasons } from "./rows";

/** The table worker's thread: a worker_threads Worker in Node; on the web, src/web/tableWorker.ts in a Web Worker. */
export type TableThread = WorkerThread<TableRequest, TableResponse>;

/** Rows of a table that are not scored, with their reasons: as TableRead's units, index by index. */
export interface NotScoredRows {
  units: Unit[];
  /** Why each is not scored (shared objects: see core/judge.ts `notScored`). */
  reasons: NotScored[];
  lines: number[];
  positions: Uint32Array;
  fields: RowFields;
}

/** What a read gives back. */
export interface TableRead {
  summary: TableSummary;
  /** The text column's units (kind "row"); empty when no column was used. Their other columns are in `fields`. */
  units: Unit[];
  /** 1-based first and last line of each unit's row, two entries per unit. */
  lines: number[];
  /** 0-based line and character of each unit's start, then of its end: four entries per unit (see UnitSlice). */
  positions: Uint32Array;
  /** Each unit's other columns (by unit index). */
  fields: RowFields;
  column?: string;
  /** The column asked for when it is not in the table. */
  missing?: string;
  /** The rows that could not be read. */
  problems: Problem[];
  /** The text column's rows that are not scored (empty, not an answer), with the reason; every other row is in `units`. */
  notScored: NotScoredRows;
}

interface Pending {
  /**
   * What the slices so far hold, gathered as each arrives (a few hundred entries per turn): gathering 15,000 units'
   * worth at the end took 10-40 ms in one turn.
   */
  units: Unit[];
  lines: number[];
  positions: Uint32Array[];
  skipped: { units: Unit[]; reasons: NotScored[]; lines: number[]; positions: Uint32Array[] };
  resolve: (read: TableRead) => void;
  reject: (error: Error & { stale?: boolean; needsText?: boolean }) => void;
}

/** A source the host can give the worker without building or copying a text. */
type CheapSource = Extract<ReadRequest["source"], { reuse: true } | { file: string }>;

/**
 * What a caller reads: the source may be given lazily, so a text the worker already holds is not even built; `file`
 * (a saved document's path and length) is tried before the source is built, which it then replaces.
 */
export type ReadOptions = Omit<ReadRequest, "id" | "type" | "source"> & {
  source: ReadRequest["source"] | (() => ReadRequest["source"]);
  file?: { path: string; length: number };
};

/**
 * Requests (reads and language look-ups) the host holds unanswered at once: each open tabular document has one read
 * at a time, so only a burst of hundreds of files reaches it; past it a request is refused with a message.
 */
export const MAX_TABLE_PENDING = 64;
/** Keys (documents) whose last sent version is remembered; past it the oldest is forgotten (its text is sent again). */
export const MAX_SENT_KEYS = 1_024;
/** The wait before a worker that died before its first answer is started again: 1 s, doubled per such death, at most. */
export const TABLE_RESTART_MAX_MS = 60_000;

/** How long a new worker waits for the last one's exit, at most. */
const EXIT_WAIT_MS = 10_000;

export class TableClient {
  private worker: TableThread | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** "languages" requests waiting for their answer. */
  private readonly asked = new Map<number, { resolve: (found: (DetectedLanguage | undefined)[]) => void; reject: (error: Error) => void }>();
  private disposed = false;
  /** The document version whose text was last sent per key. */
  private readonly sent = new LruCache<string, number>(MAX_SENT_KEYS);
  /** Requests refused because MAX_TABLE_PENDING were unanswered. */
  refused = 0;
  /** Workers started (the tests of the restart's bound count them). */
  starts = 0;
  /** Resolves once the last worker has exited (after its error, its exit comes later). */
  private ended: Promise<void> = Promise.resolve();
  /** Workers in a row that died before their first answer, the last one's reason and when it died. */
  private failedStarts = 0;
  private lastFailure: { message: string; at: number } | undefined;

  /**
   * `startWorker`: the worker script's path (a worker_threads Worker), or a function that starts the table thread.
   * `now`: the clock of the restart's wait (tests).
   */
  constructor(
    private readonly startWorker: string | (() => TableThread),
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Parses the source (or reuses the table the worker kept for `key` when the text is the same) and returns its summary,
   * plus the units of `column` (or of the suggested column with `fallback`).
   */
  async read(options: ReadOptions): Promise<TableRead> {
    const { key, version, file, ...request } = options;
    const cheap: CheapSource[] = [];
    if (version !== undefined && this.sent.get(key) === version) cheap.push({ reuse: true });
    if (file) cheap.push({ file: file.path, length: file.length });
    for (const source of cheap) {
      try {
        const read = await this.send({ ...request, key, version, source });
        if (version !== undefined) this.sent.set(key, version);
        return read;
      } catch (error) {
        const refused = error as { stale?: boolean; needsText?: boolean };
        if (!refused.stale && !refused.needsText) throw error;
      }
    }
    const source = typeof options.source === "function" ? options.source() : options.source;
    if (version !== undefined) this.sent.set(key, version);
    else this.sent.delete(key);
    return this.send({ ...request, key, version, source });
  }

  private async send(request: Omit<ReadRequest, "id" | "type">): Promise<TableRead> {
    const id = this.nextId++;
    const worker = await this.admit();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { units: [], lines: [], positions: [], skipped: { units: [], reasons: [], lines: [], positions: [] }, resolve, reject });
      // Bytes are copied, not transferred: a file's bytes may be a view into a buffer shared with others (a pool).
      worker.postMessage({ id, type: "read", ...request } satisfies TableRequest);
    });
  }

  /** The language of each text, found in the worker (off this thread); undefined where the detector cannot tell. */
  async languages(texts: readonly string[]): Promise<(DetectedLanguage | undefined)[]> {
    if (texts.length === 0 && !this.disposed) return [];
    const id = this.nextId++;
    const worker = await this.admit();
    return new Promise((resolve, reject) => {
      this.asked.set(id, { resolve, reject });
      worker.postMessage({ id, type: "languages", texts: [...texts] } satisfies TableRequest);
    });
  }

  /** Requests admitted but not yet in `pending` or `asked` (waiting for the last worker's exit). */
  private waiting = 0;

  /**
   * A running worker for one more request, or a refusal: shut down, MAX_TABLE_PENDING unanswered, or a worker that
   * died before answering and whose wait has not passed. Waits for the last worker's exit before starting another.
   */
  private async admit(): Promise<TableThread> {
    if (this.disposed) throw new Error("the table reader was shut down");
    const unanswered = this.pending.size + this.asked.size + this.waiting;
    if (unanswered >= MAX_TABLE_PENDING) {
      this.refused++;
      throw new Error(`the table reader is busy: ${unanswered} requests are waiting (at most ${MAX_TABLE_PENDING}); try again when they are done`);
    }
    this.waiting++;
    try {
      // A thread that never reports its exit does not hold the reads for ever.
      if (!this.worker) await Promise.race([this.ended, new Promise((resolve) => setTimeout(resolve, EXIT_WAIT_MS).unref?.())]);
    } finally {
      this.waiting--;
    }
    if (this.disposed) throw new Error("the table reader was shut down");
    if (!this.worker && this.failedStarts > 0 && this.lastFailure) {
      const wait = Math.min(TABLE_RESTART_MAX_MS, 1_000 * 2 ** (this.failedStarts - 1));
      const left = this.lastFailure.at + wait - this.now();
      if (left > 0) throw new Error(`${this.lastFailure.message}; it is started again in ${Math.ceil(left / 1_000)} s`);
    }
    const worker = this.start();
    worker.ref();
    return worker;
  }

  /** Lets the worker drop the table it keeps for `key` (a closed document). */
  forget(key: string): void {
    this.sent.delete(key);
    this.worker?.postMessage({ id: 0, type: "forget", key } satisfies TableRequest);
  }

  /** Stops the worker as a crash would (tests): pending reads are rejected, the next read starts a new one. */
  async restart(): Promise<void> {
    await this.worker?.terminate();
  }

  dispose(): void {
    this.disposed = true;
    this.rejectAll(new Error("the table reader was shut down"));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): TableThread {
    if (this.worker) return this.worker;
    const worker: TableThread = typeof this.startWorker === "string" ? new Worker(this.startWorker) : this.startWorker();
    this.starts++;
    let answered = false;
    let exited!: () => void;
    this.ended = new Promise((resolve) => (exited = resolve));
    worker.on("message", (response: TableResponse) => {
      if (!answered) {
        answered = true;
        this.failedStarts = 0;
      }
      const asked = this.asked.get(response.id);
      if (asked) {
        this.asked.delete(response.id);
        if (this.pending.size === 0 && this.asked.size === 0) worker.unref();
        if (response.type === "languages") asked.resolve(response.found.map((found) => found ?? undefined));
        else asked.reject(new Error(response.type === "error" ? response.error : `unexpected ${response.type} for a languages request`));
        return;
      }
      const pending = this.pending.get(response.id);
      if (!pending || response.type === "languages") return;
      if (response.type === "units") {
        const { slice } = response;
        const into = slice.why ? pending.skipped : pending;
        into.positions.push(slice.positions);
        for (const unit of sliceUnits(slice)) into.units.push(unit);
        for (let k = 0; k < slice.lines.length; k++) into.lines.push(slice.lines[k]);
        if (slice.why) for (const why of unpackReasons(slice.why)) pending.skipped.reasons.push(why);
        worker.postMessage({ id: response.id, type: "next" } satisfies TableRequest);
        return;
      }
      this.pending.delete(response.id);
      if (this.pending.size === 0 && this.asked.size === 0) worker.unref();
      if (response.type === "error") pending.reject(Object.assign(new Error(response.error), { stale: response.stale, needsText: response.needsText }));
      else {
        const { summary, column, missing, problems, fields, notScoredFields } = response;
        const { units, lines, positions, skipped } = pending;
        pending.resolve({
          summary,
          units,
          lines,
          positions: concat(positions),
          fields: new RowFields(fields ?? NO_FIELDS),
          column,
          missing,
          problems,
          notScored: { ...skipped, positions: concat(skipped.positions), fields: new RowFields(notScoredFields ?? NO_FIELDS) },
        });
      }
    });
    const died = (message: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (!answered) {
        this.failedStarts++;
        this.lastFailure = { message, at: this.now() };
      }
      this.rejectAll(new Error(message));
    };
    worker.on("error", (error) => died(`the table reader failed: ${error.message}`));
    worker.on("exit", (code) => {
      died(`the table reader stopped (exit code ${code})`);
      exited();
    });
    this.worker = worker;
    return worker;
  }

  private rejectAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
    for (const { reject } of this.asked.values()) reject(error);
    this.asked.clear();
  }
}

const NO_FIELDS = { bytes: new Uint8Array(0), ends: new Uint32Array(0) };

function concat(arrays: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let at = 0;
  for (const array of arrays) {
    out.set(array, at);
    at += array.length;
  }
  return out;
}
