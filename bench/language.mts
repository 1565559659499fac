/**
 * Language detectors on real short texts (issue 22): what src/core/language is built on, and how its rule does.
 *
 * 1. Candidates (eld 2.1.0 extra-small and small, tinyld 1.3.4, franc-min 6.2.0, lande 1.0.10), each on the same
 *    texts: top-1 accuracy on short natural sentences (<= 80 characters) in ten languages; how often English is called
 *    something else (SST-2 dev sentences, the airline tweets, English short sentences); then, because that number is
 *    what drops English rows from an analysis, each detector's recall when its own threshold (lead of its top language
 *    over English, after the same cleaning and length gate as ours) is set so that at most 0.1 % of the airline tweets
 *    are called "not English"; bundle size (esbuild --bundle --minify of a one-line import), load time and heap of
 *    that bundle in a fresh process, texts per second.
 * 2. Our rule (detectLanguage) on real exports: reviews by language, Indonesian reviews, survey answers, tweets.
 *
 * Usage: npx tsx bench/language.mts --data DIR [--xlmt DIR] [--candidates DIR] [--rule-only]
 *   --data DIR        the labelled files, as named in docs/LANGUAGE.md (langid-lingua-sentences-short.tsv,
 *                     marc-amazon-reviews-6lang.csv, gmaps-reviews-id.csv, gplay-whatsapp-reviews-id.csv,
 *                     r-rsurvey-2020-es.tsv); a missing file is skipped with a note.
 *   --xlmt DIR        a checkout of tyqiangz/multilingual-sentiment-datasets (data/<language>/test.csv: tweets).
 *   --candidates DIR  a folder where `npm install eld@2.1.0 tinyld@1.3.4 franc-min@6.2.0 lande@1.0.10` was run
 *                     (the candidates that lost are not project dependencies); without it only eld is measured.
 * Prints tables and the machine; writes nothing.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import * as esbuild from "esbuild";
import { detectLanguage, languageText, MIN_LETTERS, MIN_LETTERS_OTHER_SCRIPT, MIN_WORDS } from "../src/core/language";
import { ROOT, loadSst2, loadTweets, machineInfo } from "./lib.mjs";

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const DATA = option("--data");
const XLMT = option("--xlmt");
const CANDIDATES = option("--candidates");
/** --rule-only: skip the candidates, measure detectLanguage only. */
const RULE_ONLY = args.includes("--rule-only");
if (!DATA) throw new Error("usage: npx tsx bench/language.mts --data DIR [--xlmt DIR] [--candidates DIR]");

// ---------------------------------------------------------------------------------------------------------------
// Data
const note = (line: string) => process.stderr.write(`  ${line}\n`);
function dataFile(name: string): string | undefined {
  const file = join(DATA!, name);
  if (existsSync(file)) return file;
  note(`${file}: not found, skipped`);
  return undefined;
}
const csvRows = (file: string, delimiter = ",") =>
  parse(readFileSync(file), { columns: true, bom: true, delimiter, relax_quotes: true, relax_column_count: true, quote: delimiter === "\t" ? false : '"' }) as Record<string, string>[];

/** The ten languages of the short-sentence test (all four candidates know them). */
const SHORT_LANGUAGES = ["de", "es", "fr", "it", "nl", "pt", "id", "ru", "ja", "zh"];
const lingua = dataFile("langid-lingua-sentences-short.tsv");
const linguaRows = lingua
  ? readFileSync(lingua, "utf8").split("\n").slice(1).filter(Boolean).map((line) => {
      const tab = line.indexOf("\t");
      return { lang: line.slice(0, tab), text: line.slice(tab + 1) };
    })
  : [];
const shortSets = new Map(SHORT_LANGUAGES.map((code) => [code, linguaRows.filter((row) => row.lang === code).map((row) => row.text)]));
const english: Record<string, string[]> = {
  "SST-2 dev": loadSst2(),
  "airline tweets": loadTweets(),
  "short sentences (en)": linguaRows.filter((row) => row.lang === "en").map((row) => row.text),
};

// ---------------------------------------------------------------------------------------------------------------
// Candidates: each gives its top language (ISO 639-1 where it has one) and the lead of that language over English.
type Answer = { top: string; lead: number };
type Candidate = { name: string; entry: string; answer: (text: string) => Answer };

/** ISO 639-3 codes franc and lande answer, for the languages measured here. */
const ISO3: Record<string, string> = {
  eng: "en", deu: "de", spa: "es", fra: "fr", ita: "it", nld: "nl", por: "pt", ind: "id", zlm: "ms", msa: "ms",
  rus: "ru", jpn: "ja", cmn: "zh", arb: "ar", tur: "tr", pol: "pl", und: "",
};
const iso1 = (code: string) => ISO3[code] ?? code;
/** Malay and Indonesian are one language to ELD ("ms"): counted as one for every detector. */
const same = (found: string, expected: string) => found === expected || (expected === "id" && found === "ms") || (expected === "ms" && found === "id");

async function candidates(): Promise<Candidate[]> {
  const list: Candidate[] = [];
  const eldFrom = async (file: string) => ((await import(pathToFileURL(file).href)) as { eld: { detect(t: string): { language: string; getScores(): Record<string, number> } } }).eld;
  const eldCandidate = (name: string, entry: string, eld: Awaited<ReturnType<typeof eldFrom>>): Candidate => ({
    name,
    entry,
    answer: (text) => {
      const result = eld.detect(text);
      const scores = result.getScores();
      return { top: result.language, lead: (scores[result.language] ?? 0) - (scores.en ?? 0) };
    },
  });
  const ownEld = join(ROOT, "node_modules", "eld", "src", "entries");
  list.push(eldCandidate("eld 2.1.0 XS", join(ownEld, "static.extrasmall.js"), await eldFrom(join(ownEld, "static.extrasmall.js"))));
  list.push(eldCandidate("eld 2.1.0 S", join(ownEld, "static.small.js"), await eldFrom(join(ownEld, "static.small.js"))));
  if (!CANDIDATES) {
    note("no --candidates folder: tinyld, franc-min and lande are not measured");
    return list;
  }
  const modules = join(CANDIDATES, "node_modules");
  const tinyEntry = join(modules, "tinyld", "dist", "tinyld.normal.node.mjs");
  const tiny = (await import(pathToFileURL(tinyEntry).href)) as { detectAll(t: string): { lang: string; accuracy: number }[] };
  list.push({
    name: "tinyld 1.3.4",
    entry: tinyEntry,
    answer: (text) => {
      const all = tiny.detectAll(text);
      const top = all[0];
      return top ? { top: top.lang, lead: top.accuracy - (all.find((x) => x.lang === "en")?.accuracy ?? 0) } : { top: "", lead: 0 };
    },
  });
  const francEntry = join(modules, "franc-min", "index.js");
  const franc = (await import(pathToFileURL(francEntry).href)) as { francAll(t: string, o?: object): [string, number][] };
  list.push({
    name: "franc-min 6.2.0",
    entry: francEntry,
    answer: (text) => {
      const all = franc.francAll(text, { minLength: 3 });
      return { top: iso1(all[0][0]), lead: all[0][1] - (all.find(([code]) => code === "eng")?.[1] ?? 0) };
    },
  });
  const landeEntry = join(modules, "lande", "standalone", "t50.js");
  const lande = ((await import(pathToFileURL(landeEntry).href)) as { default: (t: string) => [string, number][] }).default;
  list.push({
    name: "lande 1.0.10",
    entry: landeEntry,
    answer: (text) => {
      const all = lande(text);
      return { top: iso1(all[0][0]), lead: all[0][1] - (all.find(([code]) => code === "eng")?.[1] ?? 0) };
    },
  });
  return list;
}

// The same cleaning and length gate as src/core/language, so that thresholds compare detectors, not preprocessing.
const clean = languageText;
const longEnough = (text: string) => {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if (2 * latin < letters) return letters >= MIN_LETTERS_OTHER_SCRIPT;
  return letters >= MIN_LETTERS && (text.match(/\p{L}{2,}/gu)?.length ?? 0) >= MIN_WORDS;
};
const pct = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(part / whole < 0.01 ? 2 : 1)} %` : "-");
function table(header: string[], rows: (string | number)[][]) {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const line = (row: string[]) => `| ${row.map((cell, i) => (i ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(" | ")} |`;
  console.log([line(header), `|${widths.map((w, i) => (i ? `${"-".repeat(w + 1)}:` : `:${"-".repeat(w + 1)}`)).join("|")}|`, ...cells.slice(1).map(line)].join("\n"));
}

/** Bytes of `import X from entry` bundled and minified for a browser (a web worker), raw and gzipped. */
async function bundle(entry: string): Promise<{ bytes: number; gzip: number; file: string }> {
  const result = await esbuild.build({
    stdin: { contents: `import * as m from ${JSON.stringify(entry)}; globalThis.detector = m;`, resolveDir: ROOT },
    bundle: true, minify: true, write: false, format: "iife", platform: "browser", logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const dir = mkdtempSync(join(tmpdir(), "language-bench-"));
  const file = join(dir, "bundle.js");
  writeFileSync(file, code);
  return { bytes: code.length, gzip: gzipSync(code).length, file };
}
/** Load time and heap of a bundle in a fresh Node process (median of 3). */
function load(file: string): { ms: number; heapMB: number } {
  const runs = [0, 1, 2].map(() =>
    JSON.parse(
      execFileSync(process.execPath, ["-e", `const t=performance.now();require(${JSON.stringify(file)});const ms=performance.now()-t;global.gc?.();console.log(JSON.stringify({ms,heapMB:process.memoryUsage().heapUsed/2**20}))`], { encoding: "utf8" }),
    ) as { ms: number; heapMB: number },
  );
  runs.sort((a, b) => a.ms - b.ms);
  return runs[1];
}

// ---------------------------------------------------------------------------------------------------------------
const machine = machineInfo();
console.log(`# Language detectors (bench/language.mts), ${machine.date}`);
console.log(`CPU: ${machine.cpuModel} (${machine.cores} cores; avx2 ${machine.avx2}, avx512_vnni ${machine.avx512vnni}, avx_vnni ${machine.avxVnni}); Node ${machine.node}; load average ${machine.loadAverage1m.toFixed(1)}`);
console.log(`English: ${Object.entries(english).map(([name, texts]) => `${name} ${texts.length}`).join(", ")}; short sentences: ${SHORT_LANGUAGES.map((code) => `${code} ${shortSets.get(code)!.length}`).join(", ")}\n`);

const list = RULE_ONLY ? [] : await candidates();
const AIRLINE_TARGET = 0.001;
const accuracyRows: (string | number)[][] = [];
const policyRows: (string | number)[][] = [];
const costRows: (string | number)[][] = [];
for (const candidate of list) {
  // Raw top-1 on the text as given.
  const raw = SHORT_LANGUAGES.map((code) => {
    const texts = shortSets.get(code)!;
    return texts.filter((text) => same(candidate.answer(text).top, code)).length / (texts.length || 1);
  });
  const rawEnglish = Object.values(english).map((texts) => texts.filter((text) => candidate.answer(text).top !== "en").length / texts.length);
  accuracyRows.push([candidate.name, ...raw.map((x) => `${(100 * x).toFixed(0)}`), `${((100 * raw.reduce((a, b) => a + b, 0)) / raw.length).toFixed(1)}`, ...rawEnglish.map((x) => `${(100 * x).toFixed(1)}`)]);

  // With our cleaning and gate, and the candidate's threshold set for <= 0.1 % of airline tweets called not English.
  const leadsOf = (texts: string[]) =>
    texts.map((text) => {
      const cleaned = clean(text);
      if (!longEnough(cleaned)) return { top: "", lead: -Infinity };
      return candidate.answer(cleaned);
    });
  const airline = leadsOf(english["airline tweets"]).filter((a) => a.top && a.top !== "en").map((a) => a.lead).sort((a, b) => b - a);
  const allowed = Math.floor(AIRLINE_TARGET * english["airline tweets"].length);
  const threshold = airline.length > allowed ? airline[allowed] + 1e-9 : 0;
  const caught = (answers: Answer[], code?: string) => answers.filter((a) => a.top && a.top !== "en" && a.lead >= threshold && (!code || same(a.top, code))).length;
  const recall = SHORT_LANGUAGES.map((code) => caught(leadsOf(shortSets.get(code)!), code) / (shortSets.get(code)!.length || 1));
  const heldOut = ["SST-2 dev", "short sentences (en)"].map((name) => pct(caught(leadsOf(english[name])), english[name].length));
  policyRows.push([candidate.name, threshold.toFixed(3), ...recall.map((x) => `${(100 * x).toFixed(0)}`), `${((100 * recall.reduce((a, b) => a + b, 0)) / recall.length).toFixed(1)}`, ...heldOut]);

  // Cost.
  const { bytes, gzip, file } = await bundle(candidate.entry);
  const loaded = load(file);
  rmSync(join(file, ".."), { recursive: true, force: true });
  const sample = [...english["airline tweets"], ...linguaRows.map((row) => row.text)];
  const t0 = performance.now();
  for (const text of sample) candidate.answer(text);
  const perSecond = sample.length / ((performance.now() - t0) / 1000);
  costRows.push([candidate.name, `${(bytes / 1024).toFixed(0)} KB`, `${(gzip / 1024).toFixed(0)} KB`, `${loaded.ms.toFixed(0)} ms`, `${loaded.heapMB.toFixed(0)} MB`, Math.round(perSecond).toLocaleString("en")]);
}

if (list.length) {
  console.log("## Top-1 accuracy, short sentences <= 80 chars (%); English called another language (%)");
  table(["detector", ...SHORT_LANGUAGES, "mean", ...Object.keys(english).map((name) => `en: ${name}`)], accuracyRows);
  console.log(`\n## Recall (%) with each detector's threshold set for <= ${AIRLINE_TARGET * 100} % of airline tweets called not English (same cleaning and gate as ours)`);
  table(["detector", "lead >=", ...SHORT_LANGUAGES, "mean", "en: SST-2 dev", "en: short sentences"], policyRows);
  console.log("\n## Cost: bundle (esbuild --bundle --minify, browser), load of that bundle in a fresh Node process, texts per second (raw detect)");
  table(["detector", "minified", "gzip", "load", "heap", "texts/s"], costRows);
}

// ---------------------------------------------------------------------------------------------------------------
// Our rule (src/core/language: ELD XS + gate + reliability + margin) on real texts.
console.log("\n## detectLanguage (src/core/language) on real texts");
type Outcome = { rows: number; placed: Record<string, number>; micros: number };
function run(texts: string[]): Outcome {
  const placed: Record<string, number> = {};
  const t0 = performance.now();
  for (const text of texts) {
    const code = detectLanguage(text)?.code ?? "none";
    placed[code] = (placed[code] ?? 0) + 1;
  }
  return { rows: texts.length, placed, micros: ((performance.now() - t0) * 1000) / (texts.length || 1) };
}
const realRows: (string | number)[][] = [];
function report(name: string, texts: string[], expected: string) {
  if (!texts.length) return;
  const outcome = run(texts);
  const hit = Object.entries(outcome.placed).filter(([code]) => same(code, expected)).reduce((n, [, count]) => n + count, 0);
  const notEnglish = outcome.rows - (outcome.placed.en ?? 0) - (outcome.placed.none ?? 0);
  const others = Object.entries(outcome.placed).filter(([code]) => code !== "none" && !same(code, expected)).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([code, n]) => `${code} ${n}`).join(", ");
  const median = texts.map((t) => t.length).sort((a, b) => a - b)[texts.length >> 1];
  realRows.push([name, outcome.rows, median, `${expected} ${pct(hit, outcome.rows)}`, pct(outcome.placed.none ?? 0, outcome.rows), expected === "en" ? pct(notEnglish, outcome.rows) : "", others, outcome.micros.toFixed(0)]);
}
for (const [name, texts] of Object.entries(english)) report(`en: ${name}`, texts, "en");
for (const code of SHORT_LANGUAGES) report(`short sentences (${code})`, shortSets.get(code)!, code);
// English survey answers (Google Forms, R community survey): a few respondents answered in Spanish or French.
for (const [name, delimiter] of [["gforms-rsurvey-2018-en.tsv", "\t"], ["gforms-rsurvey-2019-en.csv", ","]]) {
  const file = dataFile(name);
  if (!file) continue;
  const rows = csvRows(file, delimiter);
  for (const column of ["What do you like best about using R?", "What do you like least about using R?"]) {
    report(`en: ${name.slice(0, 19)} ${column.includes("best") ? "best" : "least"}`, rows.map((row) => row[column] ?? "").filter((text) => text && text !== "NA"), "en");
  }
}
const marc = dataFile("marc-amazon-reviews-6lang.csv");
if (marc) {
  const rows = csvRows(marc);
  for (const code of ["en", "de", "es", "fr", "ja", "zh"]) report(`MARC Amazon reviews ${code}`, rows.filter((row) => row.lang === code).map((row) => row.review), code);
  for (const code of ["de", "es", "fr"]) report(`MARC ${code}, reviews <= 80 chars`, rows.filter((row) => row.lang === code && row.review.length <= 80).map((row) => row.review), code);
}
const gmaps = dataFile("gmaps-reviews-id.csv");
if (gmaps) report("Google Maps reviews (id)", csvRows(gmaps).map((row) => row.Review ?? ""), "id");
const gplay = dataFile("gplay-whatsapp-reviews-id.csv");
if (gplay) report("Google Play reviews (id)", csvRows(gplay).map((row) => row.content ?? ""), "id");
const survey = dataFile("r-rsurvey-2020-es.tsv");
if (survey) {
  const rows = csvRows(survey, "\t");
  for (const column of ["Qlike_best", "Qlike_least"]) report(`R survey 2020 (es) ${column}`, rows.map((row) => row[column] ?? "").filter((text) => text && text !== "NA"), "es");
}
if (XLMT) {
  for (const [code, folder] of Object.entries({ en: "english", de: "german", es: "spanish", fr: "french", it: "italian", pt: "portuguese", id: "indonesian" })) {
    const file = join(XLMT, "data", folder, "test.csv");
    if (existsSync(file)) report(`${code === "id" ? "SmSA reviews" : "tweets"} (${folder}, test.csv)`, csvRows(file).map((row) => row.text), code);
  }
}
table(["set", "rows", "median chars", "placed right", "not placed", "en: called other", "placed otherwise (top 3)", "µs/text"], realRows);

// Per-text cost of the rule on short and long texts, after a warm-up.
const tweets = english["airline tweets"];
const paragraphs = marc ? csvRows(marc).map((row) => row.review).filter((text) => text.length > 400) : [];
for (const [name, texts] of [["airline tweets", tweets], ["reviews > 400 chars", paragraphs]] as const) {
  if (!texts.length) continue;
  for (const text of texts.slice(0, 500)) detectLanguage(text);
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (const text of texts) detectLanguage(text);
    times.push(((performance.now() - t0) * 1000) / texts.length);
  }
  times.sort((a, b) => a - b);
  console.log(`detectLanguage per text, ${name} (${texts.length}): median of 3 runs ${times[1].toFixed(0)} µs (${Math.round(1e6 / times[1]).toLocaleString("en")} texts/s)`);
}
