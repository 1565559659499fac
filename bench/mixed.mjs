/**
 * The "mixed" rule, decided with data (issue 25 item 4): real sentences of known tone are joined into two-sentence
 * paragraphs, same-tone pairs (positive + positive, negative + negative) and opposite-tone pairs (positive + negative,
 * either order). Each sentence is scored by the CLI's `classify` (the extension's engine, the model given or the bundled
 * one), and for each threshold t the rule "one sentence negative >= t and another positive >= t" is counted on both
 * kinds of pair: how often it fires where the paragraph is not mixed, and how often it finds a paragraph that is.
 *
 *   npm run -s build && node bench/mixed.mjs [--model DIR] [--pairs N]
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import { DATA, machineInfo, mulberry32, ROOT } from "./lib.mjs";

const { values } = parseArgs({ options: { model: { type: "string" }, pairs: { type: "string", default: "2000" } } });
const PAIRS = Number(values.pairs);
const THRESHOLDS = [0.75, 0.8, 0.85, 0.9, 0.95, 0.97];

/** P(positive) of each text, from the CLI's classify (JSON Lines in, one line out per text, in order). */
function positiveProbabilities(texts) {
  const args = [join(ROOT, "dist", "cli.js"), "classify", ...(values.model ? ["--model", values.model] : [])];
  const input = texts.map((text) => JSON.stringify({ text })).join("\n") + "\n";
  const run = spawnSync(process.execPath, args, { input, maxBuffer: 1 << 30, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`classify failed: ${run.stderr}`);
  return run.stdout
    .trim()
    .split("\n")
    .map((line) => {
      const { probabilities } = JSON.parse(line);
      const key = Object.keys(probabilities).find((label) => /pos/i.test(label));
      return probabilities[key];
    });
}

/** Pairs of sentence indices: same-tone and opposite-tone, drawn with a fixed seed. */
function pairsOf(labels, random) {
  const positive = labels.flatMap((label, i) => (label === 1 ? [i] : []));
  const negative = labels.flatMap((label, i) => (label === 0 ? [i] : []));
  const pick = (list) => list[Math.floor(random() * list.length)];
  const same = [];
  const opposite = [];
  for (let k = 0; k < PAIRS; k++) {
    const [a, b] = k % 2 === 0 ? [positive, positive] : [negative, negative];
    let i = pick(a);
    let j = pick(b);
    while (j === i) j = pick(b);
    same.push([i, j]);
    opposite.push(k % 2 === 0 ? [pick(positive), pick(negative)] : [pick(negative), pick(positive)]);
  }
  return { same, opposite };
}

function fires(p, [i, j], t) {
  const neg = Math.max(1 - p[i], 1 - p[j]);
  const pos = Math.max(p[i], p[j]);
  return neg >= t && pos >= t;
}

function report(name, texts, labels) {
  const p = positiveProbabilities(texts);
  const { same, opposite } = pairsOf(labels, mulberry32(25));
  const accuracy = labels.filter((label, i) => (p[i] >= 0.5 ? 1 : 0) === label).length / labels.length;
  console.log(`\n${name}: ${texts.length} sentences (model accuracy on them ${(accuracy * 100).toFixed(1)} %), ${PAIRS} pairs of each kind`);
  console.log("threshold t | fires on same-tone pairs | fires on opposite-tone pairs");
  for (const t of THRESHOLDS) {
    const falseRate = same.filter((pair) => fires(p, pair, t)).length / same.length;
    const trueRate = opposite.filter((pair) => fires(p, pair, t)).length / opposite.length;
    console.log(`${t.toFixed(2).padStart(11)} | ${(falseRate * 100).toFixed(1).padStart(22)} % | ${(trueRate * 100).toFixed(1).padStart(26)} %`);
  }
}

const machine = machineInfo();
console.log(`CPU ${machine.cpuModel} (${machine.cores} cores; avx2 ${machine.avx2}, avx512_vnni ${machine.avx512vnni}, avx_vnni ${machine.avxVnni}); model ${values.model ?? "bundled (sentiment-mini)"}`);
const sst2 = readFileSync(join(DATA, "sst2-dev.tsv"), "utf8")
  .split("\n")
  .slice(1)
  .filter((line) => line.trim())
  .map((line) => line.split("\t"));
report("SST-2 dev", sst2.map(([sentence]) => sentence.trim()), sst2.map(([, label]) => Number(label)));
const seen = new Set();
const tweets = parse(readFileSync(join(DATA, "airline-tweets.csv")), { columns: true, bom: true }).filter(
  (row) => row.airline_sentiment !== "neutral" && !seen.has(row.tweet_id) && seen.add(row.tweet_id),
);
report("Airline tweets (neutral left out)", tweets.map((row) => row.text.replace(/\s+/g, " ").trim()), tweets.map((row) => (row.airline_sentiment === "positive" ? 1 : 0)));
