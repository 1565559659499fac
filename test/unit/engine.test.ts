import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { EngineClient } from "../../src/engine/client";
import { batchAround, softmax } from "../../src/engine/worker/batching";
import { MINI_MODEL, WORKER, sharedFile, spec } from "./helpers";
import { identityModel } from "./onnxFixture";

/** A copy of the mini model in a temp folder, for breaking one file at a time. */
function miniCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-model-"));
  mkdirSync(join(dir, "onnx"));
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx"]) {
    copyFileSync(join(MINI_MODEL, file), join(dir, file));
  }
  return dir;
}

describe("engine (worker thread, mini model)", () => {
  let engine: EngineClient;
  const temps: string[] = [];
  const temp = () => {
    const dir = miniCopy();
    temps.push(dir);
    return dir;
  };
  beforeEach(() => (engine = new EngineClient(WORKER, spec(MINI_MODEL))));
  afterEach(() => engine.dispose());
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

  it("reports the model it loaded", async () => {
    const info = await engine.modelInfo();
    assert.deepEqual([info.labels, info.maxTokens], [["NEGATIVE", "POSITIVE"], 512]);
    assert.match(info.onnxFile, /model_quantized\.onnx$/);
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

  const failures: [string, (dir: string) => void, RegExp][] = [
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
      /model_quantized\.onnx: native \(onnxruntime-node\) cannot load it/,
    ],
    [
      "a model with the wrong inputs and outputs",
      (dir) => writeFileSync(join(dir, "onnx", "model_quantized.onnx"), identityModel()),
      /model_quantized\.onnx: expected inputs input_ids and attention_mask and output logits; it has inputs pixels and outputs scores/,
    ],
    [
      "a config.json whose labels do not match the model's outputs",
      (dir) => writeFileSync(join(dir, "config.json"), JSON.stringify({ id2label: { 0: "NEG", 1: "NEU", 2: "POS" }, max_position_embeddings: 512 })),
      /model_quantized\.onnx: logits have shape \[1, 2\], config\.json has 3 labels/,
    ],
  ];
  for (const [name, breakIt, message] of failures) {
    it(`fails with a message naming the file for ${name}, and keeps the model it had`, async () => {
      await engine.classify(["warm up with the good model"]);
      const dir = temp();
      breakIt(dir);
      await assert.rejects(engine.setModel(spec(dir)), message);
      const [result] = await engine.classify(["still works: a lovely day"]);
      assert.equal(result.label, "POSITIVE");
    });
  }

  it("fails with a message naming the folder when the model folder is missing", async () => {
    const broken = new EngineClient(WORKER, spec("/nonexistent/model"));
    try {
      await assert.rejects(broken.classify(["x"]), /\/nonexistent\/model: model folder not found/);
    } finally {
      broken.dispose();
    }
  });

  it("rejects every pending request when the worker dies, and restarts on the next request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-worker-"));
    temps.push(dir);
    const dying = join(dir, "dying.js");
    writeFileSync(dying, "process.exit(7);");
    const client = new EngineClient(dying, spec(MINI_MODEL));
    try {
      await assert.rejects(client.classify(["a", "b"]), /sentiment engine stopped \(exit code 7\)/);
      assert.equal(client.restarts, 2, "restarted once for the retry, then gave up");
      await assert.rejects(client.classify(["c"]), /exit code 7/);
    } finally {
      client.dispose();
    }
  });

  it("rejects with the worker's own error when the worker throws", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-worker-"));
    temps.push(dir);
    const throwing = join(dir, "throwing.js");
    writeFileSync(throwing, "throw new Error('boom at start');");
    const client = new EngineClient(throwing, spec(MINI_MODEL));
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

  it("gives up on a request that fails again after its retry", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-worker-"));
    temps.push(dir);
    const dying = join(dir, "dying.js");
    writeFileSync(dying, "require('node:worker_threads').parentPort.on('message', () => process.exit(9));");
    const client = new EngineClient(dying, spec(MINI_MODEL));
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
    const fp32 = new EngineClient(WORKER, spec(dir, { dtype: "fp32" }));
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
    for (let round = 0; round < 5; round++) {
      const client = new EngineClient(WORKER, spec(MINI_MODEL));
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
    // Field 19 of /proc/PID/task/TID/stat is the thread's nice value (after the parenthesised name).
    const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
    const nice = readdirSync("/proc/self/task").map(niceOf);
    assert.equal(niceOf(String(process.pid)), 0, "the host's main thread keeps its priority");
    assert.ok(nice.filter((n) => n === 10).length >= 2, `threads at nice 10: the worker's and onnxruntime's (${nice.join(",")})`);
  });

  it("lowers only the engine's own threads, never threads the rest of the process starts while it loads (Linux)", async function () {
    if (process.platform !== "linux") this.skip();
    const niceOf = (tid: number) => Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
    // In VS Code the extension host is shared: other extensions start threads at any time. Bystander threads are
    // started one after another for as long as the engine loads its model (and creates onnxruntime's thread pool).
    const client = new EngineClient(WORKER, spec(MINI_MODEL));
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
      assert.deepEqual(bystanders.map(({ tid }) => niceOf(tid)), bystanders.map(() => 0), "no bystander thread is lowered");
      const engineThreads = readdirSync("/proc/self/task").map(Number).filter((tid) => niceOf(tid) === 10);
      assert.ok(engineThreads.length >= 1, "the engine's worker thread is lowered");
    } finally {
      await Promise.all(bystanders.map(({ worker }) => worker.terminate()));
      client.dispose();
    }
  });

  it("keeps a few chunks of a large request in flight instead of sending the whole document at once", async () => {
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

  it("rejects pending requests on dispose", async () => {
    const pending = engine.classify(["anything"]);
    engine.dispose();
    await assert.rejects(pending, /shut down/);
  });
});

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

describe("engine against external references", () => {
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
      const engine = new EngineClient(WORKER, spec(dir, { dtype: "fp32" }));
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

describe("explain (leave-one-word-out)", () => {
  it("names the word that carries a sentence's sentiment", async () => {
    const engine = new EngineClient(WORKER, spec(MINI_MODEL));
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
