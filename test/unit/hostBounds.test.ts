/**
 * Bounds of what the host keeps besides the engine and the table worker (docs/RELIABILITY.md "Bounds"): the per-file
 * choices remembered in a workspace's state, and the summary panel's caches per group and per theme.
 */
import { strict as assert } from "node:assert";
import { REMEMBERED_FILES, rememberNewest } from "../../src/core/cache";
import type { SummaryModel, SummaryUnit } from "../../src/core/summary/summaryModel";
import { SummaryView, VIEW_CACHED } from "../../src/panel/summaryView";
import { MAX_FILE_READS, fileReads } from "../../src/web/fileReads";
import type { ReadMessage } from "../../src/web/messages";

describe("the host's bounds", () => {
  it(`per-file choices keep the newest ${REMEMBERED_FILES.toLocaleString("en")} files; the oldest are named as dropped`, () => {
    let entries: Record<string, string> = {};
    const dropped: string[] = [];
    for (let i = 0; i < REMEMBERED_FILES + 5; i++) {
      const next = rememberNewest(entries, `file:///w/${i}.csv`, "comment", REMEMBERED_FILES);
      entries = next.entries;
      dropped.push(...next.dropped);
    }
    assert.equal(Object.keys(entries).length, REMEMBERED_FILES);
    assert.deepEqual(dropped, ["file:///w/0.csv", "file:///w/1.csv", "file:///w/2.csv", "file:///w/3.csv", "file:///w/4.csv"]);
    // Choosing again for a remembered file makes it the newest: it is not the next to go.
    entries = rememberNewest(entries, "file:///w/5.csv", "text", REMEMBERED_FILES).entries;
    const next = rememberNewest(entries, "file:///w/new.csv", "text", REMEMBERED_FILES);
    assert.deepEqual(next.dropped, ["file:///w/6.csv"]);
    assert.equal(next.entries["file:///w/5.csv"], "text");
    assert.deepEqual(Object.keys(next.entries).slice(-2), ["file:///w/5.csv", "file:///w/new.csv"]);
  });

  it(`the panel's view keeps the themes of at most ${VIEW_CACHED} groups, the most recent`, () => {
    const units: SummaryUnit[] = Array.from({ length: VIEW_CACHED + 44 }, (_, i) => ({
      startLine: i + 2,
      endLine: i + 2,
      text: i % 2 ? `Lost bag again on flight ${i}` : `Friendly crew on flight ${i}`,
      label: i % 2 ? "NEGATIVE" : "POSITIVE",
      score: 0.9,
      polarity: i % 2 ? "negative" : "positive",
      probabilities: i % 2 ? { NEGATIVE: 0.9, POSITIVE: 0.1 } : { NEGATIVE: 0.1, POSITIVE: 0.9 },
      fields: { flight: `${i}` },
    }));
    const model: SummaryModel = { kind: "document", title: "f.csv", model: "m", files: [{ uri: "file:///w/f.csv", name: "f.csv", units, columns: ["flight", "text"], textColumn: "text" }] };
    const view = new SummaryView(model);
    const by = { kind: "column", column: "flight" } as const;
    for (const unit of units) view.themes(by, unit.fields!.flight);
    assert.equal(view.hasThemes(by, units.at(-1)!.fields!.flight), true, "the newest group's themes are kept");
    assert.equal(view.hasThemes(by, units[0].fields!.flight), false, "the oldest group's themes were dropped");
    const kept = units.filter((unit) => view.hasThemes(by, unit.fields!.flight)).length;
    assert.equal(kept, VIEW_CACHED);
  });
});

describe("the web engine's file reads through the editor (src/web/fileReads.ts)", () => {
  it(`at most ${MAX_FILE_READS} reads wait for the editor; a read past them is refused with a message, and an answer makes room`, async () => {
    const asked: ReadMessage[] = [];
    const reads = fileReads((message) => asked.push(message));
    const waiting = Array.from({ length: MAX_FILE_READS }, (_, i) => reads.ask(`file:///m/${i}.json`, false));
    await assert.rejects(reads.ask("file:///m/model.onnx", false), new RegExp(`file:///m/model\\.onnx: not read: ${MAX_FILE_READS} file reads are waiting for the editor \\(at most ${MAX_FILE_READS}\\)`));
    assert.equal(asked.length, MAX_FILE_READS, "the refused read was never asked");
    reads.answer({ type: "file", id: asked[0].id, bytes: new Uint8Array([1]) });
    assert.deepEqual((await waiting[0]).bytes, new Uint8Array([1]));
    void reads.ask("file:///m/model.onnx", false);
    assert.equal(asked.length, MAX_FILE_READS + 1);
  });
});
