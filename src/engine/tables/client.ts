/**
 * The host side of the table worker: parses tabular texts off the main thread. The worker starts on first use and
 * is restarted on the next request after it died (its pending requests are rejected with the reason).
 */
import { Worker } from "node:worker_threads";
import type { DetectedLanguage } from "../../core/language";
import type { NotScored } from "../../core/notScored";
import type { Problem } from "../../core/tabular";
import type { TableSummary } from "../../core/tabular/units";
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

export class TableClient {
  private worker: TableThread | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** "languages" requests waiting for their answer. */
  private readonly asked = new Map<number, { resolve: (found: (DetectedLanguage | undefined)[]) => void; reject: (error: Error) => void }>();
  private disposed = false;
  /** The document version whose text was last sent per key. */
  private readonly sent = new Map<string, number>();

  /** `startWorker`: the worker script's path (a worker_threads Worker), or a function that starts the table thread. */
  constructor(private readonly startWorker: string | (() => TableThread)) {}

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

  private send(request: Omit<ReadRequest, "id" | "type">): Promise<TableRead> {
    if (this.disposed) return Promise.reject(new Error("the table reader was shut down"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { units: [], lines: [], positions: [], skipped: { units: [], reasons: [], lines: [], positions: [] }, resolve, reject });
      const worker = this.start();
      worker.ref();
      // Bytes are copied, not transferred: a file's bytes may be a view into a buffer shared with others (a pool).
      worker.postMessage({ id, type: "read", ...request } satisfies TableRequest);
    });
  }

  /** The language of each text, found in the worker (off this thread); undefined where the detector cannot tell. */
  languages(texts: readonly string[]): Promise<(DetectedLanguage | undefined)[]> {
    if (this.disposed) return Promise.reject(new Error("the table reader was shut down"));
    if (texts.length === 0) return Promise.resolve([]);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.asked.set(id, { resolve, reject });
      const worker = this.start();
      worker.ref();
      worker.postMessage({ id, type: "languages", texts: [...texts] } satisfies TableRequest);
    });
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
    worker.on("message", (response: TableResponse) => {
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
      this.rejectAll(new Error(message));
    };
    worker.on("error", (error) => died(`the table reader failed: ${error.message}`));
    worker.on("exit", (code) => died(`the table reader stopped (exit code ${code})`));
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
