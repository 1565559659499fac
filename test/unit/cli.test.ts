import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { isStopWord } from "../../src/core/summary";
import { parseTable } from "../../src/core/tables";
import { CLI, MINI_MODEL, ROOT, sharedFile } from "./helpers";
import { rExport } from "./rExport";

function cli(args: string[], input = "", env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input,
    encoding: "utf8",
    env: { ...process.env, INLINE_SENTIMENT_MODEL: "", ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("CLI", () => {
  it("classify: one JSON line per input line, in input order, with every label's probability", () => {
    const texts = ["I love it", "This is awful.", "A delightful, moving film.", "Terrible service, never again."];
    const { code, stdout } = cli(["classify", "--model", MINI_MODEL], texts.map((text) => JSON.stringify({ text })).join("\n"));
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((line) => line.label), ["POSITIVE", "NEGATIVE", "POSITIVE", "NEGATIVE"]);
    for (const line of lines) {
      assert.deepEqual(Object.keys(line), ["label", "score", "probabilities"]);
      assert.equal(line.score, line.probabilities[line.label]);
    }
  });

  it("classify: a bad line gets an error line in its place, the others still run, exit code 1", () => {
    const { code, stdout, stderr } = cli(["classify", "--model", MINI_MODEL], '{"text":"great"}\nnot json\n{"txt":1}\n{"text":"awful"}\n');
    assert.equal(code, 1);
    const lines = stdout.trimEnd().split("\n").map((line) => JSON.parse(line));
    assert.equal(lines.length, 4);
    assert.equal(lines[0].label, "POSITIVE");
    assert.match(lines[1].error, /line 2: not JSON/);
    assert.match(lines[2].error, /line 3: expected an object with a string "text" field/);
    assert.equal(lines[3].label, "NEGATIVE");
    assert.match(stderr, /line 2: not JSON/);
  });

  it("falls back to the bundled mini model with a warning that names it", () => {
    const { code, stderr } = cli(["classify"], '{"text":"fine"}\n');
    assert.equal(code, 0);
    assert.match(stderr, /bundled mini model \(.*model\/sentiment-mini\)/);
  });

  it("takes the model from INLINE_SENTIMENT_MODEL, and names the missing folder", () => {
    const { code, stderr } = cli(["classify"], '{"text":"fine"}\n', { INLINE_SENTIMENT_MODEL: "/no/such/model" });
    assert.equal(code, 1);
    assert.match(stderr, /\/no\/such\/model: model folder not found/);
    assert.doesNotMatch(stderr, /bundled mini model/);
  });

  it("analyze: a paragraph whose sentences disagree strongly reads \"mixed\" beside its own label and score; --no-mixed scores no sentence", () => {
    const dir = mkdtempSync(join(tmpdir(), "is-mixed-"));
    try {
      const file = join(dir, "mixed.md");
      // With the mini model: the paragraph reads positive 99.5 %, its second sentence negative 99.3 %, its first positive.
      writeFileSync(file, "Thank you for the quick refund, the staff were kind and patient with me. The app, though, is the worst I have ever had.\n\nThe staff were wonderful and the room was lovely.\n");
      const run = (...extra: string[]) => {
        const { code, stdout, stderr } = cli(["analyze", "--model", MINI_MODEL, "--format", "json", "--verbose", ...extra, file]);
        assert.equal(code, 0, stderr);
        return { units: (JSON.parse(stdout) as { units: { polarity: string; label: string; score: number }[] }).units, stderr };
      };
      const { units, stderr } = run();
      assert.deepEqual(units.map((unit) => [unit.polarity, unit.label]), [["mixed", "POSITIVE"], ["positive", "POSITIVE"]]);
      assert.ok(units[0].score > 0.9, "the paragraph's own score is kept");
      assert.match(stderr, /2 sentences of 1 units of two or more scored for "mixed" \(2 units in all\); 1 mixed/);
      const off = run("--no-mixed");
      assert.deepEqual(off.units.map((unit) => unit.polarity), ["positive", "positive"]);
      assert.doesNotMatch(off.stderr, /scored for "mixed"/);
      assert.deepEqual(run("--mixed-threshold", "0.999").units.map((unit) => unit.polarity), ["positive", "positive"], "a stricter threshold");
      assert.equal(cli(["analyze", "--mixed-threshold", "0.3", file]).code, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("analyze --format json: the editor's report, every scored unit with its 1-based lines", () => {
    const { code, stdout } = cli(["analyze", "--model", MINI_MODEL, "--format", "json", join(ROOT, "test/fixtures/workspace/feedback.md")]);
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report), ["title", "model", "units", "files"]);
    assert.deepEqual(report.files, [{ file: join(ROOT, "test/fixtures/workspace/feedback.md"), units: 8, problems: [] }]);
    const lines = report.units.map((u: { start_line: number; end_line: number }) => [u.start_line, u.end_line]);
    assert.deepEqual(lines, [[7, 7], [9, 9], [13, 13], [14, 14], [15, 15], [17, 17], [28, 28], [30, 30]]);
    const support = report.units[1];
    assert.match(support.text, /^Support never answered/);
    assert.equal(support.label, "NEGATIVE");
    assert.equal(support.polarity, "negative");
  });

  it("analyze --format csv and table; a binary file is refused with a reason and the rest still print", () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-cli-"));
    try {
      const notes = join(dir, "notes.txt");
      writeFileSync(notes, "Great trip, lovely staff.\r\nWe will return.\r\n\r\nThe room was dirty and cold.\r\n");
      const binary = join(dir, "image.txt");
      writeFileSync(binary, Buffer.from([0x89, 0x50, 0x00, 0x01, 0x02]));
      const csv = cli(["analyze", "--model", MINI_MODEL, "--format", "csv", notes, binary]);
      assert.equal(csv.code, 1);
      assert.match(csv.stderr, /image\.txt: looks like a binary file/);
      const rows = csv.stdout.trimEnd().split("\n");
      // The same columns as the editor's export (core/report.ts), scores as numbers.
      assert.equal(rows[0], "file,start_line,end_line,label,score,polarity,reason,reason_detail,text");
      assert.equal(rows.length, 4, "header, a two-line unit quoted across lines, one more unit");
      assert.ok(rows[1].startsWith(`${notes},1,2,POSITIVE,`));
      assert.ok(rows[3].startsWith(`${notes},4,4,NEGATIVE,`));
      const table = cli(["analyze", "--model", MINI_MODEL, notes]);
      assert.match(table.stdout.split("\n")[0], /^file\s+lines\s+sentiment\s+score\s+text$/);
      assert.match(table.stdout, /1-2\s+positive/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("opens no socket and resolves no host name while analysing (engine worker included)", () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-net-"));
    try {
      const log = join(dir, "network.log");
      writeFileSync(log, "");
      const preload = join(ROOT, "test/fixtures/preload/noNetwork.cjs");
      const result = spawnSync(process.execPath, ["--require", preload, CLI, "analyze", "--format", "json", join(ROOT, "test/fixtures/workspace/feedback.md")], {
        encoding: "utf8",
        env: { ...process.env, INLINE_SENTIMENT_MODEL: "", NO_NETWORK_LOG: log },
      });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).units.length, 8);
      assert.equal(readFileSync(log, "utf8"), "", "no network use");
      // The guard itself works: a fetch under it is refused and logged.
      const probe = spawnSync(process.execPath, ["--require", preload, "-e", "fetch('http://127.0.0.1:9/').catch(() => {})"], {
        encoding: "utf8",
        env: { ...process.env, NO_NETWORK_LOG: log },
      });
      assert.equal(probe.status, 0);
      assert.match(readFileSync(log, "utf8"), /main: fetch http:\/\/127\.0\.0\.1:9\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--verbose names the model, the runtime, the sessions and the int8 kernels on stderr; --backend chooses the runtime", () => {
    const native = cli(["classify", "--verbose", "--model", MINI_MODEL], '{"text":"fine"}\n');
    assert.equal(native.code, 0);
    assert.match(native.stderr, /model sentiment-mini \(bundled.*\) \(.*model_quantized\.onnx\); native \(onnxruntime-node\), int8 kernels u8(s8|u8) \(auto: onnxruntime-node loads on this platform\); int8, one text per call/);
    if (availableParallelism() >= 2) assert.match(native.stderr, /bulk work on 2 sessions x \d+ threads?/);
    const threads = cli(["classify", "--verbose", "--threads", "1", "--model", MINI_MODEL], '{"text":"fine"}\n');
    assert.match(threads.stderr, /one text per call, one session/, "threads set by the user: no helper session");
    const wasm = cli(["classify", "--verbose", "--backend", "wasm", "--model", MINI_MODEL], '{"text":"fine"}\n');
    assert.equal(wasm.code, 0, wasm.stderr);
    assert.match(wasm.stderr, /WebAssembly \(onnxruntime-web, \d+ threads?\), int8 kernels u8s8 \(backend set to wasm\)/);
    const [a, b] = [native.stdout, wasm.stdout].map((out) => JSON.parse(out).probabilities.POSITIVE as number);
    assert.ok(Math.abs(a - b) < 1e-4, `native ${a}, WebAssembly ${b}`);
    const bad = cli(["classify", "--backend", "gpu"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--backend must be auto, native or wasm, not "gpu"/);
  });

  it("usage errors exit 2 with a clear message", () => {
    const bad = cli(["analyze", "--format", "xml", "x.md"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be table, json, csv or markdown, not "xml"/);
    assert.equal(cli(["frobnicate"]).code, 2);
    const unknown = cli(["analyze", "--colum", "text", "x.csv"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--colum'/);
    assert.match(cli(["analyze", "--column", "a", "--field", "b", "x.csv"]).stderr, /--column and --field are the same option/);
    const csv = cli(["analyze", "--format", "csv", "--themes", "x.csv"]);
    assert.equal(csv.code, 2);
    assert.match(csv.stderr, /a CSV file holds one table: with --group-by or --themes, give --output FILE\.csv/);
  });
});

describe("CLI analyze: CSV, TSV, JSON Lines and JSON sources", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "inline-sentiment-tabular-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the CLI with the mini model in the temp folder; file names are relative to it. */
  function run(...args: string[]) {
    const result = spawnSync(process.execPath, [CLI, "analyze", "--model", MINI_MODEL, ...args], {
      cwd: dir,
      encoding: "utf8",
      // A JSON report of 2,000 rows with their fields is more than spawnSync's default 1 MB.
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, INLINE_SENTIMENT_MODEL: "" },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Feedback on two airlines: complaints about delays and lost bags, thanks to the crew; known answers for themes. */
  function feedback(): string {
    const rows = ["id,airline,text"];
    let id = 0;
    for (const airline of ["United", "Delta", "United"]) {
      for (let i = 0; i < 6; i++) {
        rows.push(`${++id},${airline},"@${airline} Terrible service, my flight was delayed again and they lost my bag. Awful."`);
        rows.push(`${++id},${airline},"@${airline} Thanks to the lovely crew, a wonderful and pleasant flight!"`);
      }
    }
    return rows.join("\n") + "\n";
  }

  it("a repeated column name and a short row are said on stderr, but no row is lost: exit 0; an unclosed quote loses a row: exit 1", () => {
    writeFileSync(join(dir, "caveats.csv"), "id,text,id\n1,Great flight,x\n2,Lost my bag\n");
    const read = run("--column", "text", "--format", "json", "caveats.csv");
    assert.equal(read.code, 0, read.stderr);
    assert.match(read.stderr, /column "id" appears twice/);
    assert.match(read.stderr, /2 fields where the header has 3/);
    assert.equal(JSON.parse(read.stdout).units.length, 2);
    writeFileSync(join(dir, "lost.csv"), 'id,text\n1,"Great flight\n');
    assert.equal(run("--column", "text", "--format", "json", "lost.csv").code, 1);
  });

  it("CSV with a BOM and `;`: a quoted multi-line cell spans its lines, a ragged row is listed, an empty cell is not scored, every good row is scored", () => {
    const csv = "\uFEFFid;airline;text\n1;United;\"Lost my bag\nagain; terrible service.\"\n2;Delta;A lovely, friendly crew.\n3;United;\n4;Delta;Awful delay;extra\n5;Delta;Great flight, thank you!\n";
    writeFileSync(join(dir, "survey.csv"), csv);
    const { code, stdout, stderr } = run("--column", "text", "--format", "json", "survey.csv");
    assert.equal(code, 1, "rows were listed");
    const report = JSON.parse(stdout);
    assert.deepEqual(
      report.units.map((u: { start_line: number; end_line: number; text: string; fields: object }) => [u.start_line, u.end_line, u.text, u.fields]),
      [
        [2, 3, "Lost my bag\nagain; terrible service.", { id: "1", airline: "United" }],
        [4, 4, "A lovely, friendly crew.", { id: "2", airline: "Delta" }],
        [5, 5, "", { id: "3", airline: "United" }],
        [6, 6, "Awful delay", { id: "4", airline: "Delta" }],
        [7, 7, "Great flight, thank you!", { id: "5", airline: "Delta" }],
      ],
    );
    assert.deepEqual(report.units.map((u: { polarity?: string; scored: boolean }) => u.polarity ?? u.scored), ["negative", "positive", false, "negative", "positive"]);
    assert.deepEqual(report.units[2], { file: "survey.csv", start_line: 5, end_line: 5, scored: false, reason: "empty", text: "", fields: { id: "3", airline: "United" } });
    assert.deepEqual(report.files[0].problems.map((p: { line: number }) => p.line), [6], "the ragged row; the empty cell is no problem");
    assert.equal(report.files[0].text_column, "text");
    assert.doesNotMatch(stderr, /survey\.csv:5/, "the empty cell is summed up, not listed");
    assert.match(stderr, /^inline-sentiment: survey\.csv:6: 4 fields where the header has 3; the 1 extra ignored/m);
    assert.match(stderr, /^inline-sentiment: survey\.csv: 1 problem listed above; every other row was read$/m);
    assert.match(stderr, /^inline-sentiment: survey\.csv: 4 of 5 rows scored; 1 empty: not scored \(--verbose lists them\)$/m);
  });

  it("JSON Lines with a bad line: --field (or --column) names the field; the line is listed and the others scored", () => {
    writeFileSync(join(dir, "tickets.jsonl"), '{"id":1,"body":"I love this app","team":"A"}\n{"id":2,"body":\n{"id":3,"body":"It crashes all the time, awful","team":"B"}\n');
    const field = run("--field", "body", "--format", "json", "tickets.jsonl");
    assert.equal(field.code, 1);
    const report = JSON.parse(field.stdout);
    assert.deepEqual(report.units.map((u: { start_line: number; polarity: string }) => [u.start_line, u.polarity]), [[1, "positive"], [3, "negative"]]);
    assert.deepEqual(report.units[1].fields, { id: "3", team: "B" });
    assert.deepEqual(report.files[0].problems.map((p: { line: number }) => p.line), [2]);
    assert.match(field.stderr, /^inline-sentiment: tickets\.jsonl:2: not valid JSON/m);
    assert.equal(run("--column", "body", "--format", "json", "tickets.jsonl").stdout, field.stdout, "--column is the same option");
  });

  it("a UTF-16LE TSV without --column: decoded, the wordiest column chosen and said; a JSON array of objects too", () => {
    const tsv = "name\tcomment\tscore\nAnn\tThe staff were wonderful and kind\t5\nBob\tRude, slow and dirty, never again\t1\n";
    writeFileSync(join(dir, "export.tsv"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, "utf16le")]));
    writeFileSync(join(dir, "list.json"), JSON.stringify([{ who: "Cy", said: "What a fantastic, delightful stay" }]));
    const { code, stdout, stderr } = run("--format", "csv", "export.tsv", "list.json");
    assert.equal(code, 0, stderr);
    assert.match(stderr, /export\.tsv: no --column given; scoring column "comment" \(the one with the most distinct free text; the columns are "name", "comment", "score"\)/);
    assert.match(stderr, /list\.json: no --column given; scoring column "said"/);
    const rows = parse(stdout, { columns: true }) as Record<string, string>[];
    assert.deepEqual(Object.keys(rows[0]), ["file", "start_line", "end_line", "label", "score", "polarity", "reason", "reason_detail", "text", "name", "field:score", "who"]);
    assert.deepEqual(rows.map((r) => [r.file, r.text, r.name, r["field:score"], r.who, r.polarity]), [
      ["export.tsv", "The staff were wonderful and kind", "Ann", "5", "", "positive"],
      ["export.tsv", "Rude, slow and dirty, never again", "Bob", "1", "", "negative"],
      ["list.json", "What a fantastic, delightful stay", "", "", "Cy", "positive"],
    ]);
  });

  it("a missing column names it and lists the columns: exit 2 when no file has it, else that file is listed and the rest scored", () => {
    writeFileSync(join(dir, "a.csv"), "id,comment\n1,Great\n");
    writeFileSync(join(dir, "b.csv"), "id,text\n1,Awful service\n");
    const none = run("--column", "body", "a.csv");
    assert.equal(none.code, 2);
    assert.match(none.stderr, /a\.csv: Column "body" does not exist; the columns are "id", "comment"\./);
    assert.match(none.stderr, /no file has the column "body"/);
    assert.equal(none.stdout, "");
    const some = run("--column", "text", "--format", "json", "a.csv", "b.csv");
    assert.equal(some.code, 1);
    const report = JSON.parse(some.stdout);
    assert.deepEqual(report.units.map((u: { file: string; text: string }) => [u.file, u.text]), [["b.csv", "Awful service"]]);
    assert.match(report.files[0].problems[0].message, /Column "text" does not exist; the columns are "id", "comment"/);
    const group = run("--column", "text", "--group-by", "country", "b.csv");
    assert.equal(group.code, 2);
    assert.match(group.stderr, /--group-by: no file has a column "country"; the columns are "id", "text" \(or "file"\)/);
  });

  it("--group-by and --themes: the same groups and themes in json, csv (beside --output), markdown and table", () => {
    writeFileSync(join(dir, "feedback.csv"), feedback());
    const args = ["--column", "text", "--group-by", "airline", "--themes", "feedback.csv"];
    const json = run(...args, "--format", "json");
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(report), ["title", "model", "units", "files", "group_by", "groups", "themes"]);
    assert.deepEqual(report.groups, [
      { group: "United", count: 24, share_negative: 0.5, share_neutral: 0, share_positive: 0.5, mean_polarity: report.groups[0].mean_polarity },
      { group: "Delta", count: 12, share_negative: 0.5, share_neutral: 0, share_positive: 0.5, mean_polarity: report.groups[1].mean_polarity },
    ]);
    const negative = report.themes.all.negative.map((t: { term: string }) => t.term);
    const positive = report.themes.all.positive.map((t: { term: string }) => t.term);
    for (const term of ["delayed", "lost", "terrible service"]) assert.ok(negative.includes(term), `${term} in ${negative}`);
    for (const term of ["thanks", "lovely crew"]) assert.ok(positive.includes(term), `${term} in ${positive}`);
    assert.ok(![...negative, ...positive].some((t: string) => /united|delta|@/i.test(t)), "mentions are left out");
    assert.deepEqual(report.themes.groups.map((g: { group: string }) => g.group), ["United", "Delta"]);

    const csv = run(...args, "--format", "csv", "--output", "out.csv");
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, "");
    assert.match(csv.stderr, /groups written to out\.groups\.csv/);
    const units = parse(readFileSync(join(dir, "out.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    assert.equal(units.length, 36);
    assert.deepEqual(Object.keys(units[0]), ["file", "start_line", "end_line", "label", "score", "polarity", "reason", "reason_detail", "text", "id", "airline"]);
    assert.deepEqual(parse(readFileSync(join(dir, "out.groups.csv"), "utf8"), { columns: true, cast: true }), report.groups);
    const themes = parse(readFileSync(join(dir, "out.themes.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      themes.filter((t) => t.scope === "all" && t.polarity === "negative").map((t) => t.term),
      negative,
    );
    assert.deepEqual(themes.filter((t) => t.scope === "group" && t.group === "Delta" && t.polarity === "positive").map((t) => t.term), report.themes.groups[1].positive.map((t: { term: string }) => t.term));

    const markdown = run(...args, "--format", "markdown").stdout;
    assert.match(markdown, /^## Groups by airline$/m);
    assert.match(markdown, new RegExp(`^\\| United \\| 24 \\| 0\\.5 \\| 0 \\| 0\\.5 \\| ${report.groups[0].mean_polarity} \\|$`, "m"));
    assert.match(markdown, /^### airline = Delta: negative$/m);
    assert.match(markdown, /^\| delayed \| false \| \d+ \| \d+ \| 0 \|/m);

    const table = run(...args);
    const lines = table.stdout.split("\n");
    assert.match(lines[0], /^file\s+lines\s+sentiment\s+score\s+airline\s+text$/);
    assert.match(table.stdout, /^Groups by airline\nairline\s+count\s+negative\s+neutral\s+positive\s+mean polarity\nUnited\s+24\s+50\.0%\s+0\.0%\s+50\.0%\s+[+-]0\.\d{3}\n/m);
    assert.match(table.stdout, /^all items\n {2}negative: .*delayed \(18\)/m);
    const summary = run(...args, "--summary").stdout;
    assert.match(summary, /^Groups by airline\n/, "--summary: no rows");
  });

  it("an R export with NA in most comment cells: every row accounted for, the groups from the scored rows only, exit 0", () => {
    const { text, expected } = rExport({ french: false });
    writeFileSync(join(dir, "nps.csv"), text);
    const { code, stdout, stderr } = run("--column", "comment", "--group-by", "group", "--format", "json", "nps.csv");
    assert.equal(code, 0, `rows not scored are no failure: ${stderr}`);
    const report = JSON.parse(stdout);
    assert.equal(report.units.length, 1000, "every data row once");
    assert.deepEqual(report.units.map((u: { start_line: number }) => u.start_line), Array.from({ length: 1000 }, (_, i) => i + 2), "in row order");
    const skipped = report.units.filter((u: { scored: boolean }) => !u.scored);
    assert.equal(skipped.filter((u: { reason: string; detail: string }) => u.reason === "missing" && u.detail === "NA").length, expected.reasons["missing:NA"]);
    assert.equal(skipped.filter((u: { reason: string }) => u.reason === "empty").length, expected.reasons.empty);
    assert.equal(skipped.filter((u: { reason: string }) => u.reason === "non-answer").length, expected.reasons["non-answer"]);
    assert.equal(skipped.filter((u: { reason: string }) => u.reason === "no-words").length, expected.reasons["no-words"]);
    assert.equal(report.units.length - skipped.length, expected.scored);
    // Promoters wrote praise, the others complaints: NA no longer drags the promoters negative.
    const groups = Object.fromEntries(report.groups.map((g: { group: string }) => [g.group, g]));
    assert.equal(groups.Promoter.share_positive, 1);
    assert.equal(groups.Detractor.share_negative, 1);
    assert.equal(report.groups.reduce((sum: number, g: { count: number }) => sum + g.count, 0), expected.scored, "the groups count scored rows only");
    assert.match(report.not_scored, /^\d+ missing \(NA\), .*: not scored$/);
    assert.match(stderr, new RegExp(`^inline-sentiment: nps\\.csv: ${expected.scored} of 1,000 rows scored; ${expected.reasons["missing:NA"]} missing \\(NA\\), .*: not scored \\(--verbose lists them\\)$`, "m"));
    assert.doesNotMatch(stderr, /nps\.csv:\d+:/, "no row is listed: none was lost");

    const verbose = run("--column", "comment", "--verbose", "--format", "csv", "nps.csv");
    assert.equal(verbose.code, 0);
    assert.match(verbose.stderr, /^inline-sentiment: nps\.csv:2: not scored: missing \(NA\)$/m);
    assert.match(verbose.stderr, /^inline-sentiment: nps\.csv:9: not scored: no answer$/m);
    assert.doesNotMatch(verbose.stderr, /--verbose lists them/);
    const csv = parse(verbose.stdout, { columns: true }) as Record<string, string>[];
    assert.equal(csv.length, 1000);
    assert.deepEqual([csv[0].label, csv[0].reason, csv[0].reason_detail, csv[0].group], ["", "missing", "NA", "Detractor"]);
  });

  it("--missing, --non-answers and --score-all; a row that cannot be read still exits 1 and is listed", () => {
    writeFileSync(join(dir, "answers.csv"), 'id,text\n1,NA\n2,n.v.\n3,No.\n4,Great flight\n5,"unclosed\n');
    const json = (...args: string[]) => {
      const result = run("--column", "text", "--format", "json", ...args, "answers.csv");
      return { ...result, units: JSON.parse(result.stdout).units as { scored: boolean; reason?: string; text: string }[] };
    };
    const defaults = json();
    assert.equal(defaults.code, 1, "the unclosed quote lost a row");
    assert.match(defaults.stderr, /^inline-sentiment: answers\.csv:6: /m);
    assert.deepEqual(defaults.units.map((u) => u.reason ?? "scored"), ["missing", "scored", "non-answer", "scored"]);
    const custom = json("--missing", "n.v.", "--non-answers", "");
    assert.deepEqual(custom.units.map((u) => u.reason ?? "scored"), ["scored", "missing", "scored", "scored"]);
    const all = json("--score-all");
    assert.ok(all.units.every((u) => u.scored), "everything scored as before");
  });

  it('several files: markdown and CSV together, grouped by "file"', () => {
    writeFileSync(join(dir, "feedback.csv"), feedback());
    writeFileSync(join(dir, "notes.md"), "# Notes\n\nThe lounge was awful and dirty.\n\nA wonderful, friendly welcome.\n");
    const { code, stdout, stderr } = run("--column", "text", "--group-by", "file", "--format", "json", "feedback.csv", "notes.md");
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.title, "2 files");
    assert.deepEqual(report.groups.map((g: { group: string; count: number }) => [g.group, g.count]), [["feedback.csv", 36], ["notes.md", 2]]);
    assert.deepEqual(report.units.slice(-2).map((u: { start_line: number; fields?: object }) => [u.start_line, u.fields]), [[3, undefined], [5, undefined]]);
  });

  it("the airline tweets (first 2,000 rows): groups per airline, negative themes without stop words or mentions", function () {
    const source = sharedFile(this, "data", "airline-tweets.csv");
    const text = readFileSync(source, "utf8");
    const table = parseTable(text, { format: "csv" });
    const rows = table.rows.slice(0, 2000);
    writeFileSync(join(dir, "airline.csv"), text.slice(0, rows[rows.length - 1].end) + "\n");
    const { code, stdout, stderr } = run("--column", "text", "--group-by", "airline", "--themes", "--format", "json", "airline.csv");
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.units.length, 2000, "every row is in the report once");
    // English tweets, @mentions, #tags and URLs included, are scored: at most 1 in 200 is taken for another language.
    const left = report.units.filter((u: { scored: boolean }) => !u.scored);
    assert.ok(left.length <= 10, `left out: ${JSON.stringify(left.map((u: { reason: string; language?: string; text: string }) => [u.reason, u.language, u.text]))}`);
    // The groups count the scored rows, each under its airline.
    const expected = new Map<string, number>();
    report.units.forEach((unit: { scored: boolean }, i: number) => {
      if (unit.scored) expected.set(rows[i].cells.airline, (expected.get(rows[i].cells.airline) ?? 0) + 1);
    });
    assert.deepEqual(new Map(report.groups.map((g: { group: string; count: number }) => [g.group, g.count])), expected);
    for (const g of report.groups) {
      assert.ok(Math.abs(g.share_negative + g.share_neutral + g.share_positive - 1) < 1e-3);
      assert.ok(g.mean_polarity >= -1 && g.mean_polarity <= 1);
    }
    const negative: { term: string; count: number }[] = report.themes.all.negative;
    assert.ok(negative.length >= 5, JSON.stringify(negative));
    for (const { term } of [...negative, ...report.themes.all.positive]) {
      for (const word of term.split(" ")) assert.ok(!isStopWord(word), `stop word ${word} in ${term}`);
      assert.doesNotMatch(term, /@|https?:|^\d+$/, term);
    }
    assert.ok(report.themes.groups.find((g: { group: string }) => g.group === report.groups[0].group).negative.length > 0);
  });
});
