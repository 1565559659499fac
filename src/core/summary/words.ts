/**
 * Words for themes. Word boundaries are the Unicode ones (UAX #29) from the platform's ICU segmenter,
 * `Intl.Segmenter` with granularity "word"; plain-ASCII texts (most feedback) take a scanner that applies the same
 * rules to ASCII directly, because the segmenter costs about 50 µs per tweet and themes must stay well under a second
 * for 15,000 items. A unit test checks the two agree on every ASCII tweet of the airline set.
 */
import { eng } from "stopword";

/** A word of a text, as a theme term counts it. */
export interface Word {
  /** Lower-cased, curly apostrophes straightened. */
  term: string;
  start: number;
  end: number;
  /** True for negations (not, no, never, n't forms): they only count inside phrases ("not happy"). */
  negation: boolean;
  /** True when punctuation or a left-out token (mention, URL, number) separates it from the previous word. */
  breakBefore: boolean;
}

/**
 * Function words the `stopword` package's English list (108 words, chosen by its authors for search) lacks: pronoun and
 * auxiliary forms and contractions that are frequent in short feedback. Only function words: evaluative words
 * (thanks, good, bad, great, help) are what themes are for and stay in.
 */
const EXTRA_STOP_WORDS = [
  "it's", "its", "i'm", "im", "i've", "ive", "i'd", "i'll", "you're", "you've", "you'll", "you'd", "he's", "she's",
  "we're", "we've", "we'll", "they're", "they've", "they'll", "that's", "there's", "what's", "here's", "let's", "who's",
  "us", "so", "just", "will", "she", "hers", "him", "its", "itself", "ours", "yours", "theirs", "myself", "yourself",
  "ourselves", "themselves", "does", "doing", "done", "having", "shall", "may", "also", "am", "are", "be", "been", "an",
  "the", "then", "there", "these", "this", "those", "until", "upon", "via", "why", "whom", "whose", "off", "down", "again",
  "further", "once", "own", "few", "per", "yet", "etc", "ie", "eg", "amp", "rt", "http", "https", "www", "com",
];

/** Negations: never counted alone, but kept as the first word of a phrase, where they carry the sentiment. */
const NEGATIONS = new Set(["not", "no", "never", "nor", "cannot", "without", "nothing", "nobody", "none", "dont", "didnt", "doesnt", "isnt", "wasnt", "cant", "wont", "couldnt", "wouldnt", "shouldnt", "arent", "werent", "havent", "hasnt", "hadnt"]);

const STOP_WORDS = new Set([...eng, ...EXTRA_STOP_WORDS].filter((w) => !NEGATIONS.has(w)));

/** Whether a term is a stop word (after lower-casing and straightening apostrophes). */
export function isStopWord(term: string): boolean {
  return STOP_WORDS.has(term);
}

/**
 * Spans left out of themes: @mentions, URLs and HTML entities (`&amp;` in tweets). Hashtags are kept
 * as their word ("#fail" counts as "fail"): they are how people tag the very themes sought.
 */
const LEFT_OUT = /https?:\/\/\S+|www\.\S+|@\w+|&(?:amp|lt|gt|quot|apos|#\d+);/giu;

const SEGMENTER = typeof Intl.Segmenter === "function" ? new Intl.Segmenter("en", { granularity: "word" }) : undefined;

/**
 * The content words of a text with their offsets, in order: stop words, mentions, URLs, numbers (any token with a
 * digit: flight numbers, times, prices), and one-letter tokens are left out.
 */
export function words(text: string): Word[] {
  const leftOut: number[] = [];
  if (/[@&]|:\/\/|www\./i.test(text)) {
    for (const m of text.matchAll(LEFT_OUT)) leftOut.push(m.index, m.index + m[0].length);
  }
  const out: Word[] = [];
  let lastEnd = 0;
  let pendingBreak = false;
  let k = 0;
  const take = (start: number, end: number) => {
    while (k < leftOut.length && leftOut[k + 1] <= start) k += 2;
    if (k < leftOut.length && leftOut[k] < end) {
      pendingBreak = true;
      return;
    }
    const lower = text.slice(start, end).toLowerCase();
    const term = lower.includes("\u2019") || lower.includes("\u2018") ? lower.replace(/[\u2018\u2019]/g, "'") : lower;
    const breakBefore = pendingBreak || hasBreak(text, lastEnd, start);
    if (/\d/.test(term)) {
      pendingBreak = true;
      return;
    }
    if (STOP_WORDS.has(term) || term.length < 2) {
      // A stop word joins its neighbours into a phrase ("waited on hold" -> "waited hold"), but punctuation does not.
      if (breakBefore) pendingBreak = true;
      lastEnd = end;
      return;
    }
    const negation = NEGATIONS.has(term) || term.endsWith("n't");
    out.push({ term, start, end, negation, breakBefore });
    pendingBreak = false;
    lastEnd = end;
  };
  if (isAscii(text) || !SEGMENTER) asciiWords(text, take);
  else {
    for (const s of SEGMENTER.segment(text)) if (s.isWordLike) take(s.index, s.index + s.segment.length);
  }
  return out;
}

/** True when the gap between two words holds punctuation that ends a phrase. */
function hasBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x2d || c === 0x27 || c === 0x22 || c === 0x23 || c === 0x2a || c === 0x5f) continue; // space - ' " # * _
    if (c === 0x09 || c === 0xa0) continue;
    return true;
  }
  return false;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7e) return false;
  return true;
}

const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isWordChar = (c: number) => isLetter(c) || isDigit(c) || c === 0x5f;

/**
 * UAX #29 word boundaries restricted to ASCII, as ICU applies them: letters, digits and `_` join (WB5, WB8-10, WB13a/b);
 * `.` `'` `:` join two letters (WB6/7; ICU's root rules count `:` as MidLetter); `.` `,` `;` `'` join two digits
 * (WB11/12). Calls `take` for each word-like segment.
 */
function asciiWords(text: string, take: (start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isWordChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      while (i < n && isWordChar(text.charCodeAt(i))) i++;
      if (i + 1 >= n) break;
      const mid = text.charCodeAt(i);
      const before = text.charCodeAt(i - 1);
      const after = text.charCodeAt(i + 1);
      const letters = isLetter(before) && isLetter(after) && (mid === 0x2e || mid === 0x27 || mid === 0x3a);
      const digits = isDigit(before) && isDigit(after) && (mid === 0x2e || mid === 0x2c || mid === 0x3b || mid === 0x27);
      if (!letters && !digits) break;
      i++;
    }
    take(start, i);
  }
}
