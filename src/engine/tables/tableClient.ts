/**
 * The host side of the table worker: parses tabular texts off the main thread. The worker starts on first use and
 * is restarted on the next request after it died (its pending requests are rejected with the reason); never while
 * the last one is still ending, and a worker that dies before its first answer is started again only after a wait
 * (docs/RELIABILITY.md "Bounds").
 */
import { LruCache } from "../../core/cache";
import type { DetectedLanguage } from "../../core/language";
import type { NotScored } from "../../core/notScored";
import type { Problem } from "../../core/tables";
import type { TableSummary } from "../../core/tables/units";
import type { Unit } from "../../core/types";
import { Channel, type Decoded, type WorkerThread } from "../channel";
import type { ReadRequest, TableMethods, TableRequest, TableResponse } from "./tableProtocol";
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

/**
 * What a read's slices so far hold, gathered as each arrives (a few hundred entries per turn): gathering 15,000 units'
 * worth at the end took 10-40 ms in one turn.
 */
interface Gathered {
  units: Unit[];
  lines: number[];
  positions: Uint32Array[];
  skipped: { units: Unit[]; reasons: NotScored[]; lines: number[]; positions: Uint32Array[] };
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

const SHUT_DOWN = "the table reader was shut down";

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
  /** Requests and answers, typed per method (tableProtocol.ts TableMethods); the worker starts on the first request. */
  private readonly channel: Channel<TableMethods, TableRequest, TableResponse>;
  /** The document version whose text was last sent per key. */
  private readonly sent = new LruCache<string, number>(MAX_SENT_KEYS);

  /**
   * `startWorker` starts the table thread: engine/node/threads.ts tableThread(script) on the desktop and in the CLI.
   * `now`: the clock of the restart's wait (tests).
   */
  constructor(startWorker: () => TableThread, now: () => number = () => performance.now()) {
    this.channel = new Channel<TableMethods, TableRequest, TableResponse>({
      name: "the table reader",
      start: startWorker,
      encode: (id, type, params) => ({ ...params, id, type }) as TableRequest,
      decode: decodeTable,
      maxPending: MAX_TABLE_PENDING,
      busy: (pending) => new Error(`the table reader is busy: ${pending} requests are waiting (at most ${MAX_TABLE_PENDING}); try again when they are done`),
      // Never while the last worker is still ending; a worker that dies before its first answer waits 1 s, 2 s, ...
      restart: { baseMs: 1_000, maxMs: TABLE_RESTART_MAX_MS, exitWaitMs: EXIT_WAIT_MS, now },
    });
  }

  /** Requests refused because MAX_TABLE_PENDING were unanswered. */
  get refused(): number {
    return this.channel.refused;
  }

  /** Workers started (the tests of the restart's bound count them). */
  get starts(): number {
    return this.channel.starts;
  }

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
    const gathered: Gathered = { units: [], lines: [], positions: [], skipped: { units: [], reasons: [], lines: [], positions: [] } };
    // Bytes are copied, not transferred: a file's bytes may be a view into a buffer shared with others (a pool).
    const done = await this.channel.request("read", request, {
      onPart: (response) => {
        if (response.type !== "units") return;
        const { slice } = response;
        const into = slice.why ? gathered.skipped : gathered;
        into.positions.push(slice.positions);
        for (const unit of sliceUnits(slice)) into.units.push(unit);
        for (let k = 0; k < slice.lines.length; k++) into.lines.push(slice.lines[k]);
        if (slice.why) for (const why of unpackReasons(slice.why)) gathered.skipped.reasons.push(why);
        this.channel.post({ id: response.id, type: "next" });
      },
    });
    const { summary, column, missing, problems, fields, notScoredFields } = done;
    const { units, lines, positions, skipped } = gathered;
    return {
      summary,
      units,
      lines,
      positions: concat(positions),
      fields: new RowFields(fields ?? NO_FIELDS),
      column,
      missing,
      problems,
      notScored: { ...skipped, positions: concat(skipped.positions), fields: new RowFields(notScoredFields ?? NO_FIELDS) },
    };
  }

  /** The language of each text, found in the worker (off this thread); undefined where the detector cannot tell. */
  async languages(texts: readonly string[]): Promise<(DetectedLanguage | undefined)[]> {
    if (this.channel.closed) throw new Error(SHUT_DOWN);
    if (texts.length === 0) return [];
    return (await this.channel.request("languages", { texts: [...texts] })).map((found) => found ?? undefined);
  }

  /** Lets the worker drop the table it keeps for `key` (a closed document). */
  forget(key: string): void {
    this.sent.delete(key);
    this.channel.post({ id: 0, type: "forget", key });
  }

  /** Stops the worker as a crash would (tests): pending reads are rejected, the next read starts a new one. */
  async restart(): Promise<void> {
    await this.channel.terminate();
  }

  dispose(): void {
    void this.channel.close(new Error(SHUT_DOWN))?.terminate();
  }
}

/** What a table worker's message is to the request it names (`method`): a read's slices are parts, "done" its answer. */
function decodeTable(response: TableResponse, method: keyof TableMethods | undefined): Decoded<TableResponse> {
  if (method === undefined) return { kind: "event", message: response };
  const { id } = response;
  if (response.type === "error") return { kind: "error", id, error: Object.assign(new Error(response.error), { stale: response.stale, needsText: response.needsText }) };
  if (method === "languages") {
    return response.type === "languages" ? { kind: "result", id, value: response.found } : { kind: "error", id, error: new Error(`unexpected ${response.type} for a languages request`) };
  }
  if (response.type === "units") return { kind: "part", id, message: response };
  if (response.type === "done") return { kind: "result", id, value: response };
  return { kind: "event", message: response };
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
