/**
 * Measurement 3, "the anchor": @huggingface/transformers 4.3.1 pipeline('text-classification', <local folder>,
 * { dtype: 'q8' }), called once per paragraph, on the units of each document, capped in time.
 * Usage (run by bench/run.ts): node bench/anchor.mjs DOCS_DIR OUT.json CAP_1K_SECONDS CAP_10K_SECONDS
 */
import { writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { RANDOM_MODEL, readJsonFile } from "./lib.mjs";

const [docs, out, cap1k = "120", cap10k = "60"] = process.argv.slice(2);
const { env, pipeline } = await import("@huggingface/transformers");
env.allowRemoteModels = false;
env.localModelPath = dirname(RANDOM_MODEL);
const t0 = performance.now();
const classify = await pipeline("text-classification", basename(RANDOM_MODEL), { dtype: "q8" });
const loadMs = performance.now() - t0;
for (const text of ["warm up", "another warm-up sentence for the anchor"]) await classify(text);

const result = { loadMs, runs: {} };
const { sizes } = readJsonFile(join(docs, "manifest.json"));
for (const [n, capSeconds] of [[sizes[0], Number(cap1k)], [sizes[1], Number(cap10k)]]) {
  const texts = readJsonFile(join(docs, `units-${n}.json`));
  const start = performance.now();
  let done = 0;
  while (done < texts.length && performance.now() - start < capSeconds * 1000) await classify(texts[done++]);
  const ms = performance.now() - start;
  result.runs[n] = { paragraphs: texts.length, measured: done, capped: done < texts.length, capSeconds, ms, paragraphsPerSecond: (done / ms) * 1000 };
  process.stderr.write(`  anchor, ${n} paragraphs: ${done} scored in ${(ms / 1000).toFixed(1)} s, ${result.runs[n].paragraphsPerSecond.toFixed(1)} paragraphs/s${done < texts.length ? ` (time cap ${capSeconds} s)` : ""}\n`);
}
writeFileSync(out, JSON.stringify(result, null, 2));
