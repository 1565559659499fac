/**
 * Incremental segmentation: one document segmented again and again as it is edited, re-parsing only the chunks an
 * edit touched, and yielding to the event loop while it works. Pure TypeScript (no `vscode`).
 */
import { isMarkdownLanguage } from "../sourceFiles";
import type { Unit } from "../types";
import { fastLine, heavyBlocks, plainLineBlocks, plaintextBlocks, type Block } from "./blocks";
import { chunksOf, type ChunkRange } from "./chunker";
import { unitsOf, type Granularity } from "./granularity";
import { markdownBlocks, referenceLineBlocks } from "./markdown";
/**
 * Milliseconds of segmentation between two yields to the event loop in `segmentAsync`: half of the slice other loops
 * on a host take (core/slices.ts), because segmentation's turns also hold a scavenge now and then (5-10 ms seen in the
 * benchmark's host, the units it makes being what survives), and a slice plus one parse batch plus a scavenge must stay
 * well under the 20 ms a turn may be held.
 */
const SEGMENT_SLICE_MS = 2;

/**
 * Segments one document again and again as it is edited. The text is cut into chunks that parse independently (at
 * blank lines that no open fence, HTML block or front matter spans), and the blocks of each chunk are kept until the
 * next run: an edit re-parses only the chunks it touched. Markdown parsing is slow (about 4 s for a 10,000-paragraph
 * document on one core), so `segmentAsync` also yields to the event loop between chunks to keep the editor responsive.
 */
export class DocumentSegmenter {
  /** The last run: its text and its chunks, each with its units (absolute offsets). */
  private last: { text: string; chunks: Chunk[] } = { text: "", chunks: [] };
  /**
   * Units of chunks seen, by the chunk's source, with offsets relative to the chunk: a chunk moved or restored (undo)
   * is not parsed again. Pruned to the current chunks when it holds twice as many.
   */
  private known = new Map<string, Unit[]>();
  /** Chunks parsed (not reused) by the last run. */
  parsedChunks = 0;
  /** Chunks of the last run read with plain-text rules because they were too heavy or too deeply nested to parse. */
  heavyChunks = 0;
  /** Calls of the markdown parser in the last run (chunks are parsed in batches: ParseBatch). */
  markdownParses = 0;

  constructor(
    readonly languageId: string,
    readonly granularity: Granularity,
  ) {}

  segmentSync(text: string): Unit[] {
    const run = this.begin(text);
    for (const range of run.ranges) if (run.add(range)) break;
    return unitsOfChunks(run.finish());
  }

  /** Like segmentSync, yielding every few milliseconds; returns undefined as soon as `cancelled()` says so. */
  async segmentAsync(text: string, cancelled: () => boolean = () => false): Promise<Unit[] | undefined> {
    const run = this.begin(text);
    let slice = performance.now();
    for (const range of run.ranges) {
      if (run.add(range)) break;
      if (performance.now() - slice > SEGMENT_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (cancelled()) return undefined;
        slice = performance.now();
      }
    }
    // The units of 100,000 one-line chunks took ~12 ms to gather in one go: gathered in slices too.
    const units: Unit[] = [];
    for (const chunk of run.finish()) {
      for (const unit of chunk.units) units.push(unit);
      if (performance.now() - slice > SEGMENT_SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (cancelled()) return undefined;
        slice = performance.now();
      }
    }
    return units;
  }

  private get markdown(): boolean {
    return isMarkdownLanguage(this.languageId);
  }

  /**
   * A run over `text` that starts where it first differs from the last run's text and stops where the rest is the
   * last run's, shifted. Chunk boundaries are where the chunker has no open fence, HTML block or front matter, so the
   * chunker can start again at any earlier boundary, and once a new boundary falls in the unchanged tail at an old
   * boundary's place, every later chunk is an old one moved by the length change.
   */
  private begin(text: string) {
    this.parsedChunks = 0;
    this.heavyChunks = 0;
    const old = this.last;
    const [prefix, suffix] = commonEnds(old.text, text);
    const delta = text.length - old.text.length;
    // Keep the chunks that end before the first change (a chunk ending at it could join what the change brings);
    // start chunking again where the first chunk not kept began.
    let kept = 0;
    while (kept < old.chunks.length && old.chunks[kept].end < prefix) kept++;
    const from = kept < old.chunks.length ? old.chunks[kept].start : 0;
    const chunks = old.chunks.slice(0, kept);
    const batch = new ParseBatch((blocks) => this.unitsOf(blocks), this.known);
    return {
      ranges: chunksOf(text, this.markdown, from),
      /** Adds one chunk; true once the rest of the document is known (old chunks, shifted). */
      add: ([start, end, heavy, weight, cleanStart, cleanEnd]: ChunkRange): boolean => {
        const same = start > from && start >= text.length - suffix ? chunkStartingAt(old.chunks, start - delta) : -1;
        if (same >= 0) {
          this.parsedChunks += batch.parse();
          for (const chunk of old.chunks.slice(same)) chunks.push(moved(chunk, delta));
          return true;
        }
        chunks.push(this.chunk(text, start, end, heavy, { weight, cleanStart, cleanEnd }, batch));
        return false;
      },
      /** Keeps this run's chunks for the next one; returns them, in document order. */
      finish: (): readonly Chunk[] => {
        this.parsedChunks += batch.parse();
        this.markdownParses = batch.parses;
        if (this.known.size > 2 * chunks.length + 64) this.known = new Map(chunks.flatMap((chunk) => (chunk.parsed ? [[chunk.parsed.key, chunk.parsed.relative]] : [])));
        this.last = { text, chunks };
        return chunks;
      },
    };
  }

  /**
   * The chunk text[start, end). Micromark chunks are parsed again only if no chunk of the last run had their source;
   * plaintext and plain markdown lines are cut again (cheaper than remembering them: a 10,000-paragraph document's
   * remembered sources would add ~2.5 MB to the host's heap, and its garbage-collection pauses grow with it). A heavy
   * chunk (see chunksOf) is read with plain-text rules, in time linear in its length.
   */
  private chunk(text: string, start: number, end: number, heavy: boolean, shape: ChunkShape, batch: ParseBatch): Chunk {
    const source = text.slice(start, end);
    const blocks = this.blocksWithoutParser(source, heavy);
    if (blocks) {
      this.parsedChunks++;
      if (this.markdown && heavy) this.heavyChunks++;
      return { start, end, units: this.unitsOf(blocks).map((unit) => shifted(unit, start)) };
    }
    // Front matter is recognised only at the very start of a document.
    const key = (start === 0 ? "0" : "1") + source;
    const relative = this.known.get(key);
    if (relative) return { start, end, parsed: { key, relative }, units: relative.map((unit) => shifted(unit, start)) };
    // Its units come when its batch is parsed (before the run's chunks are read).
    const chunk: Chunk = { start, end, parsed: { key, relative: [] }, units: [] };
    this.parsedChunks += batch.add(chunk, source, start === 0 || source.includes("]:") ? { ...shape, cleanStart: false, cleanEnd: false } : shape);
    return chunk;
  }

  /** The blocks of a chunk read without micromark (plain text, a heavy chunk, a plain or reference line), if it can be. */
  private blocksWithoutParser(source: string, heavy: boolean): Block[] | undefined {
    if (!this.markdown) return plaintextBlocks(source);
    if (heavy) return heavyBlocks(source);
    const fast = fastLine(source);
    if (fast === "plain") return plainLineBlocks(source);
    if (fast === "references") return referenceLineBlocks(source);
    return undefined;
  }

  private unitsOf(blocks: readonly Block[]): Unit[] {
    return unitsOf(blocks, this.granularity);
  }
}

/**
 * The most a batch weighs (chunker.ts's weight): about half a millisecond of parsing (warm), within segmentAsync's
 * slice. Batches up to a chunk's own limit (12,000) made turns of 20-31 ms in the event-loop benchmark, against 13-18 ms
 * before batching; on the bench document, 1,000 with 4 ms slices made a largest segmentation turn of 9.7-10.3 ms (median
 * of 8 runs, 3 processes), 500 with 2 ms slices 6.0-7.2 ms, for 5-7 % more parse time on 314 real READMEs
 * (docs/BENCHMARK.md).
 */
const BATCH_WEIGHT = 500;

/**
 * Markdown chunks parsed together, in one micromark parse of their sources joined: each call of the parser combines
 * its constructs and configures its compiler anew, which for a document whose paragraphs each hold some syntax (a link,
 * an "&", a heading) was much of the parse's time (315 real READMEs: 4.1 s against 5.2 s; docs/BENCHMARK.md).
 * Chunks cut at a blank line before a line at column 0 parse the same alone or followed by any such chunk (that is
 * how chunksOf cuts them), with two exceptions that are parsed alone: a chunk that may hold a link or footnote
 * definition ("]:"), which would reach the references of the others, and the document's first chunk (front matter).
 */
class ParseBatch {
  private members: { chunk: Chunk; source: string; cleanEnd: boolean }[] = [];
  private weight = 0;
  /** Calls of the parser so far. */
  parses = 0;

  constructor(
    private readonly unitsOf: (blocks: readonly Block[]) => Unit[],
    private readonly known: Map<string, Unit[]>,
  ) {}

  /**
   * Adds a chunk to parse; the chunks waiting are parsed first if it cannot join them (a cut that is not clean on
   * either side, or past the weight). Returns the number of chunks parsed now.
   */
  add(chunk: Chunk, source: string, { weight, cleanStart, cleanEnd }: ChunkShape): number {
    const last = this.members[this.members.length - 1];
    const parsed = last && (!last.cleanEnd || !cleanStart || this.weight + weight > BATCH_WEIGHT) ? this.parse() : 0;
    this.members.push({ chunk, source, cleanEnd });
    this.weight += weight;
    return parsed;
  }

  /** Parses the chunks waiting, if any, and gives each its units; returns how many. */
  parse(): number {
    const members = this.members;
    if (members.length === 0) return 0;
    this.members = [];
    this.weight = 0;
    this.parses++;
    const perMember = members.length === 1 ? [markdownBlocks(members[0].source, members[0].chunk.start === 0)] : splitBlocks(members.map((m) => m.source));
    members.forEach(({ chunk, source }, i) => {
      // A block across two sources would mean they did not parse on their own: then each alone (not seen in tests).
      if (!perMember) this.parses++;
      const relative = this.unitsOf(perMember?.[i] ?? markdownBlocks(source, false));
      this.known.set(chunk.parsed!.key, relative);
      chunk.parsed!.relative = relative;
      chunk.units = relative.map((unit) => shifted(unit, chunk.start));
    });
    return members.length;
  }
}

/** What ParseBatch needs to know of a chunk besides its source (ChunkRange). */
interface ChunkShape {
  weight: number;
  cleanStart: boolean;
  cleanEnd: boolean;
}

/** The blocks of `sources` parsed as one text, each source's with offsets relative to it; undefined if one spans two. */
function splitBlocks(sources: readonly string[]): Block[][] | undefined {
  const blocks = markdownBlocks(sources.join(""), false);
  const result: Block[][] = sources.map(() => []);
  let member = 0;
  let offset = 0;
  for (const block of blocks) {
    while (member < sources.length - 1 && block.start >= offset + sources[member].length) offset += sources[member++].length;
    if (block.end > offset + sources[member].length) return undefined;
    result[member].push(offset === 0 ? block : shiftedBlock(block, -offset));
  }
  return result;
}

function shiftedBlock(block: Block, by: number): Block {
  return {
    start: block.start + by,
    end: block.end + by,
    kind: block.kind,
    leaves: block.leaves.map((leaf) => ({ text: leaf.text, start: leaf.start + by, end: leaf.end + by, exact: leaf.exact })),
  };
}

/** The units of chunks, in order. A loop, not flatMap: flatMap over 10,000 one-unit arrays takes ~2 ms. */
function unitsOfChunks(chunks: readonly Chunk[]): Unit[] {
  const units: Unit[] = [];
  for (const chunk of chunks) for (const unit of chunk.units) units.push(unit);
  return units;
}

interface Chunk {
  start: number;
  end: number;
  /** A micromark chunk's source (the key of DocumentSegmenter.known) and units relative to the chunk's start. */
  parsed?: { key: string; relative: Unit[] };
  /** Units with offsets in the document. */
  units: Unit[];
}

/** Index of the chunk that starts at `offset`, or -1 (chunks are in document order). */
function chunkStartingAt(chunks: readonly Chunk[], offset: number): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (chunks[mid].start === offset) return mid;
    if (chunks[mid].start < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Lengths of the common prefix and of the common suffix (not overlapping it) of two texts. */
function commonEnds(a: string, b: string): [number, number] {
  const limit = Math.min(a.length, b.length);
  // Native comparison of whole blocks first, then characters within the first block that differs.
  const BLOCK = 4096;
  let prefix = 0;
  while (prefix + BLOCK <= limit && a.slice(prefix, prefix + BLOCK) === b.slice(prefix, prefix + BLOCK)) prefix += BLOCK;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  const room = limit - prefix;
  while (suffix + BLOCK <= room && a.slice(a.length - suffix - BLOCK, a.length - suffix) === b.slice(b.length - suffix - BLOCK, b.length - suffix)) suffix += BLOCK;
  while (suffix < room && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return [prefix, suffix];
}

function shifted(unit: Unit, by: number): Unit {
  return by === 0 ? unit : { start: unit.start + by, end: unit.end + by, text: unit.text, kind: unit.kind };
}

function moved(chunk: Chunk, by: number): Chunk {
  if (by === 0) return chunk;
  return { start: chunk.start + by, end: chunk.end + by, parsed: chunk.parsed, units: chunk.units.map((unit) => shifted(unit, by)) };
}

