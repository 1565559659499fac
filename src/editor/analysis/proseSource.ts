/**
 * Prose as a source of units (markdown, plain text): segmented into paragraphs, sentences or lines, then judged. Each
 * open document keeps its segmenter, so an edit re-parses only the chunks it touched. Pure: no `vscode`.
 */
import { DocumentSegmenter, type Granularity } from "../../core/segment";
import type { Unit } from "../../core/types";
import type { AnalysedDocument, Span } from "./document";
import type { Judging } from "./judging";
import type { DocumentUnits, NotScoredUnits, UnitSource } from "./source";

export class ProseSource implements UnitSource {
  /** Per document: keeps the last run's parsed chunks, so an edit re-parses only what it touched. */
  private readonly segmenters = new Map<string, DocumentSegmenter>();

  constructor(
    private readonly judging: Judging,
    private granularity: Granularity,
  ) {}

  /** A new unit size; documents are re-analysed by the caller. */
  setGranularity(granularity: Granularity): void {
    this.granularity = granularity;
    this.judging.setGranularity(granularity);
  }

  async units(document: AnalysedDocument, selection: Span | undefined, stale: () => boolean): Promise<DocumentUnits | undefined> {
    if (selection) {
      const text = document.getText().slice(selection.start, selection.end);
      const units = await new DocumentSegmenter(document.languageId, this.granularity).segmentAsync(text, stale);
      return units && this.judging.judgeProse(units.map((unit) => ({ ...unit, start: unit.start + selection.start, end: unit.end + selection.start })));
    }
    const key = document.uri.toString();
    let segmenter = this.segmenters.get(key);
    if (!segmenter || segmenter.languageId !== document.languageId || segmenter.granularity !== this.granularity) {
      segmenter = new DocumentSegmenter(document.languageId, this.granularity);
      this.segmenters.set(key, segmenter);
    }
    const units = await segmenter.segmentAsync(document.getText(), stale);
    return units && this.judging.judgeProse(units);
  }

  /** The units of a text that is not an open document (a file of a folder run); an aborted signal stops segmenting. */
  async textUnits(text: string, languageId: string, signal?: AbortSignal): Promise<{ units: Unit[]; notScored?: NotScoredUnits }> {
    const segmented = (await new DocumentSegmenter(languageId, this.granularity).segmentAsync(text, () => signal?.aborted ?? false)) ?? [];
    return this.judging.judgeProse(segmented);
  }

  forget(uri: { toString(): string }): void {
    this.segmenters.delete(uri.toString());
  }

  /** Documents whose segmenter is kept (the soak's counters). */
  get size(): number {
    return this.segmenters.size;
  }
}
