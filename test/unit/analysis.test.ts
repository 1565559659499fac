import { strict as assert } from "node:assert";
import type { Classification, Unit } from "../../src/core/types";
import { CancelledError, type Priority } from "../../src/engine/engineClient";
import type { Explanation, ModelInfo } from "../../src/engine/engineProtocol";
import type { TableRead } from "../../src/engine/tables/tableClient";
import { packFields, RowFields } from "../../src/engine/tables/rows";
import type { Progress } from "../../src/editor/analysis/activity";
import { AnalysisPipeline } from "../../src/editor/analysis/pipeline";
import type { Results } from "../../src/editor/analysis/results";
import type { ScoringEngine } from "../../src/editor/analysis/scoreCache";

/**
 * The analysis pipeline (src/editor/analysis) driven with plain objects: a document that is a plain object, a fake
 * engine whose answers the test releases, a fake table reader. Staleness, cancellation and retry, which the in-editor
 * suite can only reach by timing edits against the engine, are played here step by step: each test waits for the
 * engine to be asked (an event), then edits, cancels or closes, then lets the engine answer.
 */

const MODEL: ModelInfo = {
  dir: "/models/fake",
  kind: "mini",
  onnxFile: "model.onnx",
  sha256: "fake",
  labels: ["NEGATIVE", "POSITIVE"],
  maxTokens: 512,
  rowsPerRun: 8,
  batching: "fake",
  backend: "fake",
  kernels: "fp32",
  kernelsReason: "fake",
};

/** "bad" in a text reads negative, anything else positive, both sure. */
function classify(text: string): Classification {
  const negative = /bad/.test(text);
  return {
    label: negative ? "NEGATIVE" : "POSITIVE",
    score: 0.98,
    probabilities: negative ? { NEGATIVE: 0.98, POSITIVE: 0.02 } : { NEGATIVE: 0.02, POSITIVE: 0.98 },
    windows: 1,
    tokens: text.split(/\s+/).length,
  };
}

interface Asked {
  texts: readonly string[];
  priority?: Priority;
  signal?: AbortSignal;
  answer(): void;
}

/** An engine that answers at once, or (held) when the test says so; an aborted request rejects as the real one does. */
class FakeEngine implements ScoringEngine {
  held = false;
  readonly asked: Asked[] = [];
  private readonly waiting: ((asked: Asked) => void)[] = [];

  async modelInfo(): Promise<ModelInfo> {
    return MODEL;
  }

  scores(texts: readonly string[], options: { priority?: Priority; signal?: AbortSignal }): Promise<Classification[]> {
    return new Promise((resolve, reject) => {
      const asked: Asked = { texts, ...options, answer: () => resolve(texts.map(classify)) };
      this.asked.push(asked);
      if (!this.held) return asked.answer();
      options.signal?.addEventListener("abort", () => reject(new CancelledError()));
      this.waiting.splice(0).forEach((wake) => wake(asked));
    });
  }

  async explain(text: string): Promise<Explanation> {
    return { words: [{ word: text, weight: 1 }] } as unknown as Explanation;
  }

  /** Resolves with the next held request (the one already waiting, if any is unanswered). */
  nextAsked(): Promise<Asked> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Every text the engine was asked for, in order. */
  get texts(): string[] {
    return this.asked.flatMap((asked) => asked.texts);
  }
}

/** A document as a plain object: the shape the pipeline reads, and an edit that bumps the version. */
function documentOf(text: string, languageId = "markdown", name = "a.md") {
  return {
    uri: { toString: () => `file:///${name}` },
    version: 1,
    languageId,
    isClosed: false,
    text,
    getText() {
      return this.text;
    },
    edit(next: string) {
      this.text = next;
      this.version++;
    },
  };
}
type TestDocument = ReturnType<typeof documentOf>;

/** A one-column "CSV" read as the table worker would: one row unit per line after the header. */
function readRows(document: TestDocument): TableRead {
  const units: Unit[] = [];
  const lines: number[] = [];
  const positions: number[] = [];
  let offset = 0;
  document.text.split("\n").forEach((line, i) => {
    if (i > 0 && line) {
      units.push({ start: offset, end: offset + line.length, text: line, kind: "row" });
      lines.push(i + 1, i + 1);
      positions.push(i, 0, i, line.length);
    }
    offset += line.length + 1;
  });
  const none = { units: [], reasons: [], lines: [], positions: new Uint32Array(), fields: new RowFields(packFields([])) };
  return {
    summary: { columns: ["text"], rows: units.length, suggested: "text", samples: {} } as unknown as TableRead["summary"],
    units,
    lines,
    positions: Uint32Array.from(positions),
    fields: new RowFields(packFields(units)),
    column: "text",
    problems: [],
    notScored: none,
  };
}

function pipelineOf(engine: FakeEngine, options: { threshold?: number } = {}) {
  const stored: Results<TestDocument["uri"], string>[] = [];
  const progress: (Progress | undefined)[] = [];
  const forgotTables: string[] = [];
  const pipeline = new AnalysisPipeline<TestDocument, string>(
    engine,
    { threshold: options.threshold ?? 0.75, granularity: "paragraph", labels: {} },
    {
      isTable: (document) => document.languageId === "csv",
      rows: async (document) => ({ read: readRows(document), info: { columns: ["text"], textColumn: "text", problems: [] } }),
      forget: (uri) => forgotTables.push(uri.toString()),
      languages: async (texts) => texts.map(() => undefined),
    },
    { onStored: (results) => stored.push(results), onProgress: (p) => progress.push(p) },
  );
  return { pipeline, stored, progress, forgotTables };
}

const PROSE = "A good day.\n\nA bad day.\n\nAnother good one.\n";

describe("the analysis pipeline (editor/analysis) with plain objects", () => {
  it("scores a prose document's paragraphs, stores them with the version, and asks the engine for each text once", async () => {
    const engine = new FakeEngine();
    const { pipeline, stored } = pipelineOf(engine);
    const document = documentOf(PROSE);
    const results = await pipeline.analyze(document);
    assert.ok(results);
    assert.deepEqual(results.units.map((unit) => [unit.text, unit.polarity]), [
      ["A good day.", "positive"],
      ["A bad day.", "negative"],
      ["Another good one.", "positive"],
    ]);
    assert.deepEqual(results.counts, { positive: 2, negative: 1, neutral: 0 });
    assert.equal(results.version, 1);
    assert.equal(results.partial, false);
    assert.equal(results.model, MODEL);
    assert.equal(stored.length, 1);
    assert.equal(pipeline.results.get(document.uri), results);
    // An edit to one paragraph: only its new text goes to the engine; the others come from the cache.
    document.edit(PROSE.replace("A bad day.", "A bad week."));
    await pipeline.analyze(document);
    assert.deepEqual(engine.texts, ["A good day.", "A bad day.", "Another good one.", "A bad week."]);
    assert.equal(pipeline.results.get(document.uri)?.version, 2);
  });

  it("drops the results of a version that changed while the engine worked (no retry: nothing stored)", async () => {
    const engine = new FakeEngine();
    engine.held = true;
    const { pipeline, stored } = pipelineOf(engine);
    const document = documentOf(PROSE);
    const run = pipeline.analyze(document);
    const asked = await engine.nextAsked();
    document.edit(PROSE + "\nA new bad line.\n");
    asked.answer();
    assert.equal(await run, undefined);
    assert.equal(stored.length, 0, "a stale version is never stored");
    assert.equal(pipeline.results.get(document.uri), undefined);
    // The scores came back all the same, and were cached: the next run asks only for the new paragraph.
    engine.held = false;
    const next = await pipeline.analyze(document);
    assert.equal(next?.version, 2);
    assert.deepEqual(engine.asked[1].texts, ["A new bad line."]);
  });

  it("with retryOnChange, starts over on the new version and stores that one", async () => {
    const engine = new FakeEngine();
    engine.held = true;
    const { pipeline, stored } = pipelineOf(engine);
    const document = documentOf(PROSE);
    const run = pipeline.analyze(document, { retryOnChange: true });
    const first = await engine.nextAsked();
    document.edit("Only a bad paragraph now.\n");
    first.answer();
    const second = await engine.nextAsked();
    assert.deepEqual(second.texts, ["Only a bad paragraph now."], "the second pass reads the new version");
    second.answer();
    const results = await run;
    assert.equal(results?.version, 2);
    assert.deepEqual(results?.units.map((unit) => unit.text), ["Only a bad paragraph now."]);
    assert.deepEqual(stored.map((r) => r.version), [2], "only the new version is stored");
  });

  it("a document closed during the run ends it, even with retryOnChange", async () => {
    const engine = new FakeEngine();
    engine.held = true;
    const { pipeline, stored } = pipelineOf(engine);
    const document = documentOf(PROSE);
    const run = pipeline.analyze(document, { retryOnChange: true });
    const asked = await engine.nextAsked();
    document.isClosed = true;
    document.edit("changed");
    asked.answer();
    assert.equal(await run, undefined);
    assert.equal(stored.length, 0);
  });

  it("cancel() aborts the engine's queued work and stores nothing; a newer run supersedes the older", async () => {
    const engine = new FakeEngine();
    engine.held = true;
    const { pipeline, stored } = pipelineOf(engine);
    const document = documentOf(PROSE);
    const cancelled = pipeline.analyze(document, { retryOnChange: true });
    const asked = await engine.nextAsked();
    pipeline.cancel(document.uri);
    assert.equal(asked.signal?.aborted, true, "the engine's request is aborted");
    assert.equal(await cancelled, undefined, "a cancelled run resolves undefined, not an error");
    assert.equal(stored.length, 0);

    const older = pipeline.analyze(document);
    const olderAsked = await engine.nextAsked();
    const newer = pipeline.analyze(document);
    assert.equal(olderAsked.signal?.aborted, true, "starting a newer run aborts the older one's request");
    assert.equal(await older, undefined);
    const newerAsked = await engine.nextAsked();
    newerAsked.answer();
    assert.equal((await newer)?.units.length, 3);
    assert.equal(stored.length, 1);
  });

  it("scores and stores the visible units first (high priority, partial), then the rest, in document order", async () => {
    const engine = new FakeEngine();
    engine.held = true;
    const { pipeline, stored, progress } = pipelineOf(engine);
    const document = documentOf(PROSE);
    const second = PROSE.indexOf("A bad day.");
    const run = pipeline.analyze(document, { visible: () => [{ start: second, end: second + 3 }] });
    const visible = await engine.nextAsked();
    assert.deepEqual(visible.texts, ["A bad day."]);
    assert.equal(visible.priority, "high");
    const restAsked = engine.nextAsked();
    visible.answer();
    const rest = await restAsked;
    assert.deepEqual(rest.texts, ["A good day.", "Another good one."]);
    assert.equal(stored.length, 1, "the visible part is stored before the rest is scored");
    assert.equal(stored[0].partial, true);
    assert.deepEqual(stored[0].units.map((unit) => unit.text), ["A bad day."]);
    rest.answer();
    const results = await run;
    assert.equal(results?.partial, false);
    assert.deepEqual(results?.units.map((unit) => unit.text), ["A good day.", "A bad day.", "Another good one."]);
    assert.deepEqual(
      progress.filter((p) => p && p.total > 0),
      [
        { done: 0, total: 3 },
        { done: 1, total: 3 },
      ],
    );
    assert.equal(progress.at(-1), undefined, "idle again");
  });

  it("a version that changes after the visible units were scored stores neither part", async () => {
    const engine = new FakeEngine();
    engine.held = true;
    const { pipeline, stored } = pipelineOf(engine);
    const document = documentOf(PROSE);
    const run = pipeline.analyze(document, { visible: () => [{ start: 0, end: 3 }] });
    const visible = await engine.nextAsked();
    document.edit(PROSE + "\nMore.\n");
    const restAsked = engine.nextAsked();
    visible.answer();
    (await restAsked).answer();
    assert.equal(await run, undefined);
    assert.equal(stored.length, 0);
  });

  it("reads a table through the same run: one unit per row, with lines, positions and fields; a selection keeps the rows it touches", async () => {
    const engine = new FakeEngine();
    const { pipeline, forgotTables } = pipelineOf(engine);
    const table = documentOf("text\ngood service\nbad food\nfine\n", "csv", "t.csv");
    const all = await pipeline.analyze(table);
    assert.deepEqual(all?.units.map((unit) => [unit.text, unit.kind]), [
      ["good service", "row"],
      ["bad food", "row"],
      ["fine", "row"],
    ]);
    assert.deepEqual(all?.lines, [2, 2, 3, 3, 4, 4]);
    assert.deepEqual(all?.table, { columns: ["text"], textColumn: "text", problems: [] });
    const start = table.text.indexOf("bad food");
    const some = await pipeline.analyze(table, { selection: { span: () => ({ start, end: start + 2 }), range: "row 3" } });
    assert.deepEqual(some?.units.map((unit) => unit.text), ["bad food"]);
    assert.deepEqual(some?.lines, [3, 3]);
    assert.deepEqual([...(some?.positions ?? [])], [2, 0, 2, 8]);
    assert.equal(some?.selection, "row 3");
    pipeline.forget(table.uri);
    assert.deepEqual(forgotTables, ["file:///t.csv"]);
    assert.equal(pipeline.results.get(table.uri), undefined);
  });

  it("a prose selection is segmented alone, its units at their offsets in the document", async () => {
    const engine = new FakeEngine();
    const { pipeline } = pipelineOf(engine);
    const document = documentOf(PROSE);
    const start = PROSE.indexOf("A bad day.");
    const results = await pipeline.analyze(document, { selection: { span: () => ({ start, end: start + "A bad day.".length }), range: "sel" } });
    assert.deepEqual(results?.units.map((unit) => [unit.text, unit.start, unit.end]), [["A bad day.", start, start + 10]]);
  });

  it("re-labels stored results for a new threshold without asking the engine", async () => {
    const engine = new FakeEngine();
    const { pipeline, stored } = pipelineOf(engine);
    const document = documentOf(PROSE);
    await pipeline.analyze(document);
    const asked = engine.asked.length;
    pipeline.results.relabel(0.99, {});
    assert.equal(engine.asked.length, asked);
    assert.deepEqual(pipeline.results.get(document.uri)?.counts, { positive: 0, negative: 0, neutral: 3 });
    assert.equal(stored.length, 2, "a re-labelled result is handed to the views again");
  });

  it("is idle only when no run is in flight or held, and whenIdle waits for both", async () => {
    const engine = new FakeEngine();
    engine.held = true;
    const { pipeline } = pipelineOf(engine);
    const document = documentOf(PROSE);
    const release = pipeline.activity.hold();
    const run = pipeline.analyze(document);
    let idle = false;
    const idled = pipeline.activity.whenIdle().then(() => (idle = true));
    (await engine.nextAsked()).answer();
    await run;
    assert.equal(idle, false, "the held debounce keeps it busy");
    release();
    release();
    await idled;
    assert.deepEqual(pipeline.counters(), { results: 1, units: 3, controllers: 0, segmenters: 1, cache: 3, explanations: 0, inFlight: 0, idleWaiters: 0 });
  });

  it("forgetting a document frees the scores only it showed", async () => {
    const engine = new FakeEngine();
    const { pipeline } = pipelineOf(engine);
    const a = documentOf(PROSE, "markdown", "a.md");
    const b = documentOf("A good day.\n", "markdown", "b.md");
    await pipeline.analyze(a);
    await pipeline.analyze(b);
    await pipeline.explain("A bad day.");
    pipeline.forget(a.uri);
    assert.equal(pipeline.counters().cache, 1, "the text b still shows stays cached");
    assert.equal(pipeline.scores.cachedExplanation("A bad day."), undefined);
    await pipeline.analyze(documentOf(PROSE, "markdown", "c.md"));
    assert.deepEqual(engine.texts.slice(-2), ["A bad day.", "Another good one."]);
  });

  it("scores a text that is not open (a folder run's file) and stops on an aborted signal", async () => {
    const engine = new FakeEngine();
    const { pipeline } = pipelineOf(engine);
    const { units } = await pipeline.scoreProse(PROSE, "markdown");
    assert.equal(units.length, 3);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(pipeline.scoreProse(PROSE, "markdown", controller.signal), CancelledError);
  });
});
