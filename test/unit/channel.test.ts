import { strict as assert } from "node:assert";
import { EventEmitter } from "node:events";
import { Channel, type ChannelOptions, type WorkerThread } from "../../src/engine/channel";

/**
 * The one worker channel (src/engine/channel.ts) on its own, over a fake thread the test answers by hand: ids and
 * typed answers, streamed parts, events, a thread's death (reject-all, or sent again), the bound, close, and the
 * thread kept referenced only while an answer is awaited.
 */

type In = { id: number; type: string; [key: string]: unknown };
type Out = { id: number; type: "answer" | "part" | "failed" | "hello"; value?: unknown };
type TestMethods = {
  double: { params: { n: number }; result: number };
  echo: { params: { text: string }; result: string };
};

class FakeThread extends EventEmitter implements WorkerThread<In, Out> {
  readonly sent: In[] = [];
  refs = 0;
  terminated = false;
  postMessage(message: In): void {
    this.sent.push(message);
  }
  async terminate(): Promise<number> {
    this.terminated = true;
    this.emit("exit", 1);
    return 1;
  }
  ref(): void {
    this.refs = 1;
  }
  unref(): void {
    this.refs = 0;
  }
  answer(id: number, value: unknown): void {
    this.emit("message", { id, type: "answer", value } satisfies Out);
  }
}

function channelOf(options: Partial<ChannelOptions<TestMethods, In, Out>> = {}) {
  const threads: FakeThread[] = [];
  const events: Out[] = [];
  const channel = new Channel<TestMethods, In, Out>({
    name: "the test worker",
    start: () => {
      const thread = new FakeThread();
      threads.push(thread);
      return thread;
    },
    encode: (id, type, params, { priority }) => ({ ...params, id, type, ...(priority !== undefined && { priority }) }),
    decode: (message) =>
      message.type === "answer"
        ? { kind: "result", id: message.id, value: message.value }
        : message.type === "failed"
          ? { kind: "error", id: message.id, error: new Error(String(message.value)) }
          : message.type === "part"
            ? { kind: "part", id: message.id, message }
            : { kind: "event", message },
    onEvent: (message) => events.push(message),
    ...options,
  });
  return { channel, threads, events };
}

describe("the worker channel (engine/channel)", () => {
  it("starts the thread on the first request and resolves each answer by its id, in any order", async () => {
    const { channel, threads } = channelOf();
    assert.equal(channel.current, undefined, "no thread before a request");
    const ids: number[] = [];
    const a = channel.request("double", { n: 2 }, { ids, priority: 0 });
    const b = channel.request("echo", { text: "hi" }, { ids });
    assert.equal(threads.length, 1);
    assert.deepEqual(threads[0].sent, [
      { n: 2, id: 1, type: "double", priority: 0 },
      { text: "hi", id: 2, type: "echo" },
    ]);
    assert.deepEqual(ids, [1, 2]);
    threads[0].answer(2, "hi!");
    threads[0].answer(1, 4);
    assert.equal(await a, 4);
    assert.equal(await b, "hi!");
    assert.equal(channel.size, 0);
  });

  it("hands a streamed answer's parts to the request, then resolves it; events go to onEvent; unknown ids are dropped", async () => {
    const { channel, threads, events } = channelOf();
    const parts: unknown[] = [];
    const answer = channel.request("echo", { text: "x" }, { onPart: (message) => parts.push(message.value) });
    const thread = threads[0];
    thread.emit("message", { id: 1, type: "part", value: "p1" });
    thread.emit("message", { id: 1, type: "part", value: "p2" });
    thread.emit("message", { id: 0, type: "hello" });
    thread.answer(99, "nobody asked");
    assert.equal(channel.size, 1, "parts leave the request pending");
    thread.answer(1, "whole");
    assert.equal(await answer, "whole");
    assert.deepEqual(parts, ["p1", "p2"]);
    assert.deepEqual(events, [{ id: 0, type: "hello" }]);
  });

  it("rejects an answer that is an error, with the owner's error", async () => {
    const { channel, threads } = channelOf();
    const answer = channel.request("double", { n: 1 });
    threads[0].emit("message", { id: 1, type: "failed", value: "no such number" });
    await assert.rejects(answer, /no such number/);
  });

  it("keeps the thread referenced only while an answer is awaited", async () => {
    const { channel, threads } = channelOf();
    const answer = channel.request("double", { n: 1 });
    assert.equal(threads[0].refs, 1);
    threads[0].answer(1, 2);
    await answer;
    assert.equal(threads[0].refs, 0);
  });

  it("rejects every pending request when the thread dies, naming how, and starts a new thread on the next request", async () => {
    const { channel, threads } = channelOf();
    const a = channel.request("double", { n: 1 });
    const b = channel.request("echo", { text: "y" });
    threads[0].emit("exit", 3);
    await assert.rejects(a, /the test worker stopped \(exit code 3\)/);
    await assert.rejects(b, /the test worker stopped \(exit code 3\)/);
    assert.equal(channel.current, undefined);
    const c = channel.request("double", { n: 5 });
    assert.equal(threads.length, 2);
    threads[1].answer(3, 10);
    assert.equal(await c, 10);
    const d = channel.request("double", { n: 6 });
    threads[1].emit("error", new Error("out of memory"));
    await assert.rejects(d, /the test worker failed: out of memory/);
  });

  it("lets the owner send pending requests again after a death, counting the attempts", async () => {
    let deaths = 0;
    const { channel, threads } = channelOf({
      onDeath: () => {
        deaths++;
        const waiting = channel.waiting();
        if (waiting.every((p) => p.attempts < 2)) channel.resend(waiting.map((p) => p.id));
        else channel.rejectAll(new Error("gave up"));
      },
    });
    const a = channel.request("double", { n: 1 });
    threads[0].emit("exit", 1);
    assert.equal(threads.length, 2, "sent again to a new thread");
    assert.deepEqual(threads[1].sent, [{ n: 1, id: 1, type: "double" }]);
    assert.deepEqual(channel.waiting(), [{ id: 1, method: "double", attempts: 2 }]);
    threads[1].emit("exit", 1);
    await assert.rejects(a, /gave up/);
    assert.equal(deaths, 2);
    // A thread let go of (detached) dies without the channel noticing.
    void channel.request("double", { n: 2 });
    const old = channel.detach() as FakeThread;
    old.emit("exit", 0);
    assert.equal(deaths, 2);
  });

  it("refuses a request past the bound (counted), except unbounded methods", async () => {
    const { channel, threads } = channelOf({ maxPending: 2, unbounded: ["echo"], busy: (n) => new Error(`busy: ${n} waiting`) });
    void channel.request("double", { n: 1 });
    void channel.request("double", { n: 2 });
    await assert.rejects(channel.request("double", { n: 3 }), /busy: 2 waiting/);
    assert.equal(channel.refused, 1);
    const echo = channel.request("echo", { text: "still" });
    threads[0].answer(3, "still");
    assert.equal(await echo, "still", "an unbounded method passes the bound");
  });

  it("close rejects what waits and every later request, and gives the thread back to close", async () => {
    const { channel, threads } = channelOf();
    const a = channel.request("double", { n: 1 });
    const thread = channel.close(new Error("shut down"));
    assert.equal(thread, threads[0]);
    await assert.rejects(a, /shut down/);
    await assert.rejects(channel.request("double", { n: 2 }), /shut down/);
    assert.equal(threads.length, 1, "no thread started after close");
    assert.equal(channel.closed, true);
  });

  it("posts messages that expect no answer only to a running thread; has() tells what still waits (cancel)", async () => {
    const { channel, threads } = channelOf();
    channel.post({ id: 0, type: "cancel" });
    assert.equal(threads.length, 0, "no thread is started to be told nothing");
    const ids: number[] = [];
    const a = channel.request("double", { n: 1 }, { ids });
    channel.post({ id: 0, type: "cancel", ids });
    assert.deepEqual(threads[0].sent.at(-1), { id: 0, type: "cancel", ids: [1] });
    assert.equal(channel.has(1), true);
    threads[0].answer(1, 2);
    await a;
    assert.equal(channel.has(1), false);
  });

  it("with restart: a thread that died before its first answer is started again only after a wait, doubled per such death", async () => {
    let clock = 0;
    const { channel, threads } = channelOf({ restart: { baseMs: 1_000, maxMs: 60_000, exitWaitMs: 10_000, now: () => clock } });
    const first = channel.request("double", { n: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(threads.length, 1);
    threads[0].emit("exit", 7);
    await assert.rejects(first, /stopped \(exit code 7\)/);
    await assert.rejects(channel.request("double", { n: 2 }), /the test worker stopped \(exit code 7\); it is started again in 1 s/);
    assert.equal(threads.length, 1, "no thread started within the wait");
    clock = 1_000;
    const second = channel.request("double", { n: 3 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(threads.length, 2);
    threads[1].emit("exit", 7);
    await assert.rejects(second);
    clock = 2_500;
    await assert.rejects(channel.request("double", { n: 4 }), /started again in 1 s/, "the second early death doubles the wait (2 s from 1 s)");
    clock = 3_000;
    const third = channel.request("double", { n: 5 });
    await new Promise((resolve) => setImmediate(resolve));
    threads[2].answer(5, 10);
    assert.equal(await third, 10);
    // A thread that answered before it died is started again at once.
    threads[2].emit("exit", 1);
    const fourth = channel.request("double", { n: 6 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(threads.length, 4);
    threads[3].answer(6, 12);
    assert.equal(await fourth, 12);
    assert.equal(channel.starts, 4);
  });

  it("with restart: a new thread waits for the last one's exit (an error comes before the exit)", async () => {
    const { channel, threads } = channelOf({ restart: { baseMs: 1_000, maxMs: 60_000, exitWaitMs: 10_000, now: () => 0 } });
    const first = channel.request("double", { n: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    threads[0].answer(1, 2);
    await first;
    threads[0].emit("error", new Error("out of memory"));
    const next = channel.request("double", { n: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(threads.length, 1, "not started while the last thread is still ending");
    threads[0].emit("exit", 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(threads.length, 2);
    threads[1].answer(2, 4);
    assert.equal(await next, 4);
  });
});
