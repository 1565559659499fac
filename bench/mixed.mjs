/**
 * The "mixed" rule, decided with data (issue 25 item 4): real sentences of known tone are joined into two-sentence
 * paragraphs, same-tone pairs (positive + positive, negative + negative) and opposite-tone pairs (positive + negative,
 * either order). Each sentence, and each joined paragraph, is scored by the CLI's `classify` (the extension's engine,
 * the model given or the bundled one). Two rules are counted on both kinds of pair, per threshold:
 *
 * - "sentences": one sentence negative >= t and another positive >= t (src/core/mixed.ts, the rule the extension uses);
 * - "sentences + unsure paragraph": the same, and the paragraph's own top probability below m (a margin rule: a
 *   paragraph the model reads confidently one way is not called mixed).
 *
 * For each it prints how often it fires where the paragraph is not mixed (same-tone), how often it finds one that is
 * (opposite-tone), their difference (Youden's J) and their ratio (how much likelier a "mixed" label is right than wrong
 * when both kinds are equally common). The last lines say which threshold keeps false alarms at or under 5 % on both
 * data sets with the most found: the default of `inlineSentiment.mixed.threshold` for the bundled model.
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
const THRESHOLDS = [0.75, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995];
/** The margin rule's (t, m) pairs: the paragraph's own top probability must stay below m. */
const MARGINS = [
  [0.9, 0.99],
  [0.9, 0.95],
  [0.9, 0.9],
  [0.95, 0.95],
  [0.95, 0.9],
  [0.99, 0.95],
];
/** Most false alarms (same-tone pairs the rule fires on) accepted when choosing the default threshold. */
const MAX_FALSE = 0.05;

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

/** The sentence rule: one sentence negative >= t and another positive >= t (two sentences: one each way). */
function sentencesDisagree(p, [i, j], t) {
  return Math.max(1 - p[i], 1 - p[j]) >= t && Math.max(p[i], p[j]) >= t;
}

const percent = (x) => `${(x * 100).toFixed(1)} %`;

function report(name, texts, labels) {
  const p = positiveProbabilities(texts);
  const { same, opposite } = pairsOf(labels, mulberry32(25));
  const paragraphs = positiveProbabilities([...same, ...opposite].map(([i, j]) => `${texts[i]} ${texts[j]}`));
  const own = { same: paragraphs.slice(0, same.length), opposite: paragraphs.slice(same.length) };
  const accuracy = labels.filter((label, i) => (p[i] >= 0.5 ? 1 : 0) === label).length / labels.length;
  console.log(`\n${name}: ${texts.length} sentences (model accuracy on them ${percent(accuracy)}), ${PAIRS} pairs of each kind`);
  console.log("rule                                    | fires on same-tone | fires on opposite-tone |     J | ratio");
  const rates = (rule) => {
    const falseRate = same.filter((pair, k) => rule(pair, own.same[k])).length / same.length;
    const trueRate = opposite.filter((pair, k) => rule(pair, own.opposite[k])).length / opposite.length;
    return { falseRate, trueRate };
  };
  const line = (label, { falseRate, trueRate }) =>
    console.log(
      `${label.padEnd(39)} | ${percent(falseRate).padStart(18)} | ${percent(trueRate).padStart(22)} | ${((trueRate - falseRate) * 100).toFixed(1).padStart(5)} | ${(trueRate / falseRate).toFixed(2).padStart(5)}`,
    );
  const byThreshold = new Map();
  for (const t of THRESHOLDS) {
    const r = rates((pair) => sentencesDisagree(p, pair, t));
    byThreshold.set(t, r);
    line(`sentences, t = ${t}`, r);
  }
  for (const [t, m] of MARGINS) {
    line(`sentences t = ${t}, paragraph < ${m}`, rates((pair, q) => sentencesDisagree(p, pair, t) && Math.max(q, 1 - q) < m));
  }
  return byThreshold;
}

const machine = machineInfo();
console.log(`CPU ${machine.cpuModel} (${machine.cores} cores; avx2 ${machine.avx2}, avx512_vnni ${machine.avx512vnni}, avx_vnni ${machine.avxVnni}); model ${values.model ?? "bundled (sentiment-mini)"}`);
const sst2 = readFileSync(join(DATA, "sst2-dev.tsv"), "utf8")
  .split("\n")
  .slice(1)
  .filter((line) => line.trim())
  .map((line) => line.split("\t"));
const sets = [report("SST-2 dev", sst2.map(([sentence]) => sentence.trim()), sst2.map(([, label]) => Number(label)))];
const seen = new Set();
const tweets = parse(readFileSync(join(DATA, "airline-tweets.csv")), { columns: true, bom: true }).filter(
  (row) => row.airline_sentiment !== "neutral" && !seen.has(row.tweet_id) && seen.add(row.tweet_id),
);
sets.push(report("Airline tweets (neutral left out)", tweets.map((row) => row.text.replace(/\s+/g, " ").trim()), tweets.map((row) => (row.airline_sentiment === "positive" ? 1 : 0))));
const chosen = THRESHOLDS.find((t) => sets.every((set) => set.get(t).falseRate <= MAX_FALSE));
console.log(
  chosen === undefined
    ? `\nNo threshold keeps false alarms at or under ${percent(MAX_FALSE)} on both data sets.`
    : `\nLowest threshold with false alarms at or under ${percent(MAX_FALSE)} on both data sets: t = ${chosen} (finds ${sets.map((set) => percent(set.get(chosen).trueRate)).join(" and ")} of opposite-tone pairs).`,
);
