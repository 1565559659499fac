/**
 * Granularity: what one scored unit is. A block (paragraph, list item, block quote) as a whole, each of its lines (one
 * feedback item per line), or each sentence (Intl.Segmenter). Pieces map back to exact source offsets. Pure.
 */
import type { Unit } from "../types";
import { proseOf, toUnit, type Block, type Leaf } from "./blocks";

export type Granularity = "paragraph" | "line" | "sentence";

/** The units of blocks at a granularity. */
export function unitsOf(blocks: readonly Block[], granularity: Granularity): Unit[] {
  if (granularity === "paragraph") return blocks.map(toUnit);
  return blocks.flatMap(granularity === "line" ? splitLines : splitSentences);
}

/**
 * Maps a range of a block's prose back to the source: exact inside exact leaves, otherwise to the ends of the leaves
 * it touches.
 */
function sourceRange(leaves: readonly Leaf[], from: number, to: number): { start: number; end: number } {
  let start = -1;
  let end = -1;
  let at = 0;
  for (const leaf of leaves) {
    const leafFrom = at;
    const leafTo = at + leaf.text.length;
    at = leafTo;
    if (leafTo <= from || leafFrom >= to || leaf.text === "\n") continue;
    const localStart = Math.max(from, leafFrom) - leafFrom;
    const localEnd = Math.min(to, leafTo) - leafFrom;
    if (start < 0) start = leaf.exact ? leaf.start + localStart : leaf.start;
    end = leaf.exact ? leaf.start + localEnd : leaf.end;
  }
  return { start, end };
}

/**
 * Cuts a block's prose into the pieces `pieces` finds, trimmed, each mapped back to the source. Two pieces inside one
 * inexact leaf (an entity such as "&amp;!/" cut into sentences) map to the same source range: they are one unit, so
 * units never overlap.
 */
function split(block: Block, pieces: (prose: string) => Iterable<{ index: number; segment: string }>): Unit[] {
  const prose = proseOf(block.leaves);
  const units: Unit[] = [];
  /** Where the last unit's text starts in the prose. */
  let lastFrom = 0;
  for (const piece of pieces(prose)) {
    const segment = prose.slice(piece.index, piece.index + piece.segment.length);
    const lead = segment.length - segment.trimStart().length;
    const index = piece.index;
    const text = segment.trim();
    if (!text) continue;
    const { start, end } = sourceRange(block.leaves, index + lead, index + lead + text.length);
    if (start < 0) continue;
    const last = units[units.length - 1];
    // A piece that overlaps the last one in the source, or ends inside it (two sentences of one inexact leaf: an
    // entity, an autolink), joins it: a unit always covers source of its own.
    if (last && (start < last.end || end <= last.end)) {
      units[units.length - 1] = { start: last.start, end: Math.max(last.end, end), text: prose.slice(lastFrom, index + lead + text.length).trim(), kind: block.kind };
    } else {
      units.push({ start, end, text, kind: block.kind });
      lastFrom = index + lead;
    }
  }
  return units;
}

function splitLines(block: Block): Unit[] {
  return split(block, (prose) => {
    const lines: { index: number; segment: string }[] = [];
    for (const match of prose.matchAll(/[^\r\n]+/g)) lines.push({ index: match.index, segment: match[0] });
    return lines;
  });
}

const sentences = new Intl.Segmenter(undefined, { granularity: "sentence" });

/**
 * Abbreviations after which Intl.Segmenter ends a sentence that goes on ("Dr. Smith", "J. R. R. Tolkien", "approx. 5"):
 * it has no suppression list (ICU's is not exposed). Not "etc.", which ends sentences as often as not; "No." only
 * before a number, since "No." alone is a whole answer.
 */
const ABBREVIATION = /(?:^|[\s(])(?:mr|mrs|ms|dr|prof|sr|jr|st|mt|vs|approx|inc|ltd|corp|dept|fig|vol|e\.g|i\.e|cf)\.\s*$/i;
const INITIAL = /(?:^|[\s(])\p{Lu}\.\s*$/u;
const NUMBER_SIGN = /(?:^|[\s(])no\.\s*$/i;

/**
 * The sentences of a prose text, as Intl.Segmenter finds them, with a sentence that ends on an abbreviation or an
 * initial joined to the next. Decimals ("3.50") never break. A line break alone does not end a sentence (hard-wrapped
 * prose), so breaks are read as spaces.
 */
export function sentencePieces(prose: string): { index: number; segment: string }[] {
  const pieces: { index: number; segment: string }[] = [];
  for (const { index, segment } of sentences.segment(prose.replace(/[\r\n]/g, " "))) {
    const last = pieces[pieces.length - 1];
    const joins = last && (ABBREVIATION.test(last.segment) || INITIAL.test(last.segment) || (NUMBER_SIGN.test(last.segment) && /^\d/.test(segment)));
    if (joins) last.segment += segment;
    else pieces.push({ index, segment });
  }
  return pieces;
}

function splitSentences(block: Block): Unit[] {
  return split(block, sentencePieces);
}
