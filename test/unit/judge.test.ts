import { strict as assert } from "node:assert";
import {
  compileRules,
  DEFAULT_MISSING_MARKERS,
  DEFAULT_NON_ANSWERS,
  describeNotScored,
  judgeText,
  normalizeAnswer,
  notScored,
  notScoredLabel,
  type JudgeRules,
} from "../../src/core/judge";
import type { DetectedLanguage } from "../../src/core/language";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers";

/** A detector for the tests: a few words name their language, anything else cannot be placed. */
function fakeDetector(text: string): DetectedLanguage | undefined {
  if (/\b(très|merci|le|la)\b/i.test(text)) return { code: "fr", name: "French", confidence: 0.9 };
  if (/\b(muy|gracias|el)\b/i.test(text)) return { code: "es", name: "Spanish", confidence: 0.9 };
  if (/\b(the|and|was)\b/i.test(text)) return { code: "en", name: "English", confidence: 0.9 };
  return undefined;
}

const FEEDBACK: JudgeRules = { missing: DEFAULT_MISSING_MARKERS, nonAnswers: DEFAULT_NON_ANSWERS };

describe("what is not an answer (core/judge)", () => {
  it("blank texts are empty", () => {
    for (const text of ["", "   ", "\t\r\n"]) assert.deepEqual(judgeText(text, FEEDBACK), { reason: "empty" }, JSON.stringify(text));
  });

  it("missing-value markers, any case, trimmed; the detail is the marker as written", () => {
    const cases: [string, string][] = [
      ["NA", "NA"],
      [" na ", "na"],
      ["N/A", "N/A"],
      ["NaN", "NaN"],
      ["null", "null"],
      ["NULL", "NULL"],
      ["n/a", "n/a"],
      ["None", "None"],
      ["-", "-"],
      [".", "."],
      ["#N/A", "#N/A"],
    ];
    for (const [text, detail] of cases) assert.deepEqual(judgeText(text, FEEDBACK), { reason: "missing", detail }, text);
  });

  it("markers are the setting's: an empty list marks nothing, a custom one marks its own", () => {
    assert.equal(judgeText("NA", { missing: [], noWords: false }), undefined);
    assert.deepEqual(judgeText("n.v.", { missing: ["n.v."] }), { reason: "missing", detail: "n.v." });
    assert.deepEqual(judgeText("NA", { missing: [], nonAnswers: DEFAULT_NON_ANSWERS }), { reason: "non-answer", detail: "NA" }, "na is also a non-answer");
  });

  it("short non-answers, whatever their case, quotes and trailing punctuation", () => {
    for (const text of ["No", "no", "No.", "none!", "NOTHING", "No comment", "no comment.", "Nope", "Nothing to add.", "Not at this time", "nothing else", "No thanks!", "“None”", "No  comment", "I don’t know", "N/A.", "None!"]) {
      const why = judgeText(text, FEEDBACK);
      assert.equal(why?.reason, "non-answer", text);
      assert.equal(why?.detail, text.trim(), text);
    }
  });

  it("answers that only start like a non-answer are scored", () => {
    for (const text of ["No, the crew was rude", "Nothing worked", "None of the staff helped", "no comment on the food, the service was slow", "Not bad"]) {
      assert.equal(judgeText(text, FEEDBACK), undefined, text);
    }
  });

  it("nothing the model can read: emoji only, symbols, numbers (no letter at all)", () => {
    for (const text of ["😡", "👎👎", "😍", "🙂 🙂", "!!!", "???", "10", "5/5", "+1", "€15", "— —"]) {
      assert.deepEqual(judgeText(text, FEEDBACK), { reason: "no-words" }, text);
    }
    // A word with an emoji is read: the model sees the word.
    assert.equal(judgeText("great 😍", FEEDBACK), undefined);
    assert.equal(judgeText("😡", { noWords: false }), undefined, "noWords: false scores it");
  });

  it("letters of any script count as words", () => {
    for (const text of ["すごい", "Отлично", "ممتاز", "好"]) assert.notEqual(judgeText(text, FEEDBACK)?.reason, "no-words", text);
  });

  it("a language the model does not read, by the detector given; undefined from the detector scores the text", () => {
    const rules: JudgeRules = { ...FEEDBACK, detect: fakeDetector };
    assert.deepEqual(judgeText("Très bien, merci", rules), { reason: "language", detail: "French" });
    assert.deepEqual(judgeText("Muy bien, gracias", rules), { reason: "language", detail: "Spanish" });
    assert.equal(judgeText("The crew was kind", rules), undefined, "English: the default language");
    assert.equal(judgeText("Good", rules), undefined, "the detector cannot place it: scored as before");
    // A model that reads French and English.
    assert.equal(judgeText("Très bien, merci", { ...rules, languages: ["en", "FR"] }), undefined);
    assert.deepEqual(judgeText("The crew was kind", { ...rules, languages: ["fr"] }), { reason: "language", detail: "English" });
    // Markers and non-answers come first: they are not sent to the detector.
    let asked = 0;
    judgeText("NA", { ...FEEDBACK, detect: (text) => (asked++, fakeDetector(text)) });
    assert.equal(asked, 0);
  });

  it("compiled rules judge the same as plain ones", () => {
    const compiled = compileRules({ ...FEEDBACK, detect: fakeDetector });
    for (const text of ["NA", "No.", "😡", "Très bien, merci", "The crew was kind", ""]) {
      assert.deepEqual(judgeText(text, compiled), judgeText(text, { ...FEEDBACK, detect: fakeDetector }), text);
    }
  });

  it("normalises answers for matching", () => {
    assert.equal(normalizeAnswer("  “No comment.”  "), "no comment");
    assert.equal(normalizeAnswer("N/A!"), "n/a");
    assert.equal(normalizeAnswer("I don’t  know..."), "i don't know");
  });

  it("one object per reason and detail, frozen", () => {
    assert.equal(notScored("missing", "NA"), notScored("missing", "NA"));
    assert.ok(Object.isFrozen(notScored("empty")));
  });

  it("labels and the one-line summary, largest first, non-answers together", () => {
    assert.equal(notScoredLabel({ reason: "language", detail: "French" }), "French");
    assert.equal(notScoredLabel({ reason: "missing", detail: "NA" }), "missing (NA)");
    assert.equal(notScoredLabel({ reason: "non-answer", detail: "No" }), "no answer");
    const reasons = [
      ...Array.from({ length: 10115 }, () => notScored("missing", "NA")),
      ...Array.from({ length: 412 }, () => notScored("language", "French")),
      notScored("non-answer", "No"),
      notScored("non-answer", "none"),
      notScored("no-words"),
    ];
    assert.equal(describeNotScored(reasons), "10,115 missing (NA), 412 in French, 2 no answer, 1 without words: not scored");
    assert.equal(describeNotScored([]), "");
    const markers = ["None", "NA", "N/A", "none", "NA", "-", "."].map((marker) => notScored("missing", marker));
    assert.equal(describeNotScored(markers), "7 missing (None, NA, N/A, -, …): not scored", "markers together, any case as one, most used first");
    const languages = ["French", "German", "Spanish", "Italian", "Dutch", "Polish", "Czech", "Danish"].map((name) => notScored("language", name));
    assert.equal(describeNotScored(languages), "1 in French, 1 in German, 1 in Spanish, 1 in Italian, 1 in Dutch, 1 in Polish, 2 other: not scored");
  });

  it("the settings' defaults in package.json are the core's lists", () => {
    const properties = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).contributes.configuration.properties;
    assert.deepEqual(properties["inlineSentiment.feedback.missingMarkers"].default, DEFAULT_MISSING_MARKERS);
    assert.deepEqual(properties["inlineSentiment.feedback.nonAnswers"].default, DEFAULT_NON_ANSWERS);
    assert.equal(properties["inlineSentiment.feedback.scoreAll"].default, false);
  });
});
