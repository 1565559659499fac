import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { detectLanguage, MIN_LETTERS, modelLanguagesOf, readsLanguage } from "../../src/core/language";
import { EngineClient } from "../../src/engine/engineClient";
import { MINI_MODEL, ROOT, WORKER, sharedFile, spec } from "./helpers";
import { engineThread } from "../../src/engine/node/threads";

/** Short answers as people write them in feedback forms (our own sentences), by language. */
const SHORT: [string, string, string][] = [
  ["fr", "French", "Le personnel était très aimable, merci beaucoup"],
  ["fr", "French", "Chambre sale et bruyante, je ne reviendrai pas."],
  ["de", "German", "Das Essen war kalt und der Kellner unfreundlich."],
  ["de", "German", "Sehr schönes Hotel, gerne wieder!"],
  ["es", "Spanish", "El servicio fue excelente, volveremos pronto"],
  ["es", "Spanish", "Muy mala atención, nadie contestaba el teléfono"],
  ["pt", "Portuguese", "O quarto estava limpo e o café da manhã ótimo"],
  ["pt", "Portuguese", "Não gostei, o atendimento foi muito demorado"],
  ["it", "Italian", "La colazione era buonissima e il personale gentile"],
  ["nl", "Dutch", "Het eten was lekker maar de bediening traag"],
  ["id", "Indonesian", "Pelayanannya ramah banget, makanannya juga enak"],
  ["id", "Indonesian", "Kamarnya kotor dan AC tidak dingin, kecewa sekali"],
  ["ja", "Japanese", "スタッフの対応がとても丁寧でした"],
  ["zh", "Chinese", "房间很干净，服务也很好，下次还会再来"],
  ["ru", "Russian", "Отличный сервис, всем рекомендую!"],
  ["ar", "Arabic", "الخدمة ممتازة والموظفين متعاونين جدا"],
  // Other scripts need fewer letters (never English); a number inside a sentence without spaces takes nothing else.
  ["zh", "Chinese", "很好用"],
  ["ja", "Japanese", "とても良い"],
  ["zh", "Chinese", "等了2个小时才上菜，太慢了"],
  // ELD calls these Tagalog; their words are Indonesian.
  ["id", "Indonesian", "Bagus banget"],
  ["id", "Indonesian", "Sangat bagus, mantap"],
  // Written in mathematical letters, as some app reviews are.
  ["id", "Indonesian", "𝐵𝑎𝑔𝑢𝑠 𝑘𝑜𝑘 𝑡𝑎𝑝𝑖 𝑠𝑒𝑘𝑎𝑟𝑎𝑛𝑔 𝑠𝑒𝑟𝑖𝑛𝑔 𝑒𝑟𝑜𝑟"],
];

/** English answers that must never be called another language (undefined is fine: scored as before). */
const ENGLISH: string[] = [
  "ok",
  "Great service!",
  "thx",
  "no",
  "N/A",
  "Nope",
  "Gracias",
  "@united thanks for the help http://t.co/abc123",
  "@JetBlue Gerne :)",
  "@SouthwestAir flight 1041 to Savannah, GA",
  "@AmericanAir .. UMM hello?",
  "@VirginAmerica fav airline #bestairlineever",
  "a tender, heartfelt family drama.",
  "Loved it, the crew were great and the seats comfy",
  "The food was cold and the flight was delayed 3 hours",
  // Real short survey answers that ELD alone calls French, Spanish or Slovak.
  "Error messages",
  "Cryptic error messages",
  "Uninterpretable errors",
  "RStudio IDE",
  "reusable scripts",
  "Visualisation, rmarkdown",
  "@SouthwestAir @love_dragonss AHHHH YES LAUREN",
  // Names and titles: all words capitalised.
  "@VirginAmerica Grand Budapest Hotel #OscarsCountdown",
  "Core Syntax",
  "@JetBlue.  Punta Cana, to enjoy weather n see my wifes family",
  // Styled and full-width letters (Japanese to ELD as they are) are read as the plain ones.
  "𝐓𝐡𝐞 𝐬𝐞𝐫𝐯𝐢𝐜𝐞 𝐰𝐚𝐬 𝐠𝐫𝐞𝐚𝐭 𝐭𝐨𝐝𝐚𝐲",
  "Ｔｈｅ ｆｏｏｄ ｗａｓ ｇｏｏｄ ａｎｄ ｃｈｅａｐ",
];

describe("language detection (core/language, ELD)", () => {
  for (const [code, name, text] of SHORT) {
    it(`${name}: "${text}"`, () => {
      const found = detectLanguage(text);
      assert.ok(found, "not placed");
      assert.deepEqual([found.code, found.name], [code, name]);
      assert.ok(found.confidence > 0 && found.confidence <= 1, `confidence ${found.confidence}`);
    });
  }

  it("English short answers stay English or unplaced, never another language", () => {
    for (const text of ENGLISH) {
      const found = detectLanguage(text);
      assert.ok(found === undefined || found.code === "en", `${JSON.stringify(text)} read as ${found?.name}`);
    }
  });

  it("texts too short to tell are not placed; a full English sentence is English", () => {
    for (const text of ["ok", "thx", "no", "Merci", "Danke", "Gracias!", "👍👍", "12345 67890 12345", ""]) {
      assert.equal(detectLanguage(text), undefined, JSON.stringify(text));
    }
    assert.ok(MIN_LETTERS > "Gracias".length);
    assert.equal(detectLanguage("The staff were friendly and the room was clean.")?.code, "en");
  });

  it("links, mentions, hashtags and numbers do not count as words", () => {
    // Only mentions, links and numbers: nothing to read.
    assert.equal(detectLanguage("@united @delta http://t.co/xyz 1041 #fail"), undefined);
    // A Spanish answer among them is still Spanish.
    assert.equal(detectLanguage("@iberia el vuelo IB3166 llegó con dos horas de retraso http://t.co/x")?.code, "es");
  });

  it("mixed-language text gets its main language", () => {
    assert.equal(detectLanguage("Great hotel! The staff were lovely and the breakfast was excellent. Merci beaucoup!")?.code, "en");
    assert.equal(detectLanguage("Super hôtel, le personnel était adorable et le petit déjeuner excellent. Thanks!")?.code, "fr");
  });

  it("a long paragraph gets the language most of it is in, wherever the other language is", () => {
    const english =
      "We stayed four nights in the old town and would happily go back. The room was small but spotless, the bed was " +
      "comfortable, and the window opened onto a quiet courtyard, so we slept well despite the busy street outside. " +
      "Breakfast was simple: fresh bread, local cheese, fruit and very good coffee, served until eleven, which suited " +
      "us. The staff at the desk gave us a map, marked the places worth seeing, and booked a table for us at a small " +
      "restaurant nearby that we would never have found alone. The only downside was the lift, which was out of order " +
      "for two days, and our room was on the fourth floor. Parking is expensive, so come by train if you can: the " +
      "station is a ten minute walk away. ";
    const french = "Le personnel était adorable et le petit déjeuner excellent, nous reviendrons l'année prochaine avec plaisir. ";
    // Over 700 characters, the text is read in three slices: the first one is mostly French here.
    assert.ok(english.length > 600 && french.length * 2 > 200);
    assert.equal(detectLanguage(french.repeat(2) + english)?.code, "en");
    assert.equal(detectLanguage(english + french.repeat(2))?.code, "en");
    const frenchParagraph = french.repeat(4) + english.slice(0, 200) + french.repeat(4);
    assert.equal(detectLanguage(frenchParagraph)?.code, "fr");
  });

  it("a text close to one of the model's languages is left to the model", () => {
    // Portuguese and Spanish are close: for a model that reads Spanish, this Portuguese text is not taken away unless
    // Portuguese leads clearly; for an English model it is plainly not English.
    const text = "O atendimento foi bom";
    assert.equal(detectLanguage(text)?.code, "pt");
    const forSpanish = detectLanguage(text, ["es"]);
    assert.ok(forSpanish === undefined || forSpanish.code === "pt");
    assert.equal(detectLanguage("El personal fue muy amable", ["es"])?.code, "es");
  });

  it("loads ELD's tables at the first text, not with the module (a host that never detects does not pay for them)", () => {
    const script =
      'const language = require("./src/core/language");' +
      'const loaded = () => Object.keys(require.cache).some((file) => file.includes("/node_modules/eld/"));' +
      "const before = loaded();" +
      'language.detectLanguage("Le personnel était très aimable");' +
      "console.log(JSON.stringify([before, loaded()]));";
    const output = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8" });
    assert.deepEqual(JSON.parse(output), [false, true]);
  });

  it("readsLanguage: the model's languages (English when undeclared) and unplaced texts are read", () => {
    const french = { code: "fr", name: "French", confidence: 0.8 };
    const indonesian = { code: "id", name: "Indonesian", confidence: 0.8 };
    assert.equal(readsLanguage(undefined, undefined), true);
    assert.equal(readsLanguage(undefined, { code: "en", name: "English", confidence: 0.8 }), true);
    assert.equal(readsLanguage(undefined, french), false);
    assert.equal(readsLanguage([], french), false);
    assert.equal(readsLanguage(["en", "fr"], french), true);
    assert.equal(readsLanguage(["ms"], indonesian), true);
  });

  it("modelLanguagesOf reads config.json's language (string or list) or languages, as ISO 639-1 codes", () => {
    assert.equal(modelLanguagesOf({ id2label: {} }), undefined);
    assert.deepEqual(modelLanguagesOf({ language: "en" }), ["en"]);
    assert.deepEqual(modelLanguagesOf({ language: ["en", "FR", "pt-BR", "es_MX", "multilingual", "deu", 7] }), ["en", "fr", "pt", "es"]);
    assert.deepEqual(modelLanguagesOf({ languages: ["de"] }), ["de"]);
    assert.equal(modelLanguagesOf({ language: "multilingual" }), undefined);
  });

  it("English tweets (airline, 14,640) are called another language in well under 1 % of cases", function () {
    const rows = parse(readFileSync(sharedFile(this, "data", "airline-tweets.csv")), { columns: true, bom: true }) as { text: string }[];
    const other = rows.filter((row) => {
      const found = detectLanguage(row.text);
      return found !== undefined && found.code !== "en";
    });
    // Measured 0.05 % (7 of 14,640; docs/LANGUAGE.md); the bound leaves room, and still fails well before 1 %.
    assert.ok(other.length / rows.length < 0.002, `${other.length} of ${rows.length}: ${other.slice(0, 5).map((r) => r.text).join(" | ")}`);
  });
});

describe("the model's languages, from its folder (engine worker)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "inline-sentiment-languages-"));
    mkdirSync(join(dir, "onnx"));
    for (const file of ["tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx"]) copyFileSync(join(MINI_MODEL, file), join(dir, file));
    const config = JSON.parse(readFileSync(join(MINI_MODEL, "config.json"), "utf8"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, language: ["en", "fr", "de-CH"] }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the bundled mini model declares none (English); a folder whose config.json lists languages reads them", async () => {
    for (const [folder, expected] of [[MINI_MODEL, undefined], [dir, ["en", "fr", "de"]]] as const) {
      const engine = new EngineClient(engineThread(WORKER), spec(folder));
      try {
        const info = await engine.modelInfo();
        assert.deepEqual(info.languages, expected);
      } finally {
        await engine.dispose();
      }
    }
  });
});
