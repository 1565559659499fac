import { strict as assert } from "node:assert";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { EngineClient } from "../../src/engine/client";
import { chooseKernels, rowwiseWeightsFor, sessionKernelOptions } from "../../src/engine/kernels";
import { NotRewritable, rewriteModel, rowwiseModelFile } from "../../src/engine/rowwise";
import { TextTokenizer } from "../../src/engine/tokenizer";
import { MINI_MODEL, WORKER, sharedFile } from "./helpers";

const INT8 = join(MINI_MODEL, "onnx", "model_quantized.onnx");
const OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, extra: { session: { x64quantprecision: "1" } } };

/** p(label 1) of each row, run as one right-padded batch. */
async function run(session: ort.InferenceSession, rows: number[][]): Promise<number[]> {
  const width = Math.max(...rows.map((row) => row.length));
  const ids = new BigInt64Array(rows.length * width);
  const mask = new BigInt64Array(rows.length * width);
  rows.forEach((row, r) => row.forEach((id, c) => ((ids[r * width + c] = BigInt(id)), (mask[r * width + c] = 1n))));
  const dims = [rows.length, width];
  const { logits } = await session.run({ input_ids: new ort.Tensor("int64", ids, dims), attention_mask: new ort.Tensor("int64", mask, dims) });
  const data = logits.data as Float32Array;
  return rows.map((_, r) => 1 / (1 + Math.exp(data[2 * r] - data[2 * r + 1])));
}

async function aloneAndBatched(file: string, rows: number[][], options = OPTIONS): Promise<{ alone: number[]; batched: number[] }> {
  const session = await ort.InferenceSession.create(file, options);
  try {
    const alone: number[] = [];
    for (const row of rows) alone.push(...(await run(session, [row])));
    const batched: number[] = [];
    for (let i = 0; i < rows.length; i += 16) batched.push(...(await run(session, rows.slice(i, i + 16))));
    return { alone, batched };
  } finally {
    await session.release();
  }
}

const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

describe("row-wise int8 graph (batching without changing results)", () => {
  let cache: string;
  let rows: number[][];
  before(function () {
    cache = mkdtempSync(join(tmpdir(), "inline-sentiment-rowwise-"));
    const tokenizer = TextTokenizer.load(MINI_MODEL);
    // Texts of many lengths in one batch: most rows are padded.
    const texts = (JSON.parse(readFileSync(sharedFile(this, "models", "sentiment-mini", "reference", "sst2-dev.json"), "utf8")) as { text: string }[])
      .slice(0, 96)
      .map((row) => row.text);
    rows = texts.map((text) => [...tokenizer.prefix, ...tokenizer.encode(text), ...tokenizer.suffix]);
  });
  after(() => rmSync(cache, { recursive: true, force: true }));

  it("gives each text in a padded batch the result it has alone, where the original graph does not", async () => {
    const original = await aloneAndBatched(INT8, rows);
    const rowwise = await aloneAndBatched(rowwiseModelFile(INT8, cache), rows);
    assert.ok(maxDiff(original.alone, original.batched) > 1e-3, "the original graph's batches shift results (per-tensor quantization)");
    assert.ok(maxDiff(rowwise.alone, rowwise.batched) < 1e-6, `row-wise batched vs alone: ${maxDiff(rowwise.alone, rowwise.batched)}`);
    assert.ok(maxDiff(rowwise.alone, original.alone) < 1e-4, `row-wise vs original, alone: ${maxDiff(rowwise.alone, original.alone)}`);
  });

  it("keeps int8 weights for this machine's kernels when they are u8s8, and stays exact with the kernels chosen here", async () => {
    const choice = await chooseKernels(ort);
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, extra: { session: sessionKernelOptions(choice.kernels) } };
    const original = await aloneAndBatched(INT8, rows, options);
    const rowwise = await aloneAndBatched(rowwiseModelFile(INT8, cache, rowwiseWeightsFor(choice.kernels)), rows, options);
    assert.ok(maxDiff(rowwise.alone, rowwise.batched) < 1e-6, `${choice.kernels}: row-wise batched vs alone: ${maxDiff(rowwise.alone, rowwise.batched)}`);
    assert.ok(maxDiff(rowwise.alone, original.alone) < 1e-4, `${choice.kernels}: row-wise vs original, alone: ${maxDiff(rowwise.alone, original.alone)}`);
  });

  it("stores weights as asked: int8 as the source has them, uint8 shifted by 128; both copies side by side", () => {
    const signed = rewriteModel(readFileSync(INT8), MINI_MODEL, "int8").bytes;
    const unsigned = rewriteModel(readFileSync(INT8), MINI_MODEL, "uint8").bytes;
    const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");
    assert.ok(!text(signed).includes("/rowwise_u8"), "int8 copy has no uint8 weights");
    assert.ok(text(unsigned).includes("/rowwise_u8"), "uint8 copy has uint8 weights");
    const own = mkdtempSync(join(cache, "kinds-"));
    const i8 = rowwiseModelFile(INT8, own, "int8");
    const u8 = rowwiseModelFile(INT8, own, "uint8");
    assert.notEqual(i8, u8);
    assert.ok(existsSync(i8) && existsSync(u8), "making one kind does not remove the other");
  });

  it("rewrites the tiny random DistilBERT of ../shared exactly as well", async function () {
    const dir = join(cache, "tiny");
    mkdirSync(dir);
    const file = join(dir, "model_quantized.onnx");
    copyFileSync(sharedFile(this, "models", "distilbert-sst2-random", "tiny_quantized.onnx"), file);
    const { rewritten } = rewriteModel(readFileSync(file), dir);
    assert.equal(rewritten, 2 * 4 + 2, "4 quantizers per layer (Q/K/V, output, two FFN) and 2 in the head");
    const tiny = await aloneAndBatched(rowwiseModelFile(file, cache), rows);
    assert.ok(maxDiff(tiny.alone, tiny.batched) < 1e-6, `batched vs alone: ${maxDiff(tiny.alone, tiny.batched)}`);
  });

  it("keeps one copy per source file and version, and refuses a graph without dynamic quantization", function () {
    const own = mkdtempSync(join(cache, "copies-"));
    const stale = join(own, "model_quantized.rowwise-0123456789abcdef.onnx");
    writeFileSync(stale, "an older rewrite");
    const first = rowwiseModelFile(INT8, own);
    assert.equal(rowwiseModelFile(INT8, own), first);
    assert.ok(existsSync(first));
    assert.ok(!existsSync(stale), "older copies are removed");
    const fp32 = sharedFile(this, "models", "sentiment-mini", "onnx", "model.onnx");
    assert.throws(() => rewriteModel(readFileSync(fp32), MINI_MODEL), NotRewritable);
  });

  it("runs an int8 file it cannot rewrite one text per call, and says why", async function () {
    const dir = mkdtempSync(join(cache, "fp32-as-int8-"));
    mkdirSync(join(dir, "onnx"));
    for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json"]) copyFileSync(join(MINI_MODEL, file), join(dir, file));
    copyFileSync(sharedFile(this, "models", "sentiment-mini", "onnx", "model.onnx"), join(dir, "onnx", "model_quantized.onnx"));
    const engine = new EngineClient(WORKER, { dir, dtype: "q8", batchInt8: true, cacheDir: cache });
    try {
      const info = await engine.modelInfo();
      assert.equal(info.rowsPerRun, 1);
      assert.match(info.batching, /one text per call: no DynamicQuantizeLinear/);
      const [result] = await engine.classify(["a lovely, warm film"]);
      assert.equal(result.label, "POSITIVE");
    } finally {
      engine.dispose();
    }
  });
});
