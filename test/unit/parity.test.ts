import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { EngineClient } from "../../src/engine/client";
import { MINI_MODEL, WORKER, sharedFile, spec } from "./helpers";

interface ReferenceRow {
  text: string;
  label: number;
  p_positive: number;
}

describe("parity with the reference pipeline (SST-2 dev, mini model, int8)", () => {
  for (const batchInt8 of [false, true]) {
    it(`reproduces every reference probability (${batchInt8 ? "batched, row-wise graph" : "one text per call, the graph as it is"})`, async function () {
      const rows: ReferenceRow[] = JSON.parse(readFileSync(sharedFile(this, "models", "sentiment-mini", "reference", "sst2-dev.json"), "utf8"));
      assert.equal(rows.length, 872);
      const engine = new EngineClient(WORKER, spec(MINI_MODEL, { batchInt8 }));
      try {
        const results = await engine.classify(rows.map((row) => row.text));
        const errors = rows.map((row, i) => Math.abs(results[i].probabilities.POSITIVE - row.p_positive));
        const worst = errors.map((error, i) => ({ error, text: rows[i].text })).sort((a, b) => b.error - a.error);
        // The reference ran on an AVX-512 VNNI CPU with onnxruntime's fused int8 kernels. Here the exact integer
        // kernels match it, but float sums in other orders (AVX2 kernels; the row-wise graph's unfused matmul, scale and
        // bias, see src/engine/rowwise.ts) differ in the last bits, which can move one activation across a rounding step
        // of the dynamic int8 quantization. Measured here: the other 870 rows agree within 5e-5; "thekids will ..." is
        // 1.15e-4 off (also with the original graph) and "it 's too self-important ..." 2.6e-4 (the row-wise graph).
        // So, one text per call: 1e-4 for all but 1 row in 500, none beyond 2e-4; batched: 1 in 400, none beyond 3e-4.
        const [share, ceiling] = batchInt8 ? [400, 3e-4] : [500, 2e-4];
        const over = worst.filter((w) => w.error > 1e-4);
        assert.ok(over.length <= rows.length / share, `rows over 1e-4: ${JSON.stringify(over.slice(0, 5))}`);
        assert.ok(worst[0].error <= ceiling, `worst: ${JSON.stringify(worst[0])}`);
        const info = await engine.modelInfo();
        assert.equal(info.rowsPerRun > 1, batchInt8, info.batching);
        const accuracy = rows.filter((row, i) => (results[i].label === "POSITIVE" ? 1 : 0) === row.label).length / rows.length;
        assert.ok(Math.abs(accuracy - 0.787) < 0.002, `accuracy ${accuracy}`);
      } finally {
        engine.dispose();
      }
    });
  }
});
