/** A fixture of our own shaped like a real export (issue 22): not copied from any file. */
import type { DetectedLanguage } from "../../src/core/language";

/**
 * An NPS export as R writes it: `NA` in most comment cells, a few empty ones, non-answers, French answers, emoji, and
 * answers; the score column groups it. 1,000 rows: several slices of each kind. `french: false` writes those rows'
 * answers as `NA` too (for runs whose language detector is not the test's).
 */
export function rExport({ french = true } = {}): { text: string; expected: { scored: number; reasons: Record<string, number> } } {
  const rows = ['"id","nps","group","comment"'];
  const reasons: Record<string, number> = { "missing:NA": 0, empty: 0, "non-answer": 0, "language:French": 0, "no-words": 0 };
  let scored = 0;
  for (let i = 1; i <= 1000; i++) {
    const group = i % 3 === 0 ? "Promoter" : i % 3 === 1 ? "Detractor" : "Passive";
    let comment: string;
    if (i % 10 < 7) [comment, reasons["missing:NA"]] = ["NA", reasons["missing:NA"] + 1];
    else if (i % 50 === 7) [comment, reasons.empty] = ['""', reasons.empty + 1];
    else if (i % 50 === 8) [comment, reasons["non-answer"]] = ['"No comment."', reasons["non-answer"] + 1];
    else if (i % 50 === 9 && !french) [comment, reasons["missing:NA"]] = ["NA", reasons["missing:NA"] + 1];
    else if (i % 50 === 9) [comment, reasons["language:French"]] = ['"Très bien, merci"', reasons["language:French"] + 1];
    else if (i % 50 === 17) [comment, reasons["no-words"]] = ['"\u{1F621}"', reasons["no-words"] + 1];
    else {
      comment = group === "Promoter" ? '"Great service, friendly and fast"' : '"Terrible wait, rude staff, never again"';
      scored++;
    }
    rows.push(`${i},${group === "Promoter" ? 10 : group === "Detractor" ? 2 : 8},"${group}",${comment}`);
  }
  if (!french) delete reasons["language:French"];
  return { text: rows.join("\n") + "\n", expected: { scored, reasons } };
}

/** A test's language detector: "merci" is French, and nothing else can be placed. */
export function frenchByMerci(text: string): DetectedLanguage | undefined {
  return /merci/.test(text) ? { code: "fr", name: "French", confidence: 0.9 } : undefined;
}

