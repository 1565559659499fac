/**
 * `inline-sentiment`: the extension's engine from a terminal.
 *   inline-sentiment classify [--model DIR] [--dtype q8|fp32]       JSON Lines in, one JSON line out per input
 *   inline-sentiment analyze [--model DIR] [--format table|json|csv] [--threshold T] FILE...
 */
import { stringify } from "csv-stringify/sync";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { lineSpan, lineStarts, looksBinary } from "./core/lines";
import { polarityOf } from "./core/polarity";
import { segment } from "./core/segment";
import type { Classification, ScoredUnit } from "./core/types";
import { EnginePool } from "./engine/pool";
import { messageOf } from "./engine/errors";
import { locateModel } from "./engine/modelLocator";
import type { Dtype } from "./engine/protocol";

const USAGE = `usage:
  inline-sentiment classify [--model DIR] [--dtype q8|fp32] [--threads N] [--workers N] [--batching] < texts.jsonl
      reads {"text": "..."} per line, writes {"label","score","probabilities"} per line, in input order
  inline-sentiment analyze [--model DIR] [--dtype q8|fp32] [--threads N] [--workers N] [--batching] [--format table|json|csv] [--threshold T] FILE...
      prints every scored paragraph with its lines, label and score

  --batching: int8 models share runs between short texts (a row-wise copy of the graph, kept in ~/.cache).
  Model: --model DIR, else $INLINE_SENTIMENT_MODEL, else the full model if installed, else the bundled mini model.`;

/** Texts sent to the worker at once while streaming stdin: large enough to batch well, small enough to stream. */
const CHUNK = 256;
const DEFAULT_THRESHOLD = 0.75;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      dtype: { type: "string", default: "q8" },
      format: { type: "string", default: "table" },
      threshold: { type: "string", default: String(DEFAULT_THRESHOLD) },
      threads: { type: "string", default: "0" },
      batching: { type: "boolean", default: false },
      workers: { type: "string", default: "1" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, ...files] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.dtype !== "q8" && values.dtype !== "fp32") throw new UsageError(`--dtype must be q8 or fp32, not "${values.dtype}"`);
  const located = locateModel(join(__dirname, ".."), values.model);
  if (located.warning) console.error(`inline-sentiment: ${located.warning}`);
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 0) throw new UsageError(`--threads must be a whole number (0: one per core), not "${values.threads}"`);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a whole number from 1, not "${values.workers}"`);
  const engine = new EnginePool(join(__dirname, "worker.js"), { dir: located.dir, dtype: values.dtype as Dtype, intraOpThreads: threads, batchInt8: values.batching, cacheDir: graphCacheDir() }, workers);
  try {
    if (command === "classify") return await classify(engine);
    if (command === "analyze") {
      const format = values.format;
      if (format !== "table" && format !== "json" && format !== "csv") throw new UsageError(`--format must be table, json or csv, not "${format}"`);
      const threshold = Number(values.threshold);
      if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be a number from 0 to 1, not "${values.threshold}"`);
      if (files.length === 0) throw new UsageError("analyze needs at least one FILE");
      return await analyze(engine, files, format, threshold);
    }
    throw new UsageError(`unknown command "${command}"`);
  } finally {
    engine.dispose();
  }
}

/** JSON Lines in, JSON Lines out. A bad line gets an {"error"} line in its place; the rest still run. */
async function classify(engine: EnginePool): Promise<number> {
  let failed = 0;
  let lineNumber = 0;
  let chunk: ({ text: string } | { error: string })[] = [];
  const flush = async () => {
    const texts = chunk.flatMap((item) => ("text" in item ? [item.text] : []));
    const results = await engine.classify(texts);
    let next = 0;
    const lines = chunk.map((item) => JSON.stringify("text" in item ? toJson(results[next++]) : item));
    process.stdout.write(lines.map((line) => line + "\n").join(""));
    chunk = [];
  };
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === "") continue;
    const item = parseInputLine(line, lineNumber);
    if ("error" in item) {
      failed++;
      console.error(`inline-sentiment: ${item.error}`);
    }
    chunk.push(item);
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  return failed ? 1 : 0;
}

function parseInputLine(line: string, lineNumber: number): { text: string } | { error: string } {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === "object" && value !== null && typeof (value as { text?: unknown }).text === "string") {
      return { text: (value as { text: string }).text };
    }
    return { error: `line ${lineNumber}: expected an object with a string "text" field` };
  } catch (error) {
    return { error: `line ${lineNumber}: not JSON (${messageOf(error)})` };
  }
}

function toJson(result: Classification): object {
  const { label, score, probabilities, windows } = result;
  return windows > 1 ? { label, score, probabilities, windows } : { label, score, probabilities };
}

interface FileReport {
  file: string;
  units: (ScoredUnit & { startLine: number; endLine: number })[];
}

async function analyze(engine: EnginePool, files: string[], format: "table" | "json" | "csv", threshold: number): Promise<number> {
  const reports: FileReport[] = [];
  let failed = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readDocument(file);
    } catch (error) {
      failed++;
      console.error(`inline-sentiment: ${file}: ${messageOf(error)}`);
      continue;
    }
    const units = segment(text, /\.(md|markdown|mdx)$/i.test(file) ? "markdown" : "plaintext");
    const results = await engine.classify(units.map((unit) => unit.text));
    const starts = lineStarts(text);
    reports.push({
      file,
      units: units.map((unit, i) => ({
        ...unit,
        ...results[i],
        polarity: polarityOf(results[i], threshold),
        ...lineSpan(starts, unit),
      })),
    });
  }
  process.stdout.write(render(reports, format));
  return failed ? 1 : 0;
}

/** Reads a text file; binary files are refused with a reason rather than scored as noise. */
function readDocument(file: string): string {
  const bytes = readFileSync(file);
  if (looksBinary(bytes)) throw new Error("looks like a binary file (it holds NUL bytes); not analysed");
  return bytes.toString("utf8");
}

function render(reports: FileReport[], format: "table" | "json" | "csv"): string {
  if (format === "json") {
    const json = reports.map(({ file, units }) => ({
      file,
      units: units.map(({ startLine, endLine, kind, label, score, polarity, probabilities, windows, text }) =>
        ({ startLine, endLine, kind, label, score, polarity, probabilities, windows, text })),
    }));
    return JSON.stringify(json, null, 2) + "\n";
  }
  const rows = reports.flatMap(({ file, units }) =>
    units.map((u) => [file, u.startLine, u.endLine, u.label, u.score.toFixed(4), u.polarity, u.windows, u.text]),
  );
  const header = ["file", "start_line", "end_line", "label", "score", "polarity", "windows", "text"];
  if (format === "csv") return stringify([header, ...rows]);
  return table(["file", "lines", "sentiment", "score", "text"], rows.map(([file, start, end, , score, polarity, , text]) =>
    [String(file), start === end ? `${start}` : `${start}-${end}`, String(polarity), String(score), excerpt(String(text))]));
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]))).join("  ");
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

function excerpt(text: string, max = 72): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`inline-sentiment: ${messageOf(error)}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);

/** Where the CLI keeps the row-wise copy of an int8 graph (made on first use): $XDG_CACHE_HOME or ~/.cache. */
function graphCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "inline-sentiment", "graphs");
}
