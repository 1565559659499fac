/**
 * Which texts are not given a sentiment, and why (issue 22): missing-value markers, short non-answers, texts in a
 * language the model does not read, and texts with nothing the model can read. Pure: no `vscode`, no `node:`; the
 * table worker, the editor host, the web build and the CLI share it.
 */
import type { DetectedLanguage } from "./language";
import type { NotScored, NotScoredReason } from "./notScored";

/** The missing-value markers spreadsheet programs, R, pandas and survey tools write in an empty cell (NR: "no response"). */
export const DEFAULT_MISSING_MARKERS: readonly string[] = ["NA", "N/A", "NaN", "null", "None", "NR", "-", "--", ".", "#N/A", "(blank)"];

/**
 * Short answers that say there is nothing to say (English: the model's language). Matched as the whole answer, after
 * case, outer spaces, quotes and trailing punctuation are set aside ("No." and "none!" match "no" and "none").
 */
export const DEFAULT_NON_ANSWERS: readonly string[] = [
  "no",
  "nope",
  "nah",
  "none",
  "nothing",
  "nil",
  "n/a",
  "na",
  "no comment",
  "no comments",
  "no thanks",
  "no thank you",
  "not really",
  "nothing to add",
  "nothing else",
  "nothing more",
  "nothing at all",
  "not at this time",
  "not at the moment",
  "none at this time",
  "none at all",
  "no other comments",
  "no further comments",
  "no additional comments",
  "not applicable",
  "no answer",
  "idk",
  "i don't know",
  "don't know",
  "dont know",
  "no idea",
  "none that i can think of",
  "nothing comes to mind",
];

/**
 * The rules as plain data (settings, a table worker's request): judgeText's rules without the detector function;
 * `language` asks the one who judges to use its detector.
 */
export interface RuleSettings {
  missing?: readonly string[];
  nonAnswers?: readonly string[];
  languages?: readonly string[];
  language?: boolean;
  noWords?: boolean;
}

/** Everything scored as before (`feedback.scoreAll`, `--score-all`): only a blank text is left out. */
export const SCORE_ALL: RuleSettings = Object.freeze({ noWords: false, language: false });

/** What judgeText looks for. */
export interface JudgeRules {
  /** Missing-value markers, matched as the whole text (trimmed, any case). Empty or absent: none. */
  missing?: readonly string[];
  /** Non-answers, matched as the whole text once normalised (see `normalizeAnswer`). Empty or absent: none. */
  nonAnswers?: readonly string[];
  /**
   * ISO 639-1 codes of the languages the model reads (ModelInfo.languages); absent: English only. A text the detector
   * places in another language is not scored.
   */
  languages?: readonly string[];
  /** Finds a text's language; absent: no language rule. Undefined from it: cannot tell, so the text is scored. */
  detect?: (text: string) => DetectedLanguage | undefined;
  /** Texts without a letter (emoji only, symbols, numbers) are not scored. Default true. */
  noWords?: boolean;
}

/** A text's reason not to be scored, shared per (reason, detail) so that 10,000 `NA` rows hold one object. */
const interned = new Map<string, NotScored>();

/** The NotScored for a reason and detail, one object per pair (callers must not change it). */
export function notScored(reason: NotScoredReason, detail?: string): NotScored {
  const key = detail === undefined ? reason : `${reason}\u0000${detail}`;
  let one = interned.get(key);
  if (!one) {
    one = Object.freeze(detail === undefined ? { reason } : { reason, detail });
    // Bounded: details are markers, non-answers and language names, but a user's lists could be long.
    if (interned.size < 10_000) interned.set(key, one);
  }
  return one;
}

/** Texts longer than this are never a marker or a non-answer (the longest default is 30 characters). */
const MAX_MATCHED = 80;

/** A letter of any script: a text with none has nothing the model can read. */
const LETTER = /\p{L}/u;

/**
 * The answer as compared with the non-answers: lower case, curly quotes and apostrophes straightened, white space runs
 * as one space, and quotes, brackets and punctuation at either end set aside ("No." -> "no", "'None!'" -> "none",
 * "N/A." -> "n/a").
 */
export function normalizeAnswer(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, " ")
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, "");
}

/** Rules made ready for many texts: markers by their trimmed lower case, non-answers normalised, as sets. */
export interface CompiledRules {
  compiled: true;
  missing: ReadonlySet<string>;
  nonAnswers: ReadonlySet<string>;
  languages: ReadonlySet<string>;
  detect?: (text: string) => DetectedLanguage | undefined;
  noWords: boolean;
}

/** Prepares rules for many texts (judgeText compiles them itself when given plain rules). */
export function compileRules(rules: JudgeRules): CompiledRules {
  const missing = new Set((rules.missing ?? []).map((marker) => marker.trim().toLowerCase()).filter((key) => key !== ""));
  const nonAnswers = new Set((rules.nonAnswers ?? []).map(normalizeAnswer).filter((key) => key !== ""));
  const languages = new Set((rules.languages?.length ? rules.languages : ["en"]).map((code) => code.toLowerCase()));
  return { compiled: true, missing, nonAnswers, languages, detect: rules.detect, noWords: rules.noWords ?? true };
}

/**
 * Why `text` is not to be scored, or undefined when it is. In order: blank (`empty`); a missing-value marker
 * (`missing`, matched as written in any case; detail: the marker as the text has it); a non-answer (`non-answer`,
 * detail: the text trimmed); no letter at all (`no-words`: emoji only, symbols, numbers; the model's vocabulary has no
 * emoji, so `😡` and `😍` would both read as the unknown token and get the same score); a language the model does not
 * read (`language`, detail: its name).
 *
 * Emoji are not read as words (their CLDR names): "pouting face" is no more a sentiment the model learnt than the
 * emoji itself, and an answer of emoji only is rare; an answer with words and emoji is scored on its words.
 */
export function judgeText(text: string, rules: JudgeRules | CompiledRules): NotScored | undefined {
  const compiled = "compiled" in rules ? rules : compileRules(rules);
  const trimmed = text.trim();
  if (trimmed === "") return notScored("empty");
  // Markers and non-answers are short: a long text is never looked up (nor normalised for it).
  if (trimmed.length <= MAX_MATCHED && (compiled.missing.size > 0 || compiled.nonAnswers.size > 0)) {
    if (compiled.missing.has(trimmed.toLowerCase())) return notScored("missing", trimmed);
    // Markers are what programs write, so they match as written; what people write ("None!", "N/A.") is a non-answer.
    if (compiled.nonAnswers.size > 0 && compiled.nonAnswers.has(normalizeAnswer(trimmed))) return notScored("non-answer", trimmed);
  }
  if (compiled.noWords && !LETTER.test(trimmed)) return notScored("no-words");
  if (compiled.detect) {
    const found = compiled.detect(trimmed);
    if (found && !compiled.languages.has(found.code.toLowerCase())) return notScored("language", found.name);
  }
  return undefined;
}

/** How a reason reads after "not scored: " (a badge, a hover, the panel's list): "French", "missing (NA)", "no answer". */
export function notScoredLabel({ reason, detail }: NotScored): string {
  switch (reason) {
    case "empty":
      return "empty";
    case "missing":
      return detail ? `missing (${detail})` : "missing";
    case "non-answer":
      return "no answer";
    case "language":
      return detail ?? "another language";
    case "no-words":
      return "no words";
  }
}

/** Why a reason means no sentiment, in a sentence for a hover. */
export function notScoredWhy({ reason, detail }: NotScored): string {
  switch (reason) {
    case "empty":
      return "The cell is empty: there is nothing to score.";
    case "missing":
      return `"${detail ?? ""}" is a missing-value marker (setting \`inlineSentiment.feedback.missingMarkers\`): the answer is missing, not negative or positive.`;
    case "non-answer":
      return `"${detail ?? ""}" says there is nothing to say (setting \`inlineSentiment.feedback.nonAnswers\`): a sentiment on it would only be noise.`;
    case "language":
      return `This text reads as ${detail ?? "another language"}, which the model does not read: its score would be a guess.`;
    case "no-words":
      return "No letters (emoji, symbols or numbers only): the model reads words, and sees emoji as unknown tokens, so every such text would get the same score.";
  }
}

/**
 * Counts of not-scored units, in the order first seen: by language for `language`, else by reason; `markers` counts
 * the markers of `missing` (by their lower case, spelled as first seen).
 */
export type NotScoredCounts = Map<string, { why: NotScored; count: number; markers?: Map<string, { marker: string; count: number }> }>;

/** Adds one not-scored unit to `counts`. Non-answers count together (their details are the answers themselves). */
export function countNotScored(counts: NotScoredCounts, why: NotScored): void {
  const key = why.reason === "language" ? `language\u0000${why.detail ?? ""}` : why.reason;
  let entry = counts.get(key);
  if (!entry) counts.set(key, (entry = { why: why.reason === "language" ? why : notScored(why.reason), count: 0, ...(why.reason === "missing" && { markers: new Map() }) }));
  entry.count++;
  if (entry.markers && why.detail !== undefined) {
    const marker = entry.markers.get(why.detail.toLowerCase());
    if (marker) marker.count++;
    else entry.markers.set(why.detail.toLowerCase(), { marker: why.detail, count: 1 });
  }
}

/** Markers named in a summary line; more are "…". */
const SHOWN_MARKERS = 4;

/** The reasons shown one by one in a summary line; the rest are summed as "N other". */
const SHOWN_REASONS = 6;

/**
 * One line saying how many units were left out and why, largest first: "10,115 missing (NA), 412 in French, 54 no
 * answer: not scored". Empty when none was.
 */
export function describeNotScored(reasons: Iterable<NotScored>): string {
  const counts: NotScoredCounts = new Map();
  for (const why of reasons) countNotScored(counts, why);
  return describeCounts(counts);
}

/** describeNotScored for counts already gathered. */
export function describeCounts(counts: NotScoredCounts): string {
  if (counts.size === 0) return "";
  const sorted = [...counts.values()].sort((a, b) => b.count - a.count);
  const part = ({ why, count, markers }: { why: NotScored; count: number; markers?: Map<string, { marker: string; count: number }> }) => {
    const n = count.toLocaleString("en");
    if (why.reason === "language") return `${n} in ${why.detail ?? "another language"}`;
    if (why.reason === "no-words") return `${n} without words`;
    if (markers?.size) {
      const named = [...markers.values()].sort((a, b) => b.count - a.count).map((m) => m.marker);
      return `${n} missing (${named.slice(0, SHOWN_MARKERS).join(", ")}${named.length > SHOWN_MARKERS ? ", …" : ""})`;
    }
    return `${n} ${notScoredLabel(why)}`;
  };
  const shown = sorted.slice(0, SHOWN_REASONS).map(part);
  const rest = sorted.slice(SHOWN_REASONS).reduce((sum, entry) => sum + entry.count, 0);
  if (rest > 0) shown.push(`${rest.toLocaleString("en")} other`);
  return `${shown.join(", ")}: not scored`;
}
