/**
 * Themes: the words and two-word phrases whose use sets one set of items apart from another (negative items against
 * the rest, positive against the rest), by the weighted log-odds ratio with an informative Dirichlet prior of Monroe,
 * Colaresi and Quinn (2008), "Fightin' Words", section 3.5.1. Raw frequency ranks stop-like words first and plain
 * log-odds ranks rare words first; the prior shrinks rare words' estimates toward the corpus rate and the z-score
 * divides by the estimate's own uncertainty, so a theme ranks high only when it is both frequent and lopsided.
 *
 * Pure and synchronous. Tokenize once (`buildTermIndex`, the costly step: hundreds of milliseconds for 15,000 tweets),
 * then ask for themes of any subset (tens of milliseconds each); see bench/feedback.mts. Callers that must keep a UI
 * thread free run both in a worker.
 */
import type { Polarity } from "../types";
import type { Span } from "../tables/table";
import { words } from "./words";

/** Every word and phrase of a set of texts, with where each occurs; built once, queried per subset. */
export interface TermIndex {
  /** Term id -> term: a word ("delayed") or a phrase of two words joined by a space ("lost bag"). */
  readonly terms: readonly string[];
  /** Term id -> 1 for phrases. */
  readonly phrase: Uint8Array;
  readonly itemCount: number;
  /** Item i's occurrences are entries `offsets[i]` to `offsets[i + 1]` of the three arrays below. */
  readonly offsets: Uint32Array;
  readonly occurrenceTerm: Uint32Array;
  readonly occurrenceStart: Uint32Array;
  readonly occurrenceEnd: Uint32Array;
  /** Term id -> occurrences over all items: the prior's background rates. */
  readonly totals: Float64Array;
  /** Sum of `totals`. */
  readonly totalCount: number;
}

/** A theme of one set against the rest. */
export interface Theme {
  term: string;
  /** True for a two-word phrase. */
  phrase: boolean;
  /** Weighted log-odds z-score: above 1.96, the difference is unlikely to be chance at the 5 % level (two-sided). */
  z: number;
  /** The log-odds ratio itself (prior-smoothed), target versus rest. */
  delta: number;
  /** Occurrences in the target set. */
  count: number;
  /** Occurrences in the rest of the scope. */
  restCount: number;
  /** Items of the scope that contain the term (target and rest), ascending: what clicking the theme filters to. */
  items: number[];
  /** How many of `items` are in the target set. */
  targetItems: number;
}

/** How themes are picked. */
export interface ThemeOptions {
  /** Most themes returned. Default 15. */
  limit?: number;
  /** Fewest occurrences in the target set. Default 3: fewer is an anecdote, not a theme. */
  minCount?: number;
  /** Lowest z-score returned. Default 1.96. */
  minZ?: number;
  /**
   * Weight of the prior, in tokens. Default: the number of tokens compared, so the prior counts as much as the data and
   * each term's prior is its expected count at the whole set's rate (the usual choice in implementations of the method).
   */
  priorWeight?: number;
}

/**
 * Tokenizes every text once (see `words`: stop words, mentions, URLs and numbers left out) and indexes each word and
 * each phrase of two neighbouring content words. A negation counts only as the first word of a phrase ("not happy").
 */
export function buildTermIndex(texts: readonly string[]): TermIndex {
  // Words get ids (negations too, so phrases can be keyed by two ids); a phrase is keyed by its two word ids as one
  // number, so the hot loop builds no strings. `termOf` maps a word id to its term id, assigned on first counting.
  const wordIds = new Map<string, number>();
  const wordTerms: string[] = [];
  const termOf: number[] = [];
  const phraseIds = new Map<number, number>();
  const terms: string[] = [];
  const phraseFlags: number[] = [];
  const offsets = new Uint32Array(texts.length + 1);
  const occTerm: number[] = [];
  const occStart: number[] = [];
  const occEnd: number[] = [];
  const wordOf = (term: string) => {
    let id = wordIds.get(term);
    if (id === undefined) {
      id = wordTerms.length;
      wordIds.set(term, id);
      wordTerms.push(term);
      termOf.push(-1);
    }
    return id;
  };
  const newTerm = (term: string, phrase: boolean) => {
    terms.push(term);
    phraseFlags.push(phrase ? 1 : 0);
    return terms.length - 1;
  };
  for (let i = 0; i < texts.length; i++) {
    offsets[i] = occTerm.length;
    const list = words(texts[i]);
    let previousId = -1;
    for (let j = 0; j < list.length; j++) {
      const w = list[j];
      const id = wordOf(w.term);
      if (!w.negation) {
        let t = termOf[id];
        if (t < 0) t = termOf[id] = newTerm(w.term, false);
        occTerm.push(t);
        occStart.push(w.start);
        occEnd.push(w.end);
        if (previousId >= 0 && !w.breakBefore) {
          const key = previousId * 0x400000 + id;
          let p = phraseIds.get(key);
          if (p === undefined) {
            p = newTerm(`${wordTerms[previousId]} ${w.term}`, true);
            phraseIds.set(key, p);
          }
          occTerm.push(p);
          occStart.push(list[j - 1].start);
          occEnd.push(w.end);
        }
      }
      previousId = id;
    }
  }
  offsets[texts.length] = occTerm.length;
  const totals = new Float64Array(terms.length);
  for (const t of occTerm) totals[t]++;
  return {
    terms,
    phrase: Uint8Array.from(phraseFlags),
    itemCount: texts.length,
    offsets,
    occurrenceTerm: Uint32Array.from(occTerm),
    occurrenceStart: Uint32Array.from(occStart),
    occurrenceEnd: Uint32Array.from(occEnd),
    totals,
    totalCount: occTerm.length,
  };
}

/** Item membership for `themes`: 1 = target, 0 = rest, anything else = outside the comparison. */
export type Membership = Uint8Array;

export const TARGET = 1;
export const REST = 0;
export const OUTSIDE = 2;

/**
 * The themes of the target items against the rest (see `Membership`), best first. Background rates for the prior
 * come from the whole index, so themes of a group are judged against the whole set's vocabulary.
 */
export function themes(index: TermIndex, membership: Membership, options: ThemeOptions = {}): Theme[] {
  const limit = options.limit ?? 15;
  const minCount = options.minCount ?? 3;
  const minZ = options.minZ ?? 1.96;
  const n = index.terms.length;
  const target = new Float64Array(n);
  const rest = new Float64Array(n);
  let targetTotal = 0;
  let restTotal = 0;
  const { offsets, occurrenceTerm } = index;
  for (let i = 0; i < index.itemCount; i++) {
    const m = membership[i];
    if (m !== TARGET && m !== REST) continue;
    const counts = m === TARGET ? target : rest;
    const from = offsets[i];
    const to = offsets[i + 1];
    for (let k = from; k < to; k++) counts[occurrenceTerm[k]]++;
    if (m === TARGET) targetTotal += to - from;
    else restTotal += to - from;
  }
  if (targetTotal === 0 || index.totalCount === 0) return [];
  const a0 = options.priorWeight ?? targetTotal + restTotal;
  const scale = a0 / index.totalCount;
  const picked: { id: number; z: number; delta: number }[] = [];
  for (let t = 0; t < n; t++) {
    const y1 = target[t];
    if (y1 < minCount) continue;
    const y2 = rest[t];
    const a = index.totals[t] * scale;
    // Monroe et al. (2008) eq. 16 and 18: log-odds of the term in each set with the prior added, and their variance.
    const delta = Math.log((y1 + a) / (targetTotal + a0 - y1 - a)) - Math.log((y2 + a) / (restTotal + a0 - y2 - a));
    const z = delta / Math.sqrt(1 / (y1 + a) + 1 / (y2 + a));
    if (z >= minZ) picked.push({ id: t, z, delta });
  }
  picked.sort((x, y) => y.z - x.z || x.id - y.id);
  const top = picked.slice(0, limit);
  const slot = new Map(top.map((p, k) => [p.id, k]));
  const items: number[][] = top.map(() => []);
  const targetItems = top.map(() => 0);
  for (let i = 0; i < index.itemCount; i++) {
    const m = membership[i];
    if (m !== TARGET && m !== REST) continue;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const s = slot.get(occurrenceTerm[k]);
      if (s === undefined) continue;
      const list = items[s];
      if (list[list.length - 1] === i) continue;
      list.push(i);
      if (m === TARGET) targetItems[s]++;
    }
  }
  return top.map((p, k) => ({
    term: index.terms[p.id],
    phrase: index.phrase[p.id] === 1,
    z: p.z,
    delta: p.delta,
    count: target[p.id],
    restCount: rest[p.id],
    items: items[k],
    targetItems: targetItems[k],
  }));
}

/** Themes of negative items and of positive items, each against every other item of the scope. */
export interface PolarityThemes {
  negative: Theme[];
  positive: Theme[];
}

/**
 * Negative-versus-rest and positive-versus-rest themes. `scope` limits the comparison to some items (a group, a
 * filter); by default every item takes part.
 */
export function polarityThemes(
  index: TermIndex,
  polarities: readonly Polarity[],
  options: ThemeOptions & { scope?: Iterable<number> } = {},
): PolarityThemes {
  const inScope = new Uint8Array(index.itemCount);
  if (options.scope) for (const i of options.scope) inScope[i] = 1;
  else inScope.fill(1);
  const versus = (polarity: Polarity) => {
    const membership = new Uint8Array(index.itemCount);
    for (let i = 0; i < index.itemCount; i++) membership[i] = !inScope[i] ? OUTSIDE : polarities[i] === polarity ? TARGET : REST;
    return themes(index, membership, options);
  };
  return { negative: versus("negative"), positive: versus("positive") };
}

/** Polarity themes within each group (items with the same `groupOf` value), keyed by group value. */
export function groupThemes(
  index: TermIndex,
  polarities: readonly Polarity[],
  groupOf: readonly string[],
  options: ThemeOptions = {},
): Map<string, PolarityThemes> {
  const members = new Map<string, number[]>();
  groupOf.forEach((g, i) => {
    const list = members.get(g);
    if (list) list.push(i);
    else members.set(g, [i]);
  });
  const out = new Map<string, PolarityThemes>();
  for (const [g, scope] of members) out.set(g, polarityThemes(index, polarities, { ...options, scope }));
  return out;
}

/** Where a theme occurs in one item's text (for highlighting): for a phrase, from its first word to its last. */
export function themeMatches(index: TermIndex, item: number, term: string): Span[] {
  const out: Span[] = [];
  for (let k = index.offsets[item]; k < index.offsets[item + 1]; k++) {
    if (index.terms[index.occurrenceTerm[k]] === term) out.push({ start: index.occurrenceStart[k], end: index.occurrenceEnd[k] });
  }
  return out;
}
