/**
 * Memory side of the batching research: RSS of a process holding 1 or 2 onnxruntime sessions of the full-size
 * random int8 model, each in its own worker thread (as "batch 1 in 2 workers" would need), after scoring some tweets.
 * Usage: node bench/workerRss.mjs WORKERS   (prints one JSON line; run once per count, in fresh processes)
 */
import { join } from "node:path";
import { RANDOM_MODEL, ensureRandomModel, loadTokenizer, loadTweets, rssMB, runInWorkers, sessionOptions } from "./lib.mjs";

const workers = Number(process.argv[2] ?? 1);
ensureRandomModel();
const tokenizer = await loadTokenizer(RANDOM_MODEL);
const rows = loadTweets().slice(0, 60).map((text) => tokenizer.encode(text));
const before = rssMB().current;
await runInWorkers(join(RANDOM_MODEL, "onnx", "model_quantized.onnx"), sessionOptions({ threads: 1 }), rows, { workers });
console.log(JSON.stringify({ workers, rssBeforeMB: Math.round(before), peakMB: Math.round(rssMB().peak), growthMB: Math.round(rssMB().peak - before) }));
