/**
 * Which units are not scored, and why (settings `feedback.*` with the model's languages): part of the units step.
 * Each paragraph text is judged once while the rules hold. Pure: no `vscode`.
 */
import { LruCache } from "../../core/cache";
import { compileRules, judgeText, notScored, type CompiledRules, type RuleSettings } from "../../core/judge";
import type { DetectedLanguage } from "../../core/language";
import type { NotScored } from "../../core/notScored";
import type { Granularity } from "../../core/segment";
import { forSliced } from "../../core/slices";
import type { Unit } from "../../core/types";
import type { ModelInfo } from "../../engine/engineProtocol";
import { hostPause } from "../turns";
import type { NotScoredUnits } from "./source";

/** Texts whose judgement is remembered: as many as the score cache holds, and as many characters of them. */
const JUDGED_ENTRIES = 50_000;
const JUDGED_CHARS = 32 * 1024 * 1024;

/** The language of each text (found in the table worker, off the host's thread); undefined: cannot tell. */
export type LanguageFinder = (texts: readonly string[]) => Promise<(DetectedLanguage | undefined)[]>;

export class Judging {
  /** Which units are not scored (settings `feedback.*`); the model's languages are added per run. */
  private rules: RuleSettings = {};
  /** Per paragraph text: why it is not scored (null: it is scored). Emptied when the rules or the model change. */
  private readonly judged = new LruCache<string, NotScored | null>(JUDGED_ENTRIES, (text) => text.length, JUDGED_CHARS);
  /** The compiled rules of prose for the current settings and model, made when first needed. */
  private compiled: { languages?: readonly string[]; prose: CompiledRules } | undefined;

  constructor(
    /** The model scores come from: its languages are part of the rules. */
    private readonly model: () => Promise<ModelInfo>,
    private readonly findLanguages: LanguageFinder,
    private granularity: Granularity,
  ) {}

  /** New settings (`feedback.missingMarkers`, `nonAnswers`, `scoreAll`); the caller re-analyses. */
  setRules(rules: RuleSettings): void {
    this.rules = rules;
    this.reset();
  }

  /** A new unit size: markers and non-answers apply to lines only. */
  setGranularity(granularity: Granularity): void {
    this.granularity = granularity;
    this.reset();
  }

  /** The rules a table's rows are judged by in the table worker: the settings' with the model's languages. */
  async rowRules(): Promise<RuleSettings> {
    const model = await this.model();
    return { ...this.rules, ...(model.languages && { languages: model.languages }) };
  }

  /**
   * Splits segmented units into those to score and those not, each text judged once while the rules hold. The cheap
   * rules run here, a few milliseconds per event-loop turn; the languages of the texts not judged yet are found in
   * the table worker, in one request: the detector's tables (tens of megabytes, most of a second to load) never load
   * on the host's thread. If the worker cannot answer, those texts are scored (as a text the detector cannot place).
   */
  async judgeProse(units: readonly Unit[]): Promise<{ units: Unit[]; notScored?: NotScoredUnits }> {
    const rules = await this.proseRules();
    const pause = hostPause();
    /** Per unit: why it is not scored, null when it is, undefined while its language is still to be found. */
    const whys = new Array<NotScored | null | undefined>(units.length);
    const unknown = new Set<string>();
    await forSliced(
      units,
      pause,
      (unit, i) => {
        let why = this.judged.get(unit.text);
        if (why === undefined) {
          why = judgeText(unit.text, rules) ?? null;
          if (why === null && this.rules.language) {
            unknown.add(unit.text);
            return;
          }
          this.judged.set(unit.text, why);
        }
        whys[i] = why;
      },
      64,
    );
    if (unknown.size > 0) {
      const texts = [...unknown];
      const found = await this.findLanguages(texts).catch(() => texts.map(() => undefined));
      const decided = new Map<string, NotScored | null>();
      texts.forEach((text, k) => {
        const language = found[k];
        const why = language && !rules.languages.has(language.code.toLowerCase()) ? notScored("language", language.name) : null;
        decided.set(text, why);
        this.judged.set(text, why);
      });
      units.forEach((unit, i) => {
        if (whys[i] === undefined) whys[i] = decided.get(unit.text) ?? null;
      });
    }
    const kept: Unit[] = [];
    const skipped: NotScoredUnits = { units: [], reasons: [] };
    await forSliced(
      units,
      pause,
      (unit, i) => {
        const why = whys[i];
        if (!why) kept.push(unit);
        else {
          skipped.units.push(unit);
          skipped.reasons.push(why);
        }
      },
      1024,
    );
    return { units: kept, ...(skipped.units.length > 0 && { notScored: skipped }) };
  }

  /**
   * The rules a paragraph is judged by: its language and whether it has words. Markers and non-answers are for
   * answers, so they apply only at granularity "line" (one answer per line, a pasted feedback list). Compiled without
   * the detector: languages are found in the table worker (see judgeProse).
   */
  private async proseRules(): Promise<CompiledRules> {
    const model = await this.model();
    if (this.compiled && this.compiled.languages === model.languages) return this.compiled.prose;
    const line = this.granularity === "line";
    const prose = compileRules({
      ...this.rules,
      missing: line ? this.rules.missing : [],
      nonAnswers: line ? this.rules.nonAnswers : [],
      languages: model.languages,
    });
    this.judged.clear();
    this.compiled = { languages: model.languages, prose };
    return prose;
  }

  private reset(): void {
    this.compiled = undefined;
    this.judged.clear();
  }
}
