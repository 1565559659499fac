/**
 * Measurement 1, "the limit": raw onnxruntime-node on the token ids of the documents' units (tokenized with the model
 * folder's tokenizer, as the engine does; tokenization is not timed), in worker threads, with the engine's session
 * options (spinning off, x64quantprecision=1). Several batching set-ups are tried on the first 300 paragraphs of the
 * 1,000-paragraph document; the fastest is the limit, and is run on both whole documents.
 * Usage (run by bench/run.ts): node bench/limit.mjs DOCS_DIR OUT.json
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RANDOM_MODEL, loadTokenizer, readJsonFile, runInWorkers, sessionOptions } from "./lib.mjs";

const [docs, out] = process.argv.slice(2);
const file = join(RANDOM_MODEL, "onnx", "model_quantized.onnx");
const tokenizer = await loadTokenizer(RANDOM_MODEL);
const rowsOf = (n) => readJsonFile(join(docs, `units-${n}.json`)).map((text) => tokenizer.encode(text));

/** Candidates are compared on the first paragraphs of the smaller document, to keep the whole run short. */
const SCREENING_ROWS = 300;
const CANDIDATES = [
  { name: "1 worker x 2 threads, sorted batches of <=32 rows with <=2 padding tokens", workers: 1, threads: 2, batch: 32, spread: 2 },
  { name: "1 worker x 2 threads, sorted padded batches of 8", workers: 1, threads: 2, batch: 8, spread: Infinity },
  { name: "2 workers x 1 thread, batch 1", workers: 2, threads: 1, batch: 1, spread: Infinity },
  { name: "2 workers x 1 thread, sorted padded batches of 8", workers: 2, threads: 1, batch: 8, spread: Infinity },
];

const measure = async (candidate, rows) => {
  const run = await runInWorkers(file, sessionOptions({ threads: candidate.threads }), rows, candidate);
  return { ...candidate, spread: String(candidate.spread), rows: rows.length, ms: run.ms, paragraphsPerSecond: (rows.length / run.ms) * 1000 };
};

const { sizes } = readJsonFile(join(docs, "manifest.json"));
const result = { screening: [], screeningRows: 0, runs: {} };
const firstRows = rowsOf(sizes[0]);
const screen = firstRows.slice(0, SCREENING_ROWS);
result.screeningRows = screen.length;
for (const candidate of CANDIDATES) {
  const run = await measure(candidate, screen);
  result.screening.push(run);
  process.stderr.write(`  limit screening (first ${screen.length} paragraphs), ${candidate.name}: ${run.paragraphsPerSecond.toFixed(1)} paragraphs/s\n`);
}
const best = result.screening.reduce((a, b) => (b.paragraphsPerSecond > a.paragraphsPerSecond ? b : a));
result.best = best.name;
const candidate = CANDIDATES.find((c) => c.name === best.name);
for (const n of sizes) {
  result.runs[n] = await measure(candidate, n === sizes[0] ? firstRows : rowsOf(n));
  process.stderr.write(`  limit, ${n} paragraphs, ${best.name}: ${result.runs[n].paragraphsPerSecond.toFixed(1)} paragraphs/s\n`);
}
writeFileSync(out, JSON.stringify(result, null, 2));
