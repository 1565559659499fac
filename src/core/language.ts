/**
 * Which language a text is written in. Pure: runs in Node and in a web worker.
 *
 * The detector is ELD (Efficient Language Detector, the `eld` package, its extra-small n-gram database: 60
 * languages), chosen over tinyld, franc-min and lande on real short texts: docs/LANGUAGE.md has the comparison and
 * bench/language.mts measures it. ELD's own answer is only the start: a text is placed in a language only when it has
 * enough words for the answer to mean something, ELD calls its answer reliable, and, when that language is not one
 * the model reads, it leads the model's languages by a clear margin. Otherwise the answer is undefined and the text is
 * scored as before. Measured (docs/LANGUAGE.md): none of 14,485 airline tweets and 872 SST-2 sentences called another
 * language; 0.07-0.34 % of real English survey answers, most of them in fact Spanish.
 */
import type { eld as Eld } from "eld/extrasmall";
import { DEFAULT_MODEL_LANGUAGES } from "./language/modelLanguages";

/** A language found in a text. */
export interface DetectedLanguage {
  /** ISO 639-1 code, e.g. "en", "fr". */
  code: string;
  /** Its English name, e.g. "French": what the user is told. */
  name: string;
  /** How sure the detector is, 0 to 1. */
  confidence: number;
}

export { DEFAULT_MODEL_LANGUAGES, modelLanguagesOf } from "./language/modelLanguages";

/**
 * Fewer letters than this (after links, mentions, hashtags and numbers are set aside) and the text is too short to
 * place: "ok", "thx", "Gracias" are scored as before.
 */
export const MIN_LETTERS = 10;
/** Fewer words (runs of two letters or more) than this and the text is too short to place, in scripts with spaces. */
export const MIN_WORDS = 2;
/**
 * How far (in ELD's 0-1 score) a language the model does not read must lead the best of the model's languages
 * before a text of so many words is said to be in it: short texts need a wider lead. Chosen on real English short
 * answers and tweets against real short texts in seven other languages (docs/LANGUAGE.md): a flat 0.1 called 48 of
 * 1,089 two-word English answers ("Error messages" is French to ELD by 0.101) another language; these leads call 5.
 */
export function marginFor(words: number): number {
  return words <= 2 ? 0.3 : words === 3 ? 0.2 : words <= 5 ? 0.15 : 0.1;
}
/**
 * A Latin text of at most this many words, each capitalised, is a name or a title and is not placed: "@VirginAmerica
 * Grand Budapest Hotel #OscarsCountdown" (an airline tweet) is Hungarian to ELD, "Core Syntax" (a survey answer) Finnish.
 */
export const MAX_TITLE_WORDS = 4;
const TITLE_WORD = /^\p{Lu}/u;
/** A long paragraph is read in its first 4,000 characters (cleaned, then sliced: see SLICE_CHARS). */
const READ_CHARS = 4000;

/** English names of the languages ELD knows (its 60, ISO 639-1), plus Indonesian (see `malayOrIndonesian`). */
const NAMES: Readonly<Record<string, string>> = {
  am: "Amharic", ar: "Arabic", az: "Azerbaijani", be: "Belarusian", bg: "Bulgarian", bn: "Bengali", ca: "Catalan",
  cs: "Czech", da: "Danish", de: "German", el: "Greek", en: "English", es: "Spanish", et: "Estonian", eu: "Basque",
  fa: "Persian", fi: "Finnish", fr: "French", gu: "Gujarati", he: "Hebrew", hi: "Hindi", hr: "Croatian",
  hu: "Hungarian", hy: "Armenian", id: "Indonesian", is: "Icelandic", it: "Italian", ja: "Japanese", ka: "Georgian",
  kn: "Kannada", ko: "Korean", ku: "Kurdish", lo: "Lao", lt: "Lithuanian", lv: "Latvian", ml: "Malayalam",
  mr: "Marathi", ms: "Malay", nl: "Dutch", no: "Norwegian", or: "Odia", pa: "Punjabi", pl: "Polish", pt: "Portuguese",
  ro: "Romanian", ru: "Russian", sk: "Slovak", sl: "Slovenian", sq: "Albanian", sr: "Serbian", sv: "Swedish",
  ta: "Tamil", te: "Telugu", th: "Thai", tl: "Tagalog", tr: "Turkish", uk: "Ukrainian", ur: "Urdu", vi: "Vietnamese",
  yo: "Yoruba", zh: "Chinese",
};

let detector: typeof Eld | undefined;
/**
 * ELD, loaded at the first text rather than with this module: its n-gram tables (1 MB of script) take 0.2-0.9 s and
 * 35 MB of heap to load (docs/LANGUAGE.md), which a host or worker that never detects a language should not pay.
 * esbuild bundles the required module and evaluates it at this call, in Node and in a web worker alike.
 */
function eld(): typeof Eld {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; `import()` would make every caller async
  return (detector ??= (require("eld/extrasmall") as { eld: typeof Eld }).eld);
}

/** The English name of an ISO 639-1 code (the code itself when unknown). */
export function languageName(code: string): string {
  return NAMES[code] ?? code;
}

// Links, e-mail addresses, @mentions and #hashtags, Latin tokens holding a digit ("1041", "4pm", "A320"), and words
// with a capital inside ("RStudio", "IDE", "WhatsApp", "LAUREN") carry no language, or the wrong one: "@JetBlue
// Gerne :)" and "RStudio IDE" are English answers. (Only Latin letters go with a digit: in Chinese or Japanese, which
// have no spaces, "\S*" around a digit would take the whole sentence.) A text all in capitals loses its words this
// way and is not placed: it is scored as before.
const NOISE = /\p{L}\p{Lu}\p{L}*|\bhttps?:\/\/\S*|\bwww\.\S+|[^\s@]+@[^\s@]+\.[^\s@]+|[@#][\p{L}\p{N}_]+|[\p{Script=Latin}\p{N}_]*\p{N}[\p{Script=Latin}\p{N}_]*/gu;
const LETTER = /\p{L}/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;
const WORD = /\p{L}{2,}/gu;
/**
 * Text mostly in another script than Latin (Chinese, Japanese, Cyrillic, Arabic...) is never English: a few letters
 * are enough there ("很好用", "良い"), as long as ELD calls its answer reliable.
 */
export const MIN_LETTERS_OTHER_SCRIPT = 3;
/** The lead a language needs in a text mostly in another script than Latin (see marginFor). */
const MARGIN_OTHER_SCRIPT = 0.1;
/** ELD reads about 350 bytes of a text; longer texts are read in three such slices (start, middle, end). */
const SLICE_CHARS = 350;

/**
 * The words of `text` that say something about its language, spaced: what the detector reads (exported for
 * bench/language.mts, which gives the other candidates the same text).
 */
export function languageText(text: string): string {
  // NFKC folds styled and full-width letters ("𝐓𝐡𝐞 𝐬𝐞𝐫𝐯𝐢𝐜𝐞", "Ｔｈｅ ｆｏｏｄ") to the plain ones ELD knows: full-width
  // English read as it is is Japanese to ELD.
  return text.slice(0, READ_CHARS).normalize("NFKC").replace(NOISE, " ").replace(/\s+/g, " ").trim();
}

/** Up to three slices of about SLICE_CHARS characters (start, middle, end), cut at spaces. */
function slicesOf(text: string): string[] {
  if (text.length <= 2 * SLICE_CHARS) return [text];
  const cut = (from: number) => {
    const space = text.indexOf(" ", from);
    const start = from === 0 || space < 0 ? from : space + 1;
    const end = text.lastIndexOf(" ", start + SLICE_CHARS);
    return text.slice(start, end > start ? end : start + SLICE_CHARS);
  };
  return [cut(0), cut(Math.floor((text.length - SLICE_CHARS) / 2)), cut(text.length - SLICE_CHARS - 1)];
}

function count(text: string, pattern: RegExp): number {
  let n = 0;
  pattern.lastIndex = 0;
  while (pattern.exec(text)) n++;
  return n;
}

// ELD has one language for Malay and Indonesian ("ms"), close kin that people name differently. Words found in one
// and not (or rarely) in the other tell them apart; a text with neither kind stays "ms".
const INDONESIAN = new Set(
  ("karena bahwa bisa mau enak banget nggak enggak ngga gak sih deh dong kok gue gua gw udah aja kayak bikin uang " +
    "cuma lumayan jelek gimana kalo mobil kamar kantor pelayanan waktu harus padahal mending telepon pikir coba " +
    "paham mengerti pemerintah kirim ternyata bahkan setelah layanan pusing mantap").split(" "),
);
const MALAY = new Set(
  ("kerana bahawa mahu boleh sedap tak nak awak wang teruk bilik perkhidmatan pejabat percuma sahaja kat dah je ni " +
    "tu kerajaan telefon fikir cuba faham hantar selepas malah pening rupanya").split(" "),
);
/**
 * Words common to Malay and Indonesian and not Tagalog: ELD calls short Indonesian answers like "Sangat bagus" or
 * "Bagus banget" Tagalog; with one of these words (or a marker above) they are read as Malay/Indonesian.
 */
const MALAY_FAMILY = new Set(
  "sangat bagus tidak saya yang dan ini itu dengan untuk ada aku kamu sudah juga apa kenapa tolong terima kasih baik".split(" "),
);
function malayFamily(text: string): boolean {
  return (text.toLowerCase().match(WORD) ?? []).some((word) => MALAY_FAMILY.has(word) || INDONESIAN.has(word) || MALAY.has(word));
}
function malayOrIndonesian(text: string): "ms" | "id" {
  let vote = 0;
  for (const word of text.toLowerCase().match(WORD) ?? []) {
    // Both languages suffix -nya ("kamarnya", "its room"): the stem tells.
    const stem = word.length > 5 && word.endsWith("nya") ? word.slice(0, -3) : word;
    if (INDONESIAN.has(word) || INDONESIAN.has(stem)) vote++;
    else if (MALAY.has(word) || MALAY.has(stem)) vote--;
  }
  return vote > 0 ? "id" : "ms";
}

/**
 * The main language of `text`, or undefined when the text is too short or the detector cannot place it (such texts
 * are scored as before).
 *
 * `languages` are the languages the model reads (ISO 639-1; default English): a text is placed in another language
 * only when that language leads each of them by `marginFor(words)`, so a text the model can read is not taken from it
 * on a near tie. Mixed-language text gets its main language: in a short text the one most of its words point to; a long
 * one (over 700 characters once links and numbers are set aside) is read in three slices, and gets the language at
 * least two of them are in.
 */
export function detectLanguage(text: string, languages: readonly string[] = DEFAULT_MODEL_LANGUAGES): DetectedLanguage | undefined {
  const clean = languageText(text);
  const letters = count(clean, LETTER);
  const latin = count(clean, LATIN_LETTER);
  let margin = MARGIN_OTHER_SCRIPT;
  if (2 * latin >= letters) {
    const words = clean.match(WORD) ?? [];
    if (letters < MIN_LETTERS || words.length < MIN_WORDS) return undefined;
    // A few words all capitalised are a name or a title ("Grand Budapest Hotel", "Punta Cana"): no language.
    if (words.length <= MAX_TITLE_WORDS && words.every((word) => TITLE_WORD.test(word))) return undefined;
    margin = marginFor(words.length);
  } else if (letters < MIN_LETTERS_OTHER_SCRIPT) return undefined;
  const main = mainLanguage(clean);
  if (!main) return undefined;
  if (main.language === "tl" && malayFamily(clean)) {
    main.scores.ms = main.scores.tl;
    main.language = "ms";
  }
  const top = main.scores[main.language] ?? 0;
  // ELD's "ms" stands for Indonesian too.
  const eldCodes = languages.map((code) => (code === "id" ? "ms" : code));
  if (!eldCodes.includes(main.language)) {
    let rival = 0;
    for (const code of eldCodes) rival = Math.max(rival, main.scores[code] ?? 0);
    if (top - rival < margin) return undefined;
  }
  const code = main.language === "ms" ? malayOrIndonesian(clean) : main.language;
  return { code, name: languageName(code), confidence: top };
}

/**
 * ELD's reliable answer for a text, with every language's score; for a long text, the language most of its three
 * slices give (at least two), with the slices' mean scores. Undefined when ELD is not sure.
 */
function mainLanguage(clean: string): { language: string; scores: Record<string, number> } | undefined {
  const slices = slicesOf(clean);
  if (slices.length === 1) {
    const result = eld().detect(clean);
    return result.language && result.isReliable() ? { language: result.language, scores: result.getScores() } : undefined;
  }
  const votes = new Map<string, number>();
  const sums: Record<string, number> = {};
  for (const slice of slices) {
    const result = eld().detect(slice);
    if (!result.language || !result.isReliable()) continue;
    votes.set(result.language, (votes.get(result.language) ?? 0) + 1);
    for (const [code, score] of Object.entries(result.getScores())) sums[code] = (sums[code] ?? 0) + score / slices.length;
  }
  let language: string | undefined;
  for (const [code, n] of votes) {
    if (n >= 2 && (!language || n > votes.get(language)! || (n === votes.get(language) && sums[code] > sums[language]))) language = code;
  }
  return language ? { language, scores: sums } : undefined;
}

/**
 * Whether a model that reads `languages` (ISO 639-1; undefined: English only) can read a text found to be in
 * `detected` (undefined: not placed, so read as before). Malay and Indonesian count as one language here, as ELD does.
 */
export function readsLanguage(languages: readonly string[] | undefined, detected: DetectedLanguage | undefined): boolean {
  if (!detected) return true;
  const reads = languages && languages.length > 0 ? languages : DEFAULT_MODEL_LANGUAGES;
  if (reads.includes(detected.code)) return true;
  return (detected.code === "id" && reads.includes("ms")) || (detected.code === "ms" && reads.includes("id"));
}

