/**
 * The languages a model reads, from its folder. Apart from the detector (index.ts) so that the engine worker, which
 * reads model folders, does not load the detector's n-gram tables.
 */

/** The languages a model reads when its folder does not say: the bundled models read English. */
export const DEFAULT_MODEL_LANGUAGES: readonly string[] = ["en"];

/**
 * The languages a model folder's config.json says the model reads: its `language` (string or list, as Hugging Face
 * model cards write it) or `languages`. Region and script subtags are dropped ("en-US", "pt_BR" read "en", "pt");
 * entries that are not ISO 639-1 codes ("multilingual", "eng") are left out. Undefined when the config says nothing
 * usable: the model is then taken to read English only.
 */
export function modelLanguagesOf(config: Readonly<Record<string, unknown>>): readonly string[] | undefined {
  const declared = config.languages ?? config.language;
  const list = typeof declared === "string" ? [declared] : Array.isArray(declared) ? declared : [];
  const codes = new Set<string>();
  for (const entry of list) {
    if (typeof entry !== "string") continue;
    const code = entry.trim().toLowerCase().split(/[-_]/)[0];
    if (/^[a-z]{2}$/.test(code)) codes.add(code);
  }
  return codes.size ? [...codes] : undefined;
}
