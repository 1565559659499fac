/**
 * The table worker's bounds (docs/RELIABILITY.md "Bounds"): its client's unanswered requests and remembered versions,
 * the worker's restart, and what the server keeps (tables, reads being sent, languages). Each is driven past its bound
 * with a stand-in thread or the server itself, and must refuse or shed with a message, never buffer on.
 */
import { strict as assert } from "node:assert";
import { EventEmitter } from "node:events";
import { MAX_SENT_KEYS, MAX_TABLE_PENDING, TableClient, type TableThread } from "../../src/engine/tables/tableClient";
import type { TableRequest, TableResponse } from "../../src/engine/tables/tableProtocol";
import { KEPT_TABLES, LANGUAGES_KEPT_CHARS, MAX_SENDING, serveTables } from "../../src/engine/tables/serve";
import { threadWithoutFiles } from "./tableThread";

/** Settles a promise's state after the pending microtasks and one event-loop turn. */
async function state(promise: Promise<unknown>): Promise<"pending" | "resolved" | "rejected"> {
  let seen: "pending" | "resolved" | "rejected" = "pending";
  promise.then(
    () => (seen = "resolved"),
    () => (seen = "rejected"),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return seen;
}

/** A table thread that takes requests and answers none (a worker busy with a large file), or fails as told. */
class FakeThread extends EventEmitter {
  readonly requests: TableRequest[] = [];
  exited = false;
  constructor(private readonly onRequest: (thread: FakeThread, request: TableRequest) => void = () => undefined) {
    super();
  }
  postMessage(request: TableRequest): void {
    this.requests.push(request);
    this.onRequest(this, request);
  }
  /** Fails as a worker does: its error at once, its exit `exitAfterMs` later. */
  fail(message: string, exitAfterMs: number): void {
    this.emit("error", new Error(message));
    setTimeout(() => {
      this.exited = true;
      this.emit("exit", 1);
    }, exitAfterMs);
  }
  async terminate(): Promise<number> {
    this.exited = true;
    this.emit("exit", 1);
    return 1;
  }
  ref(): void {}
  unref(): void {}
}


const CSV = "id,comment\n1,Lovely staff\n2,Two hours late\n";

describe("the table worker's bounds", () => {
  it(`the client holds at most ${MAX_TABLE_PENDING} unanswered requests (reads and language look-ups); past that it refuses with a message`, async () => {
    const thread = new FakeThread();
    const client = new TableClient(() => thread as unknown as TableThread);
    try {
      const held: Promise<unknown>[] = Array.from({ length: MAX_TABLE_PENDING - 1 }, (_, i) => client.read({ key: `k${i}`, source: { text: CSV }, format: "csv", column: "comment" }));
      held.push(client.languages(["bonjour"]));
      for (const promise of held) promise.catch(() => undefined);
      assert.equal(await state(held[0]), "pending");
      const refused = client.read({ key: "one more", source: { text: CSV }, format: "csv" });
      assert.equal(await state(refused), "rejected", "refused at once, not held");
      await assert.rejects(refused, new RegExp(`the table reader is busy: ${MAX_TABLE_PENDING} requests are waiting \\(at most ${MAX_TABLE_PENDING}\\); try again`));
      await assert.rejects(client.languages(["hallo"]), /busy/);
      assert.equal(client.refused, 2);
      assert.equal(thread.requests.length, MAX_TABLE_PENDING, "the refused requests never reached the worker");
    } finally {
      client.dispose();
    }
  });

  it(`the client remembers the version sent for at most ${MAX_SENT_KEYS.toLocaleString("en")} keys; the oldest is forgotten and its text sent again`, async () => {
    const thread = threadWithoutFiles();
    const client = new TableClient(() => thread);
    try {
      const sources = (key: string) => thread.requests.filter((r) => r.type === "read" && r.key === key).map((r) => Object.keys((r as { source: object }).source)[0]);
      await client.read({ key: "first", source: () => ({ text: CSV }), version: 1, format: "csv" });
      await client.read({ key: "first", source: () => ({ text: CSV }), version: 1, format: "csv" });
      assert.deepEqual(sources("first"), ["text", "reuse"], "a version sent is reused while remembered");
      for (let i = 0; i < MAX_SENT_KEYS; i++) await client.read({ key: `other ${i}`, source: () => ({ text: CSV }), version: 1, format: "csv" });
      await client.read({ key: "first", source: () => ({ text: CSV }), version: 1, format: "csv" });
      assert.deepEqual(sources("first"), ["text", "reuse", "text"], "forgotten: the text is sent, no reuse is tried");
    } finally {
      client.dispose();
    }
  });

  it("a worker that dies before its first answer is started again only after 1 s, then 2 s, ...; never while the last one is still ending", async () => {
    let now = 0;
    const threads: FakeThread[] = [];
    let failing = true;
    const client = new TableClient(() => {
      assert.ok(threads.every((thread) => thread.exited), "no worker starts while the last one has not exited");
      const thread = new FakeThread((self, request) => {
        if (failing) queueMicrotask(() => self.fail("cannot find module tableWorker.js", 20));
        else if (request.type === "languages") queueMicrotask(() => self.emit("message", { id: request.id, type: "languages", found: request.texts.map(() => null) } satisfies TableResponse));
      });
      threads.push(thread);
      return thread as unknown as TableThread;
    }, () => now);
    try {
      await assert.rejects(client.languages(["a"]), /the table reader failed: cannot find module tableWorker\.js/);
      // A burst of requests right after: each is refused with the reason, and no worker is started for any of them.
      for (let i = 0; i < 50; i++) await assert.rejects(client.languages(["a"]), /the table reader failed: cannot find module tableWorker\.js; it is started again in 1 s/);
      assert.equal(client.starts, 1);
      now += 1_000;
      await assert.rejects(client.languages(["a"]), /cannot find module/);
      assert.equal(client.starts, 2, "started again once the wait passed (after the last one exited)");
      now += 1_500;
      await assert.rejects(client.languages(["a"]), /started again in 1 s/, "the wait doubled: 2 s after the second failure");
      now += 500;
      failing = false;
      assert.deepEqual(await client.languages(["a"]), [undefined]);
      assert.equal(client.starts, 3);
      // A worker that has answered and then dies is started again on the next request, without a wait.
      const served = threads[2];
      served.fail("out of memory", 20);
      assert.deepEqual(await client.languages(["b"]), [undefined]);
      assert.equal(client.starts, 4);
      assert.ok(served.exited, "the new one started after the old one's exit");
    } finally {
      client.dispose();
    }
  });

  it(`the server keeps at most ${KEPT_TABLES} tables and their characters of text: the table used longest ago is dropped first, the last one read always kept`, () => {
    const responses: TableResponse[] = [];
    const server = serveTables({ post: (response) => responses.push(response), keptChars: 100 });
    const text = (n: number) => `id,comment\n${n},${"x".repeat(30)}\n`; // 44 characters
    for (let i = 0; i < 2; i++) server({ id: i + 1, type: "read", key: `k${i}`, source: { text: text(i) }, format: "csv" });
    assert.deepEqual(server.held(), { ...server.held(), tables: 2, tableChars: 88 });
    server({ id: 3, type: "read", key: "k2", source: { text: text(2) }, format: "csv" });
    assert.deepEqual(server.held(), { ...server.held(), tables: 2, tableChars: 88 }, "a third would pass 100 characters: the oldest is dropped");
    server({ id: 4, type: "read", key: "k0", source: { reuse: true }, version: undefined, format: "csv" });
    assert.match((responses.at(-1) as { error?: string }).error ?? "", /no text of version undefined kept for k0/, "the dropped table's text must be sent again");
    server({ id: 5, type: "read", key: "big", source: { text: `id,comment\n1,${"y".repeat(500)}\n` }, format: "csv" });
    assert.deepEqual(server.held(), { ...server.held(), tables: 1, tableChars: 514 }, "a table over the bound on its own is kept alone");
    const small = serveTables({ post: () => undefined });
    for (let i = 0; i < KEPT_TABLES + 3; i++) small({ id: i + 1, type: "read", key: `k${i}`, source: { text: text(i) }, format: "csv" });
    assert.equal(small.held().tables, KEPT_TABLES);
  });

  it(`the server sends at most ${MAX_SENDING} reads at once; a read past them is refused with a message`, () => {
    const responses: TableResponse[] = [];
    const server = serveTables({ post: (response) => responses.push(response) });
    // 300 rows: two slices, the second sent only when the host asks for it ("next"), which it never does here.
    const csv = ["id,comment", ...Array.from({ length: 300 }, (_, i) => `${i},row ${i}`)].join("\n");
    for (let i = 0; i < MAX_SENDING; i++) server({ id: i + 1, type: "read", key: `k${i % 4}`, source: { text: csv }, format: "csv", column: "comment" });
    assert.equal(server.held().sending, MAX_SENDING);
    server({ id: 1_000, type: "read", key: "k0", source: { text: csv }, format: "csv", column: "comment" });
    const refusal = responses.find((response) => response.id === 1_000);
    assert.equal(refusal?.type, "error");
    assert.match((refusal as { error: string }).error, new RegExp(`the table reader is busy: ${MAX_SENDING} reads are being sent \\(at most ${MAX_SENDING}\\)`));
    assert.equal(server.held().sending, MAX_SENDING);
    server({ id: 1, type: "next" });
    server({ id: 1, type: "next" });
    assert.equal(server.held().sending, MAX_SENDING - 1, "a read fully sent leaves room for the next");
  });

  it(`the server remembers languages of at most ${(LANGUAGES_KEPT_CHARS / 2 ** 20).toFixed(0)} M characters of text, least recently used out first`, () => {
    const responses: TableResponse[] = [];
    let detected = 0;
    const server = serveTables({ post: (response) => responses.push(response), detect: () => (detected++, undefined) });
    const texts = Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(2 ** 20, "z")); // 20 texts of 1 M characters
    server({ id: 1, type: "languages", texts });
    assert.equal(detected, 20);
    assert.ok(server.held().languageChars <= LANGUAGES_KEPT_CHARS, `${server.held().languageChars} characters kept`);
    assert.equal(server.held().languages, LANGUAGES_KEPT_CHARS / 2 ** 20);
    server({ id: 2, type: "languages", texts: [texts[19], texts[0]] });
    assert.equal(detected, 21, "the newest is remembered, the oldest was dropped and is detected again");
  });
});
