/**
 * Which language a text is written in. Pure: runs in Node and in a web worker.
 * PLACEHOLDER until the detector lands (issue 22): answers undefined, so every text is scored as before.
 */

/** A language found in a text. */
export interface DetectedLanguage {
  /** ISO 639-1 code, e.g. "en", "fr". */
  code: string;
  /** Its English name, e.g. "French": what the user is told. */
  name: string;
  /** How sure the detector is, 0 to 1. */
  confidence: number;
}

/**
 * The main language of `text`, or undefined when the text is too short or the detector cannot place it (such texts
 * are scored as before).
 */
export function detectLanguage(_text: string): DetectedLanguage | undefined {
  return undefined;
}
