/**
 * One typed request/response channel to a thread, used by every host-to-worker conversation: the engine client
 * (engineClient.ts), the table client (tables/tableClient.ts), the engine worker's helper lane (node/helperLane.ts) and the web
 * engine worker's file bridge (web/engineWorker.ts). It holds what each of them used to write by hand: request ids and the
 * pending map, typed results per method, parts streamed before an answer (the table's slices), events that answer no
 * request, the thread started lazily and restarted on the next request after it died, every pending request rejected
 * when it dies (or sent again, when the owner says so), on dispose and on close, a bound on requests unanswered at
 * once, and the thread kept alive only while an answer is awaited. Pure: no `node:` (the thread is given), so the web
 * build shares it.
 */

/**
 * A worker's thread as a channel uses it: a worker_threads Worker in Node; in VS Code for the Web an adapter over a
 * Web Worker (src/web/workerThread.ts) or over the worker's own scope (src/web/engineWorker.ts).
 */
export interface WorkerThread<In, Out> {
  postMessage(message: In): void;
  on(event: "message", listener: (response: Out) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "exit", listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

/** A protocol's methods: for each, what a request carries and what its answer resolves to. */
export type Methods = Record<string, { params: object; result: unknown }>;

/** What a message from the thread is, as the channel's owner reads it. */
export type Decoded<Out> =
  /** The answer to request `id`. */
  | { kind: "result"; id: number; value: unknown }
  | { kind: "error"; id: number; error: Error }
  /** A part of request `id`'s answer (handed to the request's onPart); the request stays pending. */
  | { kind: "part"; id: number; message: Out }
  /** A message that answers no request (a helper's "ready"), or one to drop. */
  | { kind: "event"; message: Out };

/** A pending request, as the owner sees it when deciding what a thread's death does. */
export interface PendingRequest<M extends Methods> {
  readonly id: number;
  readonly method: keyof M & string;
  /** How many times it was posted (sent again after a death counts). */
  readonly attempts: number;
}

export interface ChannelOptions<M extends Methods, In, Out> {
  /** Starts the thread; called on the first request after none runs. */
  start(): WorkerThread<In, Out>;
  /** The message that asks for `method` with `params`, as request `id` (`extra`: what the request was made with). */
  encode(id: number, method: keyof M & string, params: M[keyof M]["params"], extra: RequestExtra): In;
  /** What a message says; `method` is the pending request's whose id it carries, if any. */
  decode(message: Out, method: (keyof M & string) | undefined): Decoded<Out>;
  /** Requests unanswered at once, at most; past it a request is refused with `busy(pending)` (methods in `unbounded` never are). */
  maxPending?: number;
  busy?(pending: number): Error;
  unbounded?: readonly (keyof M & string)[];
  /**
   * What a thread's death does (`message` names it). Default: every pending request is rejected with it. The next
   * request starts a new thread either way.
   */
  onDeath?(message: string): void;
  /** Messages that answer no request. */
  onEvent?(message: Out): void;
  /** "the sentiment engine", "the table reader": how its errors name it. */
  name: string;
  /** Keep the thread referenced only while an answer is awaited (Node: an idle worker does not keep a CLI alive). Default true. */
  unrefWhenIdle?: boolean;
  /**
   * How a new thread is started after one died: not before the last one has exited (waiting `exitWaitMs` at most),
   * and, after threads that died before their first answer, not before a wait of `baseMs` doubled per such death
   * (at most `maxMs`): a request in that wait is refused with the last death's message. Absent: at once (the engine's
   * client, which sends its requests again instead).
   */
  restart?: { baseMs: number; maxMs: number; exitWaitMs: number; now?: () => number };
}

/** What a request carries besides its method and params: a priority (the engine's), and where its id is reported. */
export interface RequestExtra {
  priority?: number;
}

interface Entry<M extends Methods, Out> extends Omit<PendingRequest<M>, "id"> {
  attempts: number;
  params: M[keyof M]["params"];
  extra: RequestExtra;
  resolve(value: unknown): void;
  reject(error: Error): void;
  onPart?(message: Out): void;
}

export class Channel<M extends Methods, In, Out> {
  private thread: WorkerThread<In, Out> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Entry<M, Out>>();
  /** Set once closed: every request from then on is rejected with it. */
  private closedWith: Error | undefined;
  /** Requests refused because maxPending were unanswered. */
  refused = 0;
  /** Threads started. */
  starts = 0;
  /** Resolves once the last thread has exited. */
  private ended: Promise<void> = Promise.resolve();
  /** Threads in a row that died before their first answer, and the last one's death. */
  private failedStarts = 0;
  private lastFailure: { message: string; at: number } | undefined;
  /** Whether the running thread has answered anything yet. */
  private answered = false;

  constructor(private readonly options: ChannelOptions<M, In, Out>) {}

  /**
   * Asks the thread (starting it if none runs) and resolves with the typed answer. `ids` receives the request's id
   * (to cancel it); `onPart` gets the parts of a streamed answer.
   */
  request<K extends keyof M & string>(
    method: K,
    params: M[K]["params"],
    options: RequestExtra & { ids?: number[]; onPart?: (message: Out) => void } = {},
  ): Promise<M[K]["result"]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const { maxPending, unbounded = [] } = this.options;
    if (maxPending !== undefined && this.pending.size >= maxPending && !unbounded.includes(method)) {
      this.refused++;
      return Promise.reject(this.options.busy?.(this.pending.size) ?? new Error(`${this.options.name} is busy`));
    }
    const id = this.nextId++;
    options.ids?.push(id);
    return new Promise((resolve, reject) => {
      const entry: Entry<M, Out> = { method, params, extra: { priority: options.priority }, attempts: 0, resolve, reject, onPart: options.onPart };
      this.pending.set(id, entry);
      if (this.thread || !this.options.restart) return this.send(id, entry);
      void this.startable(this.options.restart).then((refusal) => {
        if (this.pending.get(id) !== entry) return;
        if (!refusal) return this.send(id, entry);
        this.pending.delete(id);
        reject(refusal);
      });
    });
  }

  /** Waits for the last thread's exit; then undefined when a thread may start, else why not yet. */
  private async startable({ baseMs, maxMs, exitWaitMs, now = () => performance.now() }: NonNullable<ChannelOptions<M, In, Out>["restart"]>): Promise<Error | undefined> {
    if (!this.thread) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      // A thread that never reports its exit does not hold the requests for ever.
      await Promise.race([this.ended, new Promise((resolve) => ((timer = setTimeout(resolve, exitWaitMs)) as { unref?: () => void }).unref?.())]);
      clearTimeout(timer);
    }
    if (this.closedWith) return this.closedWith;
    if (this.thread || this.failedStarts === 0 || !this.lastFailure) return undefined;
    const left = this.lastFailure.at + Math.min(maxMs, baseMs * 2 ** (this.failedStarts - 1)) - now();
    return left > 0 ? new Error(`${this.lastFailure.message}; it is started again in ${Math.ceil(left / 1_000)} s`) : undefined;
  }

  /** Posts a message that expects no answer (a cancel, a forget) to the running thread; none is started for it. */
  post(message: In): void {
    this.thread?.postMessage(message);
  }

  /** Starts the thread now (one that talks first, such as a helper announcing it is ready). */
  open(): WorkerThread<In, Out> {
    return this.start();
  }

  /** Whether request `id` still waits for its answer. */
  has(id: number): boolean {
    return this.pending.has(id);
  }

  /** Requests waiting for their answer. */
  get size(): number {
    return this.pending.size;
  }

  /** The running thread, if any. */
  get current(): WorkerThread<In, Out> | undefined {
    return this.thread;
  }

  /** The pending requests, in the order they were made. */
  waiting(): PendingRequest<M>[] {
    return [...this.pending].map(([id, { method, attempts }]) => ({ id, method, attempts }));
  }

  /** Sends the pending requests `ids` again, in that order, to the running thread or a new one. */
  resend(ids: readonly number[]): void {
    for (const id of ids) {
      const entry = this.pending.get(id);
      if (entry) this.send(id, entry);
    }
  }

  /** Rejects every pending request with `error`. */
  rejectAll(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of entries) reject(error);
  }

  /**
   * Lets go of the running thread without ending it (its owner closes it: the engine finishes its run first); the next
   * request starts a new one, and the old one's death is not this channel's any more.
   */
  detach(): WorkerThread<In, Out> | undefined {
    const thread = this.thread;
    this.thread = undefined;
    return thread;
  }

  /** Ends the running thread as a crash would (its death is handled as any). */
  async terminate(): Promise<void> {
    await this.thread?.terminate();
  }

  /** Rejects every pending request and every later one with `error`, and lets go of the thread (returned, to close). */
  close(error: Error): WorkerThread<In, Out> | undefined {
    this.closedWith ??= error;
    this.rejectAll(this.closedWith);
    return this.detach();
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  private send(id: number, entry: Entry<M, Out>): void {
    const thread = this.start();
    entry.attempts++;
    if (this.options.unrefWhenIdle !== false) thread.ref();
    thread.postMessage(this.options.encode(id, entry.method, entry.params, entry.extra));
  }

  private start(): WorkerThread<In, Out> {
    if (this.thread) return this.thread;
    const thread = this.options.start();
    this.starts++;
    this.answered = false;
    let exited!: () => void;
    this.ended = new Promise((resolve) => (exited = resolve));
    thread.on("exit", () => exited());
    thread.on("message", (message: Out) => this.receive(thread, message));
    thread.on("error", (error) => this.died(thread, `${this.options.name} failed: ${error.message}`));
    thread.on("exit", (code) => this.died(thread, `${this.options.name} stopped (exit code ${code})`));
    this.thread = thread;
    return thread;
  }

  private receive(thread: WorkerThread<In, Out>, message: Out): void {
    if (thread === this.thread && !this.answered) {
      this.answered = true;
      this.failedStarts = 0;
    }
    const id = (message as { id?: unknown }).id;
    const entry = typeof id === "number" ? this.pending.get(id) : undefined;
    const decoded = this.options.decode(message, entry?.method);
    if (decoded.kind === "event") return this.options.onEvent?.(decoded.message);
    const target = this.pending.get(decoded.id);
    if (!target) return;
    if (decoded.kind === "part") return target.onPart?.(decoded.message);
    this.pending.delete(decoded.id);
    // An idle worker must not keep a CLI process alive; a busy one must.
    if (this.pending.size === 0 && this.options.unrefWhenIdle !== false) thread.unref();
    if (decoded.kind === "result") target.resolve(decoded.value);
    else target.reject(decoded.error);
  }

  private died(thread: WorkerThread<In, Out>, message: string): void {
    if (this.thread !== thread || this.closedWith) return;
    this.thread = undefined;
    if (!this.answered) {
      this.failedStarts++;
      this.lastFailure = { message, at: (this.options.restart?.now ?? (() => performance.now()))() };
    }
    if (this.options.onDeath) this.options.onDeath(message);
    else this.rejectAll(new Error(message));
  }
}
