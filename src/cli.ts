/**
 * `inline-sentiment`: the extension's engine from a terminal.
 *   inline-sentiment classify [--model DIR] [--dtype q8|fp32]       JSON Lines in, one JSON line out per input
 *   inline-sentiment analyze [--model DIR] [--format table|json|csv|markdown] [--threshold T] FILE...
 * It uses core, engine and models only (no `vscode`); its reports are core/report.ts's, as the editor's export is.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { messageOf } from "./core/errors";
import { BINARY_REASON, languageOfPath, looksBinary } from "./core/files";
import { lineSpan, lineStarts } from "./core/lines";
import { polarityOf } from "./core/polarity";
import { renderReport, reportRows, type ReportFormat } from "./core/report";
import type { PanelFile, PanelModel } from "./core/review";
import { segment } from "./core/segment";
import type { Classification } from "./core/types";
import { EngineClient } from "./engine/client";
import { runtimeOf } from "./engine/runtime";
import type { Dtype, ModelInfo } from "./engine/protocol";
import { locateModel, modelDisplayName } from "./models/locate";

const USAGE = `usage:
  inline-sentiment classify [--model DIR] [--dtype q8|fp32] [--threads N] [--verbose] < texts.jsonl
      reads {"text": "..."} per line, writes {"label","score","probabilities"} per line, in input order
  inline-sentiment analyze [--model DIR] [--dtype q8|fp32] [--threads N] [--verbose] [--format table|json|csv|markdown] [--threshold T] FILE...
      prints every scored paragraph with its lines, label and score (json, csv and markdown: the editor's report)

  --verbose: says on stderr which model, runtime and int8 kernels run, and why those kernels.
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
      verbose: { type: "boolean", short: "v", default: false },
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
  const engine = new EngineClient(join(__dirname, "worker.js"), { dir: located.dir, kind: located.kind, dtype: values.dtype as Dtype, intraOpThreads: threads });
  try {
    if (values.verbose) console.error(`inline-sentiment: ${describe(await engine.modelInfo())}`);
    if (command === "classify") return await classify(engine);
    if (command === "analyze") {
      const format = values.format;
      if (format !== "table" && format !== "json" && format !== "csv" && format !== "markdown") {
        throw new UsageError(`--format must be table, json, csv or markdown, not "${format}"`);
      }
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
async function classify(engine: EngineClient): Promise<number> {
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

async function analyze(engine: EngineClient, files: string[], format: ReportFormat | "table", threshold: number): Promise<number> {
  const scored: PanelFile[] = [];
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
    const units = segment(text, languageOfPath(file));
    const results = await engine.classify(units.map((unit) => unit.text));
    const starts = lineStarts(text);
    scored.push({
      uri: pathToFileURL(resolve(file)).toString(),
      name: file,
      units: units.map((unit, i) => ({
        ...lineSpan(starts, unit),
        text: unit.text,
        label: results[i].label,
        score: results[i].score,
        polarity: polarityOf(results[i], threshold),
        probabilities: results[i].probabilities,
      })),
    });
  }
  const report: PanelModel = {
    kind: scored.length === 1 ? "document" : "folder",
    title: scored.length === 1 ? scored[0].name : `${scored.length} files`,
    model: modelDisplayName(await engine.modelInfo()),
    files: scored,
  };
  process.stdout.write(format === "table" ? tableOf(report) : renderReport(report, format));
  return failed ? 1 : 0;
}

/** Reads a text file; binary files are refused with a reason rather than scored as noise. */
function readDocument(file: string): string {
  const bytes = readFileSync(file);
  if (looksBinary(bytes)) throw new Error(BINARY_REASON);
  return bytes.toString("utf8");
}

/** The terminal's view of the report's rows: file, lines, sentiment, score, an excerpt of the text. */
function tableOf(report: PanelModel): string {
  const rows = reportRows(report).map(([file, start, end, , score, polarity, text]) => [
    String(file),
    start === end ? `${start}` : `${start}-${end}`,
    String(polarity),
    Number(score).toFixed(4),
    excerpt(String(text)),
  ]);
  return table(["file", "lines", "sentiment", "score", "text"], rows);
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

/** The model line of --verbose. */
function describe(info: ModelInfo): string {
  return `model ${modelDisplayName(info)} (${info.onnxFile}); ${runtimeOf(info)}; ${info.batching}; ${info.kernelsReason}`;
}
