import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import protobuf from "protobufjs/light";
import { EngineClient } from "../../src/engine/engineClient";
import type { BackendChoice, ModelSpec } from "../../src/engine/engineProtocol";
import { batchAround, softmax } from "../../src/engine/worker/batching";
import { externalFilesOf } from "../../src/engine/worker/wasmBackend";
import { MINI_MODEL, ROOT, WORKER, sharedFile, spec } from "./helpers";
import { identityModel } from "./onnxFixture";
import { engineThread } from "../../src/engine/node/threads";

/** The engine's tests that depend on the runtime run on both backends; the client's own logic runs once (native). */
const BACKENDS = ["native", "wasm"] as const;
/** How each backend names itself in ModelInfo.backend and in load errors. */
const BACKEND_NAME = { native: /^native \(onnxruntime-node\)$/, wasm: /^WebAssembly \(onnxruntime-web, \d+ threads?\)$/ };

/** A copy of the mini model in a temp folder, for breaking one file at a time. */
function miniCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-model-"));
  mkdirSync(join(dir, "onnx"));
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx"]) {
    copyFileSync(join(MINI_MODEL, file), join(dir, file));
  }
  return dir;
}

for (const backend of BACKENDS) describe(`engine (worker thread, mini model, ${backend} backend)`, () => {
  const once = backend === "native";
  const specFor = (dir: string, options: Partial<ModelSpec> = {}) => spec(dir, { backend, ...options });
  let engine: EngineClient;
  const temps: string[] = [];
  const temp = () => {
    const dir = miniCopy();
    temps.push(dir);
    return dir;
  };
  // A fresh engine per test for the native backend. The WebAssembly engine is shared by the tests of this block: each
  // start compiles onnxruntime-web's 14 MB .wasm and starts its threads (seconds on a busy 2-core machine), and the
  // tests that dispose their engine run once, on native.
  if (once) {
    beforeEach(() => (engine = new EngineClient(engineThread(WORKER), specFor(MINI_MODEL))));
    afterEach(() => engine.dispose());
  } else {
    before(() => (engine = new EngineClient(engineThread(WORKER), specFor(MINI_MODEL))));
    after(() => engine.dispose());
  }
  after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("labels clear praise and clear complaints, in input order, with probabilities that sum to 1", async () => {
    const texts = ["I love it, the staff were wonderful.", "This is awful and a waste of money.", "A charming, delightful film."];
    const results = await engine.classify(texts);
    assert.deepEqual(results.map((r) => r.label), ["POSITIVE", "NEGATIVE", "POSITIVE"]);
    for (const result of results) {
      assert.deepEqual(Object.keys(result.probabilities).sort(), ["NEGATIVE", "POSITIVE"]);
      assert.ok(Math.abs(result.probabilities.NEGATIVE + result.probabilities.POSITIVE - 1) < 1e-9);
      assert.equal(result.score, result.probabilities[result.label]);
      assert.equal(result.windows, 1);
    }
    assert.equal(engine.textsSent, 3);
  });

  it("reports the model it loaded, and the backend that runs it", async () => {
    const info = await engine.modelInfo();
    assert.deepEqual([info.labels, info.maxTokens], [["NEGATIVE", "POSITIVE"], 512]);
    assert.match(info.onnxFile, /model_quantized\.onnx$/);
    assert.match(info.backend, BACKEND_NAME[backend]);
    assert.equal(info.backendReason, `backend set to ${backend}`);
  });

  it("scores a text longer than 512 tokens in overlapping windows instead of truncating it", async () => {
    const long = Array.from({ length: 300 }, () => "The service was terrible and slow.").join(" ");
    const [result] = await engine.classify([long]);
    assert.ok(result.tokens > 2000, `tokens: ${result.tokens}`);
    assert.equal(result.windows, Math.ceil((result.tokens - 510) / 382) + 1);
    assert.equal(result.label, "NEGATIVE");
  });

  it("gives the same result for a text alone and inside a batch", async () => {
    const [alone] = await engine.classify(["the plot is thin but the actors are great"]);
    const batch = await engine.classify(["short", "the plot is thin but the actors are great", "a much longer text ".repeat(20)]);
    assert.ok(Math.abs(alone.score - batch[1].score) < 1e-6);
  });

  // The runtime's own failures run on both backends; the files read before the runtime is asked, once.
  const failures: [string, (dir: string) => void, RegExp, "runtime"?][] = [
    ["a missing config.json", (dir) => rmSync(join(dir, "config.json")), /config\.json: file not found/],
    ["a config.json without id2label", (dir) => writeFileSync(join(dir, "config.json"), "{}"), /config\.json: has no id2label/],
    ["a malformed config.json", (dir) => writeFileSync(join(dir, "config.json"), "{ nope"), /config\.json: not valid JSON/],
    ["a missing tokenizer.json", (dir) => rmSync(join(dir, "tokenizer.json")), /tokenizer\.json: file not found/],
    ["a missing ONNX file", (dir) => rmSync(join(dir, "onnx", "model_quantized.onnx")), /model_quantized\.onnx: file not found/],
    [
      "a truncated ONNX file",
      (dir) => {
        const file = join(dir, "onnx", "model_quantized.onnx");
        writeFileSync(file, readFileSync(file).subarray(0, 100_000));
      },
      backend === "native" ? /model_quantized\.onnx: native \(onnxruntime-node\) cannot load it/ : /model_quantized\.onnx: WebAssembly \(onnxruntime-web, \d threads?\) cannot load it/,
      "runtime",
    ],
    [
      "a model with the wrong inputs and outputs",
      (dir) => writeFileSync(join(dir, "onnx", "model_quantized.onnx"), identityModel()),
      /model_quantized\.onnx: expected inputs input_ids and attention_mask and output logits; it has inputs pixels and outputs scores/,
      "runtime",
    ],
    [
      "a config.json whose labels do not match the model's outputs",
      (dir) => writeFileSync(join(dir, "config.json"), JSON.stringify({ id2label: { 0: "NEG", 1: "NEU", 2: "POS" }, max_position_embeddings: 512 })),
      /model_quantized\.onnx: logits have shape \[1, 2\], config\.json has 3 labels/,
      "runtime",
    ],
  ];
  for (const [name, breakIt, message, runtime] of failures) {
    if (!runtime && !once) continue;
    it(`fails with a message naming the file for ${name}, and keeps the model it had`, async () => {
      await engine.classify(["warm up with the good model"]);
      const dir = temp();
      breakIt(dir);
      await assert.rejects(engine.setModel(specFor(dir)), message);
      const [result] = await engine.classify(["still works: a lovely day"]);
      assert.equal(result.label, "POSITIVE");
    });
  }

  if (once) it("fails with a message naming the folder when the model folder is missing", async () => {
    const broken = new EngineClient(engineThread(WORKER), specFor("/nonexistent/model"));
    try {
      await assert.rejects(broken.classify(["x"]), /\/nonexistent\/model: model folder not found/);
    } finally {
      broken.dispose();
    }
  });

  if (once) it("rejects every pending request when the worker dies, and restarts on the next request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-worker-"));
    temps.push(dir);
    const dying = join(dir, "dying.js");
    writeFileSync(dying, "process.exit(7);");
    const client = new EngineClient(engineThread(dying), specFor(MINI_MODEL));
    try {
      await assert.rejects(client.classify(["a", "b"]), /sentiment engine stopped \(exit code 7\)/);
      assert.equal(client.restarts, 2, "restarted once for the retry, then gave up");
      await assert.rejects(client.classify(["c"]), /exit code 7/);
    } finally {
      client.dispose();
    }
  });

  if (once) it("rejects with the worker's own error when the worker throws", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-worker-"));
    temps.push(dir);
    const throwing = join(dir, "throwing.js");
    writeFileSync(throwing, "throw new Error('boom at start');");
    const client = new EngineClient(engineThread(throwing), specFor(MINI_MODEL));
    try {
      await assert.rejects(client.classify(["a"]), /sentiment engine failed: boom at start/);
    } finally {
      client.dispose();
    }
  });

  it("restarts a worker that dies mid-analysis and answers every pending request", async () => {
    const texts = Array.from({ length: 200 }, (_, i) => `Review ${i}: the hotel was ${i % 2 ? "dirty and loud" : "clean and quiet"}.`);
    const crashes: boolean[] = [];
    engine.onCrash = (_, retried) => crashes.push(retried);
    const [warm] = await engine.classify([texts[1]]);
    const running = engine.classify(texts);
    const explained = engine.explain("The room was awful.");
    await engine.restart();
    const results = await running;
    assert.equal(results.length, 200);
    assert.deepEqual(results[1], warm, "the same answer as before the crash");
    assert.equal((await explained).label, "NEGATIVE");
    assert.deepEqual(crashes, [true]);
    assert.equal(engine.restarts, 1);
  });

  if (once) it("gives up on a request that fails again after its retry", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-worker-"));
    temps.push(dir);
    const dying = join(dir, "dying.js");
    writeFileSync(dying, "require('node:worker_threads').parentPort.on('message', () => process.exit(9));");
    const client = new EngineClient(engineThread(dying), specFor(MINI_MODEL));
    const crashes: boolean[] = [];
    client.onCrash = (_, retried) => crashes.push(retried);
    try {
      await assert.rejects(client.classify(["a"]), /exit code 9/);
      assert.deepEqual(crashes, [true, false]);
    } finally {
      client.dispose();
    }
  });

  it("cancels queued chunks when the caller aborts, and runs urgent requests first", async () => {
    const long = Array.from({ length: 640 }, (_, i) => `Background paragraph number ${i} about shipping.`);
    const controller = new AbortController();
    const background = engine.classify(long, { signal: controller.signal });
    const urgent = engine.classify(["The screen I am looking at is lovely."], { priority: "high" });
    const [first] = await urgent;
    assert.equal(first.label, "POSITIVE");
    controller.abort();
    await assert.rejects(background, (error: Error) => error.name === "CancelledError");
    const [after] = await engine.classify(["still answering: great service"]);
    assert.equal(after.label, "POSITIVE");
  });

  it("runs an urgent text in the next batch, before the rest of a request already started, which can still be cancelled", async () => {
    // One request (one chunk) of texts of many lengths: several batches.
    const texts = Array.from({ length: 64 }, (_, i) => `Background paragraph ${i} about ${"late deliveries and missing refunds ".repeat(i % 7)}.`);
    const controller = new AbortController();
    let backgroundSettled = false;
    const background = engine.classify(texts, { signal: controller.signal });
    background.then(
      () => (backgroundSettled = true),
      () => (backgroundSettled = true),
    );
    const [urgent] = await engine.classify(["The screen I am looking at is lovely."], { priority: "high" });
    assert.equal(urgent.label, "POSITIVE");
    assert.equal(backgroundSettled, false, "the urgent text did not wait for the whole request");
    controller.abort();
    await assert.rejects(background, (error: Error) => error.name === "CancelledError");
  });

  it("batches texts across requests (fp32 graph) and answers each with the results it has alone", async function () {
    // int8 graphs run one text per call (their per-tensor quantization couples batched rows); fp32 graphs batch. The
    // mini model's fp32 graph (18 MB) is not committed: it comes from ../shared.
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-fp32-"));
    mkdirSync(join(dir, "onnx"));
    copyFileSync(sharedFile(this, "models", "sentiment-mini", "onnx", "model.onnx"), join(dir, "onnx", "model.onnx"));
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json"]) copyFileSync(join(MINI_MODEL, file), join(dir, file));
    const fp32 = new EngineClient(engineThread(WORKER), specFor(dir, { dtype: "fp32" }));
    try {
      const texts = Array.from({ length: 40 }, (_, i) => `Order ${i} ${i % 2 ? "was terrible, awful and broken" : "was wonderful, I love it"}${"!".repeat(i % 5)}`);
      const alone: number[] = [];
      for (const text of texts.slice(0, 8)) alone.push((await fp32.classify([text]))[0].probabilities.POSITIVE);
      // Five requests of eight texts sent at once: the worker forms batches from all of them.
      const together = (await Promise.all([0, 8, 16, 24, 32].map((i) => fp32.classify(texts.slice(i, i + 8))))).flat();
      const info = await fp32.modelInfo();
      assert.ok(info.rowsPerRun > 1, info.batching);
      assert.equal(info.kernels, "fp32");
      assert.equal(together.length, 40);
      alone.forEach((p, i) => assert.ok(Math.abs(p - together[i].probabilities.POSITIVE) < 1e-6, `text ${i}: ${p} vs ${together[i].probabilities.POSITIVE}`));
      assert.equal(together[1].label, "NEGATIVE");
      assert.equal(together[2].label, "POSITIVE");
    } finally {
      fp32.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("shuts down cleanly while a batch is running (terminating a worker mid-run would abort the whole process)", async () => {
    const texts = Array.from({ length: 64 }, (_, i) => `A long review number ${i}: ${"the room was fine but the breakfast was cold ".repeat(8)}`);
    // Five rounds on native, where the race once aborted the process; two on WebAssembly (its starts are slow).
    for (let round = 0; round < (once ? 5 : 2); round++) {
      const client = new EngineClient(engineThread(WORKER), specFor(MINI_MODEL));
      await client.modelInfo();
      const running = client.classify(texts);
      // Dispose once the first batch is surely running: the urgent request below is answered between two batches.
      await client.classify(["ok"], { priority: "high" });
      client.dispose();
      await assert.rejects(running, /shut down/);
    }
    const [after] = await engine.classify(["still here: a lovely day"]);
    assert.equal(after.label, "POSITIVE");
  });

  it("runs the engine's threads at a lower OS priority than the host's thread (Linux)", async function () {
    if (process.platform !== "linux") this.skip();
    await engine.classify(["load the model"]);
    const nice = readdirSync("/proc/self/task")
      .map(threadNice)
      .filter((n) => n !== undefined);
    assert.equal(threadNice(process.pid), 0, "the host's main thread keeps its priority");
    // The worker's own thread, and the threads it creates (onnxruntime's pool, when the session is created on it). The
    // runs themselves go through onnxruntime-node's async work on Node's shared libuv pool, which belongs to the whole
    // process (in VS Code, to every extension) and is deliberately not touched.
    assert.ok(nice.filter((n) => n === 10).length >= 1, `threads at nice 10: the engine's worker (${nice.join(",")})`);
  });

  if (once) it("lowers only the engine's own threads, never threads the rest of the process starts while it loads (Linux)", async function () {
    if (process.platform !== "linux") this.skip();
    // In VS Code the extension host is shared: other extensions start threads at any time. Bystander threads are
    // started one after another for as long as the engine loads its model (and creates onnxruntime's thread pool).
    const client = new EngineClient(engineThread(WORKER), specFor(MINI_MODEL));
    let loaded = false;
    const load = client.modelInfo().finally(() => (loaded = true));
    const bystanders: { worker: Worker; tid: number }[] = [];
    try {
      while (!loaded) {
        const worker = new Worker(
          'const { parentPort } = require("node:worker_threads"); const { readlinkSync } = require("node:fs");' +
            'parentPort.postMessage(Number(readlinkSync("/proc/thread-self").split("/").pop())); setInterval(() => {}, 1e6);',
          { eval: true },
        );
        bystanders.push({ worker, tid: await new Promise<number>((resolve) => worker.once("message", resolve)) });
      }
      await load;
      assert.ok(bystanders.length >= 2, `${bystanders.length} bystander threads started during the load`);
      assert.deepEqual(bystanders.map(({ tid }) => threadNice(tid)), bystanders.map(() => 0), "no bystander thread is lowered");
      const engineThreads = readdirSync("/proc/self/task").filter((tid) => threadNice(tid) === 10);
      assert.ok(engineThreads.length >= 1, "the engine's worker thread is lowered");
    } finally {
      await Promise.all(bystanders.map(({ worker }) => worker.terminate()));
      client.dispose();
    }
  });

  if (once) it("keeps a few chunks of a large request in flight instead of sending the whole document at once", async () => {
    await engine.modelInfo();
    const texts = Array.from({ length: 1000 }, (_, i) => `Ticket ${i}: ${i % 2 ? "resolved quickly, thank you" : "still waiting, very annoyed"}.`);
    const before = engine.textsSent;
    const running = engine.classify(texts);
    assert.equal(engine.textsSent - before, 4 * 64, "four chunks of 64 texts sent right away");
    const results = await running;
    assert.equal(engine.textsSent - before, 1000);
    assert.equal(results.length, 1000);
    for (const i of [0, 1, 511, 999]) {
      const [alone] = await engine.classify([texts[i]]);
      assert.ok(Math.abs(alone.score - results[i].score) < 1e-6 && alone.label === results[i].label, `text ${i} in input order`);
    }
  });

  if (once) it("dispose resolves once the worker has exited, so a process can wait for it (ending during the release aborts)", async () => {
    let exited = false;
    const client = new EngineClient(() => {
      const thread = new Worker(WORKER);
      thread.once("exit", () => (exited = true));
      return thread;
    }, specFor(MINI_MODEL));
    await client.classify(["a fine day"]);
    const closing = client.dispose();
    assert.equal(exited, false);
    await closing;
    assert.ok(exited, "the worker had exited when dispose resolved");
    await client.dispose(); // a second dispose resolves as well
  });

  if (once) it("rejects pending requests on dispose", async () => {
    const pending = engine.classify(["anything"]);
    engine.dispose();
    await assert.rejects(pending, /shut down/);
  });
});

/**
 * A thread's nice value: field 19 of /proc/self/task/TID/stat (after the parenthesised name); undefined when the thread
 * ended between the listing of /proc/self/task and this read (threads of the process come and go under load).
 */
function threadNice(tid: string | number): number | undefined {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

describe("batch forming (windows sorted by length)", () => {
  const rows = (...lengths: number[]) => lengths.map((n) => ({ ids: new Array<number>(n).fill(0) }));
  it("groups similar lengths, at most the row limit, and always holds the window asked for", () => {
    const sorted = rows(10, 10, 11, 12, 13, 14, 15, 30, 31, 40);
    assert.deepEqual(batchAround(sorted, 0, 16), [0, 6], "10..14 tokens: 4 tokens (or 25 %) of padding at most");
    assert.deepEqual(batchAround(sorted, 7, 16), [7, 9], "30 and 31; 40 is too much padding");
    assert.deepEqual(batchAround(sorted, 3, 16), [2, 7], "12..15, and 11 joins (15 is within its room), 10 does not");
    assert.deepEqual(batchAround(sorted, 0, 4), [0, 4]);
    assert.deepEqual(batchAround(sorted, 2, 1), [2, 3], "one row per run for graphs that cannot batch");
  });
  it("runs windows longer than 48 tokens alone (batching them is slower on CPUs measured)", () => {
    const sorted = rows(49, 49, 50, 500);
    assert.deepEqual(batchAround(sorted, 0, 16), [0, 1]);
    assert.deepEqual(batchAround(sorted, 3, 16), [3, 4]);
  });
});

describe("softmax", () => {
  it("is stable for large logits", () => {
    const [a, b] = softmax([1000, 1000 + Math.log(3)]);
    assert.ok(Math.abs(a - 0.25) < 1e-12 && Math.abs(b - 0.75) < 1e-12);
  });
});

for (const backend of BACKENDS) describe(`engine against external references (${backend} backend)`, () => {
  it("reproduces the PyTorch logits of the tiny random DistilBERT, with right padding in one fp32 batch", async function () {
    const reference = JSON.parse(readFileSync(sharedFile(this, "models", "distilbert-sst2-random", "tiny_reference.json"), "utf8"));
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-tiny-"));
    try {
      mkdirSync(join(dir, "onnx"));
      copyFileSync(sharedFile(this, "models", "distilbert-sst2-random", "tiny.config.json"), join(dir, "config.json"));
      copyFileSync(sharedFile(this, "models", "distilbert-sst2-random", "tiny.onnx"), join(dir, "onnx", "model.onnx"));
      for (const file of ["tokenizer.json", "tokenizer_config.json"]) copyFileSync(join(MINI_MODEL, file), join(dir, file));
      const vocab = readFileSync(join(MINI_MODEL, "vocab.txt"), "utf8").split("\n");
      // Rebuild rows 0 and 1 ("this movie was great", "terrible") from their ids; the third text (42 tokens) makes
      // the batch pad them. Row 2 itself holds "her ##s", which reads back as "hers" (one token), so it is not checked.
      const texts = (reference.input_ids as number[][]).map((ids, row) =>
        ids.filter((_, i) => reference.attention_mask[row][i] === 1).slice(1, -1).map((id) => vocab[id]).join(" "),
      );
      const engine = new EngineClient(engineThread(WORKER), spec(dir, { dtype: "fp32", backend }));
      try {
        const results = await engine.classify(texts);
        for (const row of [0, 1]) {
          const expected = softmax(reference.logits_unpadded[row]);
          const diff = Math.abs(results[row].probabilities.NEGATIVE - expected[0]);
          assert.ok(diff < 1e-6, `row ${row}: ${diff}`);
          assert.equal(results[row].tokens, reference.attention_mask[row].filter((m: number) => m === 1).length - 2);
        }
        assert.equal(results[2].tokens, 42);
      } finally {
        engine.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const backend of BACKENDS) describe(`explain (leave-one-word-out, ${backend} backend)`, () => {
  it("names the word that carries a sentence's sentiment", async () => {
    const engine = new EngineClient(engineThread(WORKER), spec(MINI_MODEL, { backend }));
    try {
      const text = "The checkout page is terrible.";
      const explanation = await engine.explain(text);
      assert.equal(explanation.label, "NEGATIVE");
      assert.equal(explanation.wordsConsidered, 5);
      assert.equal(explanation.words[0].word, "terrible.");
      assert.equal(text.slice(explanation.words[0].start, explanation.words[0].end), "terrible.");
      assert.ok(explanation.words[0].influence > 0.1, `influence ${explanation.words[0].influence}`);
      const sorted = explanation.words.map((w) => Math.abs(w.influence));
      assert.deepEqual(sorted, [...sorted].sort((a, b) => b - a));
    } finally {
      engine.dispose();
    }
  });
});

/**
 * The mini model with every initializer of more than 1 KiB moved to `weights.bin` beside the graph, as large exports
 * store them (onnx.proto: TensorProto.raw_data 9 becomes external_data 13 with location/offset/length and
 * data_location 14 = EXTERNAL). Everything else is copied byte for byte.
 */
function withExternalWeights(model: Uint8Array): { graph: Uint8Array; weights: Buffer } {
  const chunks: Buffer[] = [];
  let offset = 0;
  const splice = (bytes: Uint8Array, rewrite: (field: number, payload?: Uint8Array) => Uint8Array | undefined): Uint8Array => {
    const reader = protobuf.Reader.create(bytes);
    const parts: Uint8Array[] = [];
    while (reader.pos < reader.len) {
      const begin = reader.pos;
      const tag = reader.uint32();
      let payload: Uint8Array | undefined;
      if ((tag & 7) === 2) payload = reader.bytes();
      else reader.skipType(tag & 7);
      parts.push(rewrite(tag >>> 3, payload) ?? bytes.subarray(begin, reader.pos));
    }
    return Buffer.concat(parts);
  };
  const lengthDelimited = (field: number, payload: Uint8Array) => protobuf.Writer.create().uint32((field << 3) | 2).bytes(payload).finish();
  const entry = (key: string, value: string) => lengthDelimited(13, protobuf.Writer.create().uint32((1 << 3) | 2).string(key).uint32((2 << 3) | 2).string(value).finish());
  const tensor = (bytes: Uint8Array) => {
    let moved = false;
    const rewritten = splice(bytes, (field, payload) => {
      if (field !== 9 || !payload || payload.length <= 1024) return undefined;
      moved = true;
      const at = offset;
      chunks.push(Buffer.from(payload));
      offset += payload.length;
      return Buffer.concat([entry("location", "weights.bin"), entry("offset", String(at)), entry("length", String(payload.length))]);
    });
    // data_location: the exporter wrote DEFAULT (0) after raw_data; the last value of a field wins, so it goes last.
    if (!moved) return rewritten;
    const withoutLocation = splice(rewritten, (field) => (field === 14 ? new Uint8Array() : undefined));
    return Buffer.concat([withoutLocation, protobuf.Writer.create().uint32(14 << 3).int32(1).finish()]);
  };
  const graph = (bytes: Uint8Array) => splice(bytes, (field, payload) => (field === 5 && payload ? lengthDelimited(5, tensor(payload)) : undefined));
  const rewritten = splice(model, (field, payload) => (field === 7 && payload ? lengthDelimited(7, graph(payload)) : undefined));
  return { graph: rewritten, weights: Buffer.concat(chunks) };
}

describe("backend choice (auto, native, wasm)", () => {
  const temps: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  after(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  async function infoOf(worker: string, options: Partial<ModelSpec>) {
    const client = new EngineClient(engineThread(worker), spec(MINI_MODEL, options));
    try {
      return await client.modelInfo();
    } finally {
      client.dispose();
    }
  }

  it("auto runs the native backend where onnxruntime-node loads (here)", async () => {
    const info = await infoOf(WORKER, {});
    assert.match(info.backend, BACKEND_NAME.native);
    assert.equal(info.backendReason, "auto: onnxruntime-node loads on this platform");
  });

  it("wasm runs WebAssembly with the threads asked for, and its int8 kernels pass the saturation probe", async () => {
    const info = await infoOf(WORKER, { backend: "wasm", intraOpThreads: 2 });
    assert.equal(info.backend, "WebAssembly (onnxruntime-web, 2 threads)");
    assert.equal(info.kernels, "u8s8");
    assert.match(info.kernelsReason, /by probe: WebAssembly SIMD int8 kernels, exact on the probe/);
  });

  it("auto falls back to WebAssembly where onnxruntime-node cannot load, and native then fails saying why", async () => {
    // The bundled worker beside a node_modules whose onnxruntime-node throws as a missing binary does (Intel macOS,
    // Alpine, 32-bit ARM); onnxruntime-web is the real one.
    const dir = tempDir("inline-sentiment-nonative-");
    copyFileSync(WORKER, join(dir, "worker.js"));
    mkdirSync(join(dir, "node_modules", "onnxruntime-node"), { recursive: true });
    writeFileSync(join(dir, "node_modules", "onnxruntime-node", "package.json"), JSON.stringify({ name: "onnxruntime-node", main: "index.js" }));
    writeFileSync(join(dir, "node_modules", "onnxruntime-node", "index.js"), "throw new Error('no onnxruntime binary for this platform (test)');");
    symlinkSync(join(ROOT, "node_modules", "onnxruntime-web"), join(dir, "node_modules", "onnxruntime-web"), "dir");
    const worker = join(dir, "worker.js");
    const auto = await infoOf(worker, { backend: "auto", intraOpThreads: 1 });
    assert.equal(auto.backend, "WebAssembly (onnxruntime-web, 1 thread)");
    assert.match(auto.backendReason ?? "", /^auto: onnxruntime-node cannot load on \w+-\w+: no onnxruntime binary for this platform \(test\); WebAssembly runs instead$/);
    await assert.rejects(infoOf(worker, { backend: "native" }), /backend set to native, but onnxruntime-node cannot load on \w+-\w+: no onnxruntime binary/);
  });

  it("fails with a message when the WebAssembly files are not where it is told to look", async () => {
    await assert.rejects(infoOf(WORKER, { backend: "wasm", wasmDir: "/nonexistent/wasm" }), /model_quantized\.onnx: WebAssembly \(onnxruntime-web.*\) cannot load it \(.*nonexistent\/wasm/);
  });

  it("loads a model whose weights are in an external file, with the same results as the inline one (both backends)", async () => {
    const dir = tempDir("inline-sentiment-external-");
    mkdirSync(join(dir, "onnx"));
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json"]) copyFileSync(join(MINI_MODEL, file), join(dir, file));
    const { graph, weights } = withExternalWeights(readFileSync(join(MINI_MODEL, "onnx", "model_quantized.onnx")));
    writeFileSync(join(dir, "onnx", "model_quantized.onnx"), graph);
    writeFileSync(join(dir, "onnx", "weights.bin"), weights);
    assert.ok(weights.length > graph.length * 4, `weights ${weights.length} bytes, graph ${graph.length}`);
    assert.deepEqual(externalFilesOf(graph), ["weights.bin"]);
    const texts = ["The staff were wonderful.", "A waste of money and time."];
    for (const backend of ["native", "wasm"] as BackendChoice[]) {
      const inline = new EngineClient(engineThread(WORKER), spec(MINI_MODEL, { backend }));
      const external = new EngineClient(engineThread(WORKER), spec(dir, { backend }));
      try {
        const [a, b] = await Promise.all([inline.classify(texts), external.classify(texts)]);
        a.forEach((result, i) => assert.equal(result.probabilities.POSITIVE, b[i].probabilities.POSITIVE, `${backend}, text ${i}`));
      } finally {
        inline.dispose();
        external.dispose();
      }
    }
  });

  it("reads the external weight files a graph names (the full-size random DistilBERT from ../shared)", function () {
    const graph = readFileSync(sharedFile(this, "models", "distilbert-sst2-random", "base_quantized.graph.onnx"));
    assert.deepEqual(externalFilesOf(graph), ["base_quantized.weights.bin"]);
    assert.deepEqual(externalFilesOf(readFileSync(join(MINI_MODEL, "onnx", "model_quantized.onnx"))), []);
  });
});
