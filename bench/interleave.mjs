/**
 * Interleaved measurement: every contender (raw onnxruntime set-ups, the anchor, the engine) is loaded once, then
 * scores the same rows in rounds A B C A B C ..., so that the machine's drift (other processes, thermal, turbo)
 * falls on all of them alike. Ratios are taken within a round and their median reported.
 * A contender is { name, start(): Promise, run(rows, texts): Promise<{ p, ms }>, stop(): Promise, ...description }.
 */
import { Worker } from "node:worker_threads";
import { quantile } from "./lib.mjs";

function message(worker, type) {
  return new Promise((resolve, reject) => {
    const on = (m) => {
      if (m.type !== type) return;
      worker.off("message", on);
      worker.off("error", reject);
      resolve(m);
    };
    worker.on("message", on);
    worker.once("error", reject);
  });
}

/** Session options: the engine's (spinning off), with or without session.x64quantprecision (the u8u8 kernels). */
export function sessionOptions({ threads, x64qp }) {
  const session = { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } };
  if (x64qp) session.x64quantprecision = "1";
  return { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all", extra: { session } };
}

/**
 * Raw onnxruntime-node: `sessions` worker threads with one session each (`threads` intra-op threads), rows dealt
 * round-robin; each session runs sorted batches of `batch` rows (at most `spread` padding tokens a row).
 */
export function rawContender({ name, file, threads, x64qp, sessions = 1, batch = 1, spread = Infinity, ...rest }) {
  let workers = [];
  return {
    name,
    kind: "raw",
    file,
    threads,
    x64qp,
    sessions,
    batch,
    spread: String(spread),
    ...rest,
    async start() {
      workers = Array.from({ length: sessions }, () => new Worker(new URL("./sessionWorker.mjs", import.meta.url), { workerData: { file, options: sessionOptions({ threads, x64qp }) } }));
      await Promise.all(workers.map((w) => message(w, "ready")));
    },
    async run(rows) {
      const shares = workers.map((_, w) => rows.map((_, i) => i).filter((i) => i % workers.length === w));
      const start = performance.now();
      const answers = await Promise.all(
        workers.map((w, k) => {
          const done = message(w, "done");
          w.postMessage({ rows: shares[k].map((i) => rows[i]), batch, spread });
          return done;
        }),
      );
      const ms = performance.now() - start;
      const p = new Float64Array(rows.length);
      answers.forEach((answer, w) => shares[w].forEach((i, k) => (p[i] = answer.p[k])));
      return { p, ms };
    },
    async stop() {
      await Promise.all(workers.map((w) => w.terminate()));
      workers = [];
    },
  };
}

/** The anchor: transformers.js pipeline, one call per text, in a worker thread. */
export function anchorContender(dir, name = "anchor: transformers.js 4.3.1 pipeline, one call per text") {
  let worker;
  return {
    name,
    kind: "anchor",
    async start() {
      worker = new Worker(new URL("./anchorWorker.mjs", import.meta.url), { workerData: { dir } });
      await message(worker, "ready");
    },
    async run(_rows, texts) {
      const done = message(worker, "done");
      worker.postMessage({ texts });
      const { p, ms } = await done;
      return { p: Float64Array.from(p), ms };
    },
    async stop() {
      await worker?.terminate();
    },
  };
}

/** Max |a - b| and how many rows differ by more than 1e-4. */
export function delta(a, b) {
  let max = 0;
  let over = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > max) max = d;
    if (d > 1e-4) over++;
  }
  return { max, over1e4: over };
}

/**
 * Starts every contender, warms each up on the first rows, then runs `rounds` interleaved rounds over all rows
 * (the order of contenders rotates every round). Returns per contender its rows/s in each round, the median, and
 * the p of its last round; contenders are stopped at the end.
 */
export async function interleave(contenders, rows, texts, { rounds = 3, warmRows = 64, log = () => {} } = {}) {
  const results = new Map(contenders.map((c) => [c, { rates: [], p: undefined }]));
  for (const c of contenders) {
    await c.start();
    await c.run(rows.slice(0, warmRows), texts.slice(0, warmRows));
  }
  try {
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(k + round) % contenders.length];
        const { p, ms } = await c.run(rows, texts);
        const r = results.get(c);
        r.rates.push((rows.length / ms) * 1000);
        r.p = p;
        log(`  round ${round + 1}, ${c.name}: ${((rows.length / ms) * 1000).toFixed(1)} rows/s`);
      }
    }
  } finally {
    for (const c of contenders) await c.stop();
  }
  return contenders.map((c) => {
    const r = results.get(c);
    return { contender: c, rates: r.rates, median: quantile(r.rates, 0.5), p: r.p };
  });
}

/** Median over rounds of a's rate / b's rate in the same round. */
export function ratio(a, b) {
  return quantile(
    a.rates.map((rate, i) => rate / b.rates[i]),
    0.5,
  );
}
