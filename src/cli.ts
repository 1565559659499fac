/**
 * `inline-sentiment`: the extension's engine from a terminal.
 *   inline-sentiment classify [--model DIR] [--dtype q8|fp32]       JSON Lines in, one JSON line out per input
 *   inline-sentiment analyze [--column C] [--group-by C] [--themes] [--format table|json|csv|markdown] FILE...
 * It uses core, engine and models only (no `vscode`). Its input is the summary (a SummaryModel, core/summary/summaryModel.ts) and its reports
 * are core/report.ts's, as the editor's export is, so the two say the same.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { messageOf } from "./core/errors";
import { groupKeyOf, MAX_THEMED_GROUPS, aggregate, type Aggregates } from "./core/summary/aggregate";
import type { PolarityThemes, Theme } from "./core/summary/themes";
import { decodeSource, decodeTabular, languageOfPath } from "./core/sourceFiles";
import { compileRules, DEFAULT_MISSING_MARKERS, DEFAULT_NON_ANSWERS, describeNotScored, judgeText, notScored, notScoredLabel, SCORE_ALL, type RuleSettings } from "./core/judge";
import { detectLanguage } from "./core/language";
import type { NotScored } from "./core/notScored";
import { lineSpan, lineStarts } from "./core/lines";
import { isMixed, MAX_MIXED_LENGTH, MIXED_THRESHOLD, sentenceSpread } from "./core/mixed";
import { polarityOf } from "./core/polarity";
import { csvTablePath, groupLabel, notScoredLine, renderCsvTables, renderReport, unitsInOrder, type ReportFormat } from "./core/report";
import { summaryUnitOf, type SummaryFile, type SummaryModel, type SummaryNotScored } from "./core/summary/summaryModel";
import { segment } from "./core/segment";
import { MAX_THREADS, SETTING_DEFAULTS } from "./core/settings";
import { terminalText } from "./core/terminal";
import { chooseTextColumn, columnsNamed, MissingColumnError, parseTable, tableFormatOf, textUnits, type Problem, type Table, type TextUnit } from "./core/tables";
import { readWorkbook } from "./core/tables/xlsx";
import type { Classification } from "./core/types";
import { EngineClient } from "./engine/engineClient";
import { runtimeOf } from "./engine/runtime";
import type { Dtype, ModelInfo } from "./engine/engineProtocol";
import { modelDisplayName } from "./models/located";
import { locateModel } from "./models/node/locate";
import { engineThread } from "./engine/node/threads";

/** Texts sent to the worker at once while streaming stdin: large enough to batch well, small enough to stream. */
const CHUNK = 256;
/** The neutral threshold's default: the setting's (inlineSentiment.neutralThreshold). */
const DEFAULT_THRESHOLD = SETTING_DEFAULTS.neutralThreshold;

const USAGE = `usage:
  inline-sentiment classify [--model DIR] [--dtype q8|fp32] [--threads N] [--backend auto|native|wasm] [--verbose] < texts.jsonl
      reads {"text": "..."} per line, writes {"label","score","probabilities"} per line, in input order
  inline-sentiment analyze [options] FILE...
      scores every paragraph of .md/.txt files and every row of .csv/.tsv/.jsonl/.ndjson/.json files (a JSON array of
      objects) and .xlsx workbooks (first sheet), and prints the report: each unit with its file, lines, label, score and polarity (and a row's other
      fields), plus the group table and the themes when asked for.

analyze options:
  --column C, --field C   the column (CSV, TSV) or field (JSON Lines, JSON) holding the text; the two are the same
                          option. A survey export's column can also be named by its question text (Qualtrics,
                          SurveyMonkey); a nested JSON object's field by its dotted path (text.text). Without it each
                          tabular file's column with the most distinct free text is used (said on stderr).
  --records PATH          JSON: the dotted path of the array whose objects are the rows, when the file holds an
                          object ({"meta": ..., "reviews": [...]}: --records reviews); through an array of objects it
                          takes each one's ("places.reviews": every place's reviews). Without it the largest array of
                          objects among the object's properties is read (said on stderr).
  --sheet S               the sheet of .xlsx workbooks to read: its name or 1-based position (default: the first).
                          A workbook's header is its first non-empty row; "line" in reports is the row number.
  --group-by C            add the group table: count, share negative / neutral / positive and mean polarity per value
                          of column C ("file": per file, for several files).
  --themes                add the themes: the words and two-word phrases that set negative (or positive) items apart,
                          for all items and, with --group-by, for each of the ${MAX_THEMED_GROUPS} largest groups.
  --format F              table (default; for reading: rows, then groups and themes), json, markdown, csv.
                          json and markdown hold everything in one document (json: "units" with "fields", "files"
                          with the "problems" per file, "groups", "themes"). A CSV file holds one table: the unit
                          rows, one column per field; with --group-by or --themes give --output, and the group table
                          and the themes are written beside it as NAME.groups.csv and NAME.themes.csv.
  -o, --output FILE       write the report to FILE instead of stdout.
  --summary               table format: only the group table and the themes, not the rows.
  --threshold T           below this confidence a unit reads neutral (default ${DEFAULT_THRESHOLD}).
  --missing A,B,...       the missing-value markers: a cell holding exactly one (any case) is not scored, reason
                          "missing" (default ${DEFAULT_MISSING_MARKERS.join(",")}; "" for none).
  --non-answers A,B,...   the non-answers: a row whose whole answer is one (any case, punctuation around it ignored)
                          is not scored, reason "non-answer" (default: "no", "none", "nothing", "no comment", "n/a",
                          "nothing to add", "not at this time" and ${DEFAULT_NON_ANSWERS.length - 7} more; "" for none).
  --mixed-threshold T     a unit of two or more sentences is "mixed" (polarity "mixed" in every format, beside its own
                          label and score) when one sentence reads negative and another positive, each with at least
                          this confidence (default ${MIXED_THRESHOLD}, from bench/mixed.mjs). Its sentences are scored for
                          this: on real feedback about twice the texts of scoring the units alone.
  --no-mixed              do not score sentences: no unit is labelled mixed (half the model work on multi-sentence text).
  --score-all             score every unit as before: markers, non-answers, texts in languages the model does not
                          read and texts without words (emoji only, numbers) too. Only empty cells stay unscored.

  Every row is in the report once: scored, or not scored with its reason (json: "scored": false, "reason", and
  "detail" or "language"; csv and markdown: the reason and reason_detail columns): an empty cell (empty), a
  missing-value marker (missing), a non-answer (non-answer), a language the model does not read (language), nothing
  but emoji, symbols or numbers (no-words). Counts, groups and themes use the scored rows only; one line says how many
  were left out and why. Markers and non-answers apply to the rows of tabular files; paragraphs of .md/.txt files get
  the language and no-words rules.
  stderr lists the rows that could not be read as FILE:LINE: reason, and sums up the rows not scored in one line per
  file (--verbose lists them too).
  Exit status: 0 every row read (scored or not); 1 a file or a row could not be read; 2 usage error, including a
  --column or --group-by that no file has (the message lists the columns there are).

common options:
  --model DIR, --dtype q8|fp32, --threads N (0: one per core)
  --backend auto|native|wasm: the runtime (auto: onnxruntime-node where it loads, else WebAssembly)
  --verbose: says on stderr which model, runtime and int8 kernels run and why, and how tabular files were read.
  Model: --model DIR, else $INLINE_SENTIMENT_MODEL, else the full model if installed, else the bundled mini model.`;

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: "string" },
        dtype: { type: "string", default: "q8" },
        format: { type: "string", default: "table" },
        threshold: { type: "string", default: String(DEFAULT_THRESHOLD) },
        threads: { type: "string", default: "0" },
        backend: { type: "string", default: "auto" },
        column: { type: "string" },
        field: { type: "string" },
        records: { type: "string" },
        sheet: { type: "string" },
        "group-by": { type: "string" },
        themes: { type: "boolean", default: false },
        output: { type: "string", short: "o" },
        summary: { type: "boolean", default: false },
        missing: { type: "string" },
        "non-answers": { type: "string" },
        "score-all": { type: "boolean", default: false },
        "mixed-threshold": { type: "string", default: String(MIXED_THRESHOLD) },
        "no-mixed": { type: "boolean", default: false },
        verbose: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    // An unknown option or a missing value is a usage error like any other.
    throw new UsageError(messageOf(error));
  }
}

async function main(argv: string[]): Promise<number> {
  // Messages on stderr quote files (names, cells, column names): no control character of theirs reaches a terminal.
  if (process.stderr.isTTY) {
    const error = console.error;
    console.error = (...args: unknown[]) => error(...args.map((arg) => (typeof arg === "string" ? terminalText(arg, { tty: true }) : arg)));
  }
  const { values, positionals } = parse(argv);
  const [command, ...files] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (command !== "classify" && command !== "analyze") throw new UsageError(`unknown command "${command}"`);
  if (values.dtype !== "q8" && values.dtype !== "fp32") throw new UsageError(`--dtype must be q8 or fp32, not "${values.dtype}"`);
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 0 || threads > MAX_THREADS) {
    throw new UsageError(`--threads must be a whole number from 0 (one per core) to ${MAX_THREADS}, not "${values.threads}"`);
  }
  const backend = values.backend;
  if (backend !== "auto" && backend !== "native" && backend !== "wasm") throw new UsageError(`--backend must be auto, native or wasm, not "${backend}"`);
  // Every usage error is found before the model loads, those of the files' columns included.
  const options = command === "analyze" ? analyzeOptions(values, files) : undefined;
  const inputs = options && (await readInputs(files, options));
  const located = locateModel(join(__dirname, ".."), values.model);
  if (located.warning) console.error(`inline-sentiment: ${located.warning}`);
  const engine = new EngineClient(engineThread(join(__dirname, "worker.js")), { dir: located.dir, kind: located.kind, dtype: values.dtype as Dtype, intraOpThreads: threads, backend });
  try {
    if (values.verbose) console.error(`inline-sentiment: ${describe(await engine.modelInfo())}`);
    return options && inputs ? await analyze(engine, inputs, options) : await classify(engine);
  } finally {
    await engine.dispose();
  }
}

/** The analyze options, checked. */
function analyzeOptions(values: ReturnType<typeof parse>["values"], files: string[]): AnalyzeOptions {
  const format = values.format;
  if (format !== "table" && format !== "json" && format !== "csv" && format !== "markdown") {
    throw new UsageError(`--format must be table, json, csv or markdown, not "${format}"`);
  }
  const threshold = Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold must be a number from 0 to 1, not "${values.threshold}"`);
  if (files.length === 0) throw new UsageError("analyze needs at least one FILE");
  const mixedThreshold = Number(values["mixed-threshold"]);
  if (!(mixedThreshold >= 0.6 && mixedThreshold <= 1)) throw new UsageError(`--mixed-threshold must be a number from 0.6 to 1, not "${values["mixed-threshold"]}"`);
  if (values.column !== undefined && values.field !== undefined && values.column !== values.field) {
    throw new UsageError(`--column and --field are the same option; "${values.column}" or "${values.field}"?`);
  }
  const groupBy = values["group-by"];
  if (groupBy !== undefined && groupBy.trim() === "") throw new UsageError("--group-by needs a column name");
  if (format === "csv" && (groupBy !== undefined || values.themes) && values.output === undefined) {
    throw new UsageError("a CSV file holds one table: with --group-by or --themes, give --output FILE.csv (groups and themes go to FILE.groups.csv and FILE.themes.csv), or use --format json or markdown");
  }
  if (values.summary && format !== "table") throw new UsageError("--summary is for the table format; json, csv and markdown always hold the rows");
  if (values.sheet !== undefined && !files.some((file) => tableFormatOf(file) === "xlsx")) throw new UsageError("--sheet is for .xlsx workbooks, and no file given is one");
  if (values.summary && groupBy === undefined && !values.themes) throw new UsageError("--summary shows the group table and the themes: add --group-by or --themes");
  return {
    format,
    threshold,
    mixedThreshold: values["no-mixed"] ? undefined : mixedThreshold,
    column: values.column ?? values.field,
    records: values.records,
    sheet: values.sheet,
    groupBy,
    themes: values.themes,
    output: values.output,
    summaryOnly: values.summary,
    verbose: values.verbose,
    rules: values["score-all"]
      ? SCORE_ALL
      : { missing: listOption(values.missing) ?? DEFAULT_MISSING_MARKERS, nonAnswers: listOption(values["non-answers"]) ?? DEFAULT_NON_ANSWERS, language: true },
  };
}

/** A comma-separated list option: undefined when not given, [] for "". */
function listOption(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
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
    process.stdout.write(terminalText(lines.map((line) => line + "\n").join(""), { tty: Boolean(process.stdout.isTTY), json: true }));
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

/** How `analyze` reads, scores and reports. */
interface AnalyzeOptions {
  format: ReportFormat | "table";
  threshold: number;
  /** A unit is mixed when its sentences disagree at this confidence; undefined: sentences are not scored (--no-mixed). */
  mixedThreshold?: number;
  /** The text column of tabular files; chosen per file (and said) when absent. */
  column?: string;
  /** JSON files: the path of the array of records (see ParseOptions.records). */
  records?: string;
  /** The sheet of .xlsx workbooks (name or 1-based position); the first when absent. */
  sheet?: string;
  groupBy?: string;
  themes: boolean;
  /** Write the report here instead of stdout (CSV: the group and theme tables beside it). */
  output?: string;
  /** Table format: the group table and themes only. */
  summaryOnly: boolean;
  verbose: boolean;
  /** Which units are not scored (the model's languages are added once it is loaded). */
  rules: RuleSettings;
}

/** A unit read from a file, before it is judged and scored. */
interface SourceUnit {
  text: string;
  startLine: number;
  endLine: number;
  fields?: Record<string, string>;
  /** Set when it is known before judging (an empty cell). */
  why?: NotScored;
}

/** A file read and cut into units, before scoring. */
interface Source {
  file: string;
  /** A table's rows (or a document's paragraphs), in order; those not to score are judged once the model is known. */
  units: SourceUnit[];
  /** True for a table's rows: markers and non-answers apply to them. */
  rows?: boolean;
  columns?: string[];
  textColumn?: string;
  problems: Problem[];
  /** Set when the file has columns but not the text column: listed in the report with the reason, not scored. */
  missingColumn?: MissingColumnError;
}

/** The files of an analyze run, read and cut into units before the model loads. */
interface Inputs {
  /** In the order given. */
  sources: Source[];
  /** Files that could not be read at all (said on stderr). */
  failed: number;
}

/**
 * Reads every file. A --column or --group-by that no file has is a usage error, found here before the model loads;
 * every other problem is said on stderr and the rest is still read.
 */
async function readInputs(files: string[], options: AnalyzeOptions): Promise<Inputs> {
  const inputs: Inputs = { sources: [], failed: 0 };
  for (const file of files) {
    try {
      inputs.sources.push(await readSource(file, options));
    } catch (error) {
      inputs.failed++;
      console.error(`inline-sentiment: ${file}: ${messageOf(error)}`);
    }
  }
  // A column that no tabular file has is a mistyped argument, not bad data.
  const tabular = inputs.sources.filter((source) => source.columns !== undefined);
  if (tabular.some((source) => source.missingColumn) && tabular.every((source) => source.missingColumn)) {
    throw new UsageError(`no file has the column "${options.column}" (--column/--field)`);
  }
  if (options.groupBy !== undefined) checkGroupBy(options.groupBy, inputs.sources);
  return inputs;
}

/**
 * Which units are mixed (core/mixed.ts): the sentences of every unit of two or more are scored, in one batch for the
 * file. With `verbose` (the file's name), says on stderr what that cost.
 */
async function mixedUnits(engine: EngineClient, units: readonly { text: string }[], threshold: number, verbose?: string): Promise<boolean[]> {
  const owners: number[] = [];
  const sentences: string[] = [];
  units.forEach((unit, i) => {
    if (unit.text.length > MAX_MIXED_LENGTH) return;
    const pieces = segment(unit.text, "plaintext", "sentence");
    if (pieces.length < 2) return;
    for (const piece of pieces) {
      owners.push(i);
      sentences.push(piece.text);
    }
  });
  const mixed = new Array<boolean>(units.length).fill(false);
  if (sentences.length === 0) return mixed;
  const scores = await engine.classify(sentences);
  let split = 0;
  for (let k = 0; k < owners.length; ) {
    let end = k;
    while (end < owners.length && owners[end] === owners[k]) end++;
    mixed[owners[k]] = isMixed(sentenceSpread(scores.slice(k, end)), threshold);
    split++;
    k = end;
  }
  if (verbose) {
    const found = mixed.filter(Boolean).length;
    console.error(`inline-sentiment: ${verbose}: ${sentences.length} sentences of ${split} units of two or more scored for "mixed" (${units.length} units in all); ${found} mixed`);
  }
  return mixed;
}

async function analyze(engine: EngineClient, { sources, failed }: Inputs, options: AnalyzeOptions): Promise<number> {
  const scored: SummaryFile[] = [];
  const info = await engine.modelInfo();
  const detect = options.rules.language ? detectLanguage : undefined;
  // Rows: every rule; paragraphs: the language and no-words rules (markers and non-answers are for answers).
  const rowRules = compileRules({ ...options.rules, languages: info.languages, detect });
  const proseRules = compileRules({ ...options.rules, missing: [], nonAnswers: [], languages: info.languages, detect });
  for (const source of sources) {
    const rules = source.rows ? rowRules : proseRules;
    const toScore: SourceUnit[] = [];
    const skipped: SummaryNotScored[] = [];
    for (const unit of source.units) {
      const why = unit.why ?? judgeText(unit.text, rules);
      if (!why) toScore.push(unit);
      else skipped.push({ startLine: unit.startLine, endLine: unit.endLine, text: unit.text, ...why, ...(unit.fields && { fields: unit.fields }) });
    }
    const results = await engine.classify(toScore.map((unit) => unit.text));
    const mixed = options.mixedThreshold === undefined ? undefined : await mixedUnits(engine, toScore, options.mixedThreshold, options.verbose ? source.file : undefined);
    scored.push({
      uri: pathToFileURL(resolve(source.file)).toString(),
      name: source.file,
      units: toScore.map((unit, i) => ({
        ...summaryUnitOf({ ...results[i], text: unit.text, polarity: polarityOf(results[i], options.threshold) }, unit, unit.fields && { fields: unit.fields }),
        ...(mixed?.[i] && { mixed: true as const }),
      })),
      ...(source.columns && { columns: source.columns }),
      ...(source.textColumn !== undefined && !source.missingColumn && { textColumn: source.textColumn }),
      ...(source.problems.length > 0 && { problems: source.problems }),
      ...(skipped.length > 0 && { notScored: skipped }),
    });
    tellNotScored(source, skipped, options.verbose);
  }
  const report: SummaryModel = {
    kind: scored.length === 1 ? "document" : "folder",
    title: scored.length === 1 ? scored[0].name : `${scored.length} files`,
    model: modelDisplayName(await engine.modelInfo()),
    files: scored,
  };
  writeReport(report, options);
  // Exit 1 only when rows were lost: a repeated column name or a short row is said, but every row was read.
  const lost = sources.some((source) => source.problems.some((problem) => !problem.caveat));
  return failed || lost ? 1 : 0;
}

/**
 * Says on stderr how many of a file's units were not scored and why, in one line (`verbose`: each one, by line, too).
 * They were read: they are no problem and do not change the exit status.
 */
function tellNotScored(source: Source, skipped: readonly SummaryNotScored[], verbose: boolean): void {
  if (skipped.length === 0) return;
  const whys = skipped.map((unit) => notScored(unit.reason, unit.detail));
  if (verbose) skipped.forEach((unit, i) => console.error(`inline-sentiment: ${source.file}:${unit.startLine}: not scored: ${notScoredLabel(whys[i])}`));
  const scored = source.units.length - skipped.length;
  console.error(
    `inline-sentiment: ${source.file}: ${scored.toLocaleString("en")} of ${source.units.length.toLocaleString("en")} ${source.rows ? "rows" : "units"} scored; ` +
      `${describeNotScored(whys)}${verbose ? "" : " (--verbose lists them)"}`,
  );
}

/**
 * Reads one file into units. Tabular files (by extension) are decoded (BOM, UTF-16), parsed, and their text column's
 * cells become units with the row's other cells as fields; every parser problem is said on stderr as FILE:LINE.
 * Markdown and plain text are segmented as in the editor. Throws when the file cannot be read or is binary.
 */
async function readSource(file: string, options: AnalyzeOptions): Promise<Source> {
  const bytes = readFileSync(file);
  const format = tableFormatOf(file);
  if (!format) {
    const text = decodeSource(bytes, file);
    const starts = lineStarts(text);
    const units = segment(text, languageOfPath(file)).map((unit) => {
      const { startLine, endLine } = lineSpan(starts, unit);
      return { text: unit.text, startLine, endLine };
    });
    return { file, units, problems: [] };
  }
  // Decoded first: a UTF-16 file is full of NUL bytes, so the binary check runs on the text.
  const decoded = format === "xlsx" ? undefined : decodeTabular(bytes);
  if (decoded?.note) console.error(`inline-sentiment: ${file}: ${decoded.note}`);
  const table = decoded ? parseTable(decoded.text, { format, records: options.records }) : await readWorkbook(bytes, { sheet: options.sheet });
  // How the rows were found (survey header rows, the array of a JSON object) is said always; the rest with --verbose.
  for (const note of table.notes) if (options.verbose || table.notices?.includes(note)) console.error(`inline-sentiment: ${file}: ${note}`);
  let column = options.column;
  if (column === undefined) {
    column = chooseTextColumn(table);
    if (column !== undefined) {
      console.error(
        `inline-sentiment: ${file}: no --column given; scoring column ${columnLabel(table, column)} (the one with the most distinct ` +
          `free text; the columns are ${table.columns.map((c) => columnLabel(table, c)).join(", ")})`,
      );
    }
  } else {
    const named = columnsNamed(table, column);
    if (named.length > 0 && named[0] !== column) {
      console.error(`inline-sentiment: ${file}: --column "${column}" is the question of column ${named.map((c) => `"${c}"`).join(", ")}; scoring "${named[0]}"`);
      column = named[0];
    }
  }
  let cells: ReturnType<typeof textUnits> = { units: [], empty: [] };
  if (column !== undefined) {
    try {
      cells = textUnits(table, column);
    } catch (error) {
      if (!(error instanceof MissingColumnError) || table.columns.length === 0) throw error;
      // Files without their text column are in the report too, with the reason, so a reader sees what was skipped.
      console.error(`inline-sentiment: ${file}: ${error.message}`);
      return { file, units: [], columns: table.columns, textColumn: column, problems: [{ line: 1, message: `Line 1: ${error.message}` }], missingColumn: error };
    }
  }
  const problems = table.problems;
  for (const problem of problems) console.error(`inline-sentiment: ${file}:${problem.line}: ${problem.message.replace(/^Line \d+: /, "")}`);
  if (problems.length > 0) {
    console.error(`inline-sentiment: ${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"} listed above; every other row was read`);
  }
  // Every row in row order: the empty ones are known not to be scored now, the others are judged with the model's languages.
  const rows: (TextUnit & { why?: NotScored })[] = [...cells.units, ...cells.empty.map((unit) => ({ ...unit, why: notScored("empty") }))];
  const units = rows
    .sort((a, b) => a.row - b.row)
    .map((unit): SourceUnit => {
      const fields = { ...table.rows[unit.row].cells };
      delete fields[column as string];
      return { text: unit.text, startLine: unit.line, endLine: unit.endLine, fields, ...(unit.why && { why: unit.why }) };
    });
  return { file, units, rows: true, columns: table.columns, textColumn: column, problems };
}

/** A column as the CLI names it: `"Q2"`, with its question text when the file has one: `"Q2" (What's up?)`. */
function columnLabel(table: Table, column: string): string {
  const question = table.questions?.get(column);
  return question === undefined ? `"${column}"` : `"${column}" (${question.length > 80 ? `${question.slice(0, 79)}…` : question})`;
}

/**
 * --group-by must name a column of some file, or "file". Files without the column are said on stderr: their units are
 * in the group without a value.
 */
function checkGroupBy(groupBy: string, sources: Source[]): void {
  if (groupBy === "file") return;
  const having = sources.filter((source) => source.columns?.includes(groupBy));
  if (having.length === 0) {
    const columns = [...new Set(sources.flatMap((source) => source.columns ?? []))];
    throw new UsageError(
      `--group-by: no file has a column "${groupBy}"; ` +
        (columns.length ? `the columns are ${columns.map((c) => `"${c}"`).join(", ")} (or "file")` : `only "file" groups files without columns`),
    );
  }
  for (const source of sources) {
    if (!having.includes(source)) console.error(`inline-sentiment: ${source.file}: no column "${groupBy}"; its units are in the (empty) group`);
  }
}

/** Writes the report to stdout or --output; a CSV report's group and theme tables go beside --output. */
function writeReport(report: SummaryModel, options: AnalyzeOptions): void {
  const summary = { groupBy: options.groupBy, themes: options.themes };
  const write = (text: string, path = options.output) =>
    path === undefined ? process.stdout.write(terminalText(text, { tty: Boolean(process.stdout.isTTY), json: options.format === "json" })) : writeFileSync(path, text);
  if (options.format === "table") return void write(tableOf(report, aggregate(report, summary), options.summaryOnly));
  if (options.format !== "csv") return void write(renderReport(report, options.format, summary));
  const tables = renderCsvTables(report, summary);
  write(tables.units);
  for (const name of ["groups", "themes"] as const) {
    const table = tables[name];
    if (table === undefined || options.output === undefined) continue;
    write(table, csvTablePath(options.output, name));
    console.error(`inline-sentiment: ${name} written to ${csvTablePath(options.output, name)}`);
  }
}

/**
 * The terminal's view: the unit rows (file, lines, sentiment, score, the group's value when grouped, an excerpt of the
 * text), then the group table and the themes. The json, csv and markdown formats carry every figure and field.
 */
function tableOf(report: SummaryModel, summary: Aggregates, summaryOnly: boolean): string {
  const parts: string[] = [];
  const groupBy = summary.groupBy;
  if (!summaryOnly) {
    const rows = report.files.flatMap((file) => {
      const keyOf = groupBy === undefined ? undefined : groupKeyOf(file, groupBy);
      return unitsInOrder(file).map(({ scored, unit }) => [
        file.name,
        unit.startLine === unit.endLine ? `${unit.startLine}` : `${unit.startLine}-${unit.endLine}`,
        scored ? (unit.mixed ? "mixed" : unit.polarity) : "not scored",
        scored ? unit.score.toFixed(4) : "",
        ...(keyOf ? [excerpt(groupLabel(keyOf(unit)), 24)] : []),
        scored ? excerpt(unit.text) : excerpt(`(${notScoredLabel(notScored(unit.reason, unit.detail))}) ${unit.text}`),
      ]);
    });
    parts.push(table(["file", "lines", "sentiment", "score", ...(groupBy === undefined ? [] : [groupBy]), "text"], rows));
  }
  if (summary.groups) {
    const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
    const rows = summary.groups.map((g) => [groupLabel(g.key), String(g.count), percent(g.share.negative), percent(g.share.neutral), percent(g.share.positive), signed(g.mean)]);
    parts.push(`Groups by ${groupBy}\n` + table([groupBy ?? "group", "count", "negative", "neutral", "positive", "mean polarity"], rows));
  }
  if (summary.themes) {
    const lines = ["Themes: words and phrases that set negative (or positive) items apart from the others; uses in brackets"];
    const list = (themes: Theme[]) => (themes.length ? themes.map((t) => `${t.term} (${t.count})`).join(", ") : "none stands out");
    const section = (title: string, themes: PolarityThemes) => lines.push(title, `  negative: ${list(themes.negative)}`, `  positive: ${list(themes.positive)}`);
    section("all items", summary.themes.all);
    for (const { group, themes } of summary.themes.groups ?? []) section(`${groupBy} = ${groupLabel(group)}`, themes);
    parts.push(lines.join("\n") + "\n");
  }
  const skipped = notScoredLine(report);
  if (skipped) parts.push(`${skipped}; the counts, groups and themes leave them out.\n`);
  return parts.join("\n");
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;
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
    if (error instanceof UsageError) console.error("Run inline-sentiment --help for the usage.");
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);

/** The model line of --verbose. */
function describe(info: ModelInfo): string {
  const why = info.backendReason ? ` (${info.backendReason})` : "";
  return `model ${modelDisplayName(info)} (${info.onnxFile}); ${runtimeOf(info)}${why}; ${info.batching}${info.sessions ? `, ${info.sessions}` : ""}; ${info.kernelsReason}`;
}
