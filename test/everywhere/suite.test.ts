/**
 * The in-editor checks that hold wherever the extension runs on WebAssembly: the universal VSIX in a Node extension
 * host (no onnxruntime-node in it, so "auto" falls back), and the web build in a web worker extension host. No Node
 * API here (no node:assert): the same file is bundled for both hosts. Every wait is on the extension's own signals.
 */
import * as vscode from "vscode";
import type { InlineSentimentApi } from "../../src/extension";
import type { ModelManifest } from "../../src/models/manifest";
import { analyzeChoosing } from "../integration/columnPick";
import { hoverText } from "../integration/hoverText";
import { xlsxParts } from "../xlsxParts";
import { strToU8, zipSync } from "fflate";

const EXTENSION_ID = "inline-sentiment.inline-sentiment";
/** The units of test/fixtures/workspace/feedback.md, by first line (1-based). */
const FEEDBACK_LINES = [7, 9, 13, 14, 15, 17, 28, 30];

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function sameList(actual: readonly unknown[], expected: readonly unknown[], message: string): void {
  check(JSON.stringify(actual) === JSON.stringify(expected), `${message}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

async function api(): Promise<InlineSentimentApi> {
  const extension = vscode.extensions.getExtension<InlineSentimentApi>(EXTENSION_ID);
  check(extension, `${EXTENSION_ID} is installed`);
  return extension.activate();
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  check(folder, "the suite runs with test/fixtures/workspace open");
  return vscode.Uri.joinPath(folder.uri, name);
}

/** The hover over the text `needle` in a document. */
async function hoverOver(document: vscode.TextDocument, needle: string): Promise<string> {
  const offset = document.getText().indexOf(needle);
  check(offset >= 0, `${needle} is in ${document.uri.path}`);
  return hoverText(document, document.positionAt(offset + 2));
}

/** Whether this extension host is a browser's web worker (no Node `process`). */
const inWebWorker = typeof (globalThis as { process?: unknown }).process === "undefined";

describe(`Inline Sentiment on WebAssembly (${inWebWorker ? "web worker extension host" : "Node extension host"})`, () => {
  afterEach(() => vscode.commands.executeCommand("workbench.action.closeAllEditors"));

  it("activates and registers the commands this host offers", async () => {
    await api();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of ["inlineSentiment.analyze", "inlineSentiment.showPanel", "inlineSentiment.explain"]) check(registered.has(command), command);
  });

  it("scores a markdown document live with the WebAssembly backend; hover and API name it", async () => {
    const sentiment = await api();
    const document = await vscode.workspace.openTextDocument(workspaceFile("feedback.md"));
    await vscode.window.showTextDocument(document);
    await sentiment.whenIdle();
    const results = sentiment.results(document.uri);
    check(results, "live mode analysed the document (its decorations come from these results)");
    check(results.version === document.version, "the results are for the shown version");
    sameList(results.units.map((unit) => document.positionAt(unit.start).line + 1), FEEDBACK_LINES, "units");
    check(/^WebAssembly \(onnxruntime-web/.test(results.model.backend), `backend is WebAssembly: ${results.model.backend}`);
    if (inWebWorker) check(/web/i.test(results.model.backendReason ?? ""), `reason says web: ${results.model.backendReason}`);
    else check(/auto: onnxruntime-node cannot load/.test(results.model.backendReason ?? ""), `auto fell back: ${results.model.backendReason}`);
    const byLine = new Map(results.units.map((unit) => [document.positionAt(unit.start).line + 1, unit.polarity]));
    check(byLine.get(9) === "negative", `"Support never answered" is negative: ${byLine.get(9)}`);
    check(byLine.get(7) === "positive", `"The new dashboard is wonderful" is positive: ${byLine.get(7)}`);

    const hover = await hoverOver(document, "Support never answered");
    check(/\*\*Negative\*\* · \d+\.\d % confidence/.test(hover), `hover shows the label: ${hover}`);
    check(/WebAssembly \(onnxruntime-web, \d+ threads?\), int8 kernels u8s8/.test(hover), `hover names the backend: ${hover}`);
    // The mini model's hover offers the full model's download, on the web too (a fetch download there).
    check(/Download the full model/.test(hover), `download link offered: ${hover}`);
  });

  it("Explain (the hover's Why?) and the summary panel work", async () => {
    const sentiment = await api();
    const document = await vscode.workspace.openTextDocument(workspaceFile("feedback.md"));
    await vscode.window.showTextDocument(document);
    await sentiment.whenIdle();
    const offset = document.getText().indexOf("The export to CSV is slow") + 2;
    const explanation = await vscode.commands.executeCommand<{ label: string; words: { word: string }[] }>("inlineSentiment.explain", document.uri.toString(), offset);
    check(explanation?.label === "NEGATIVE" && explanation.words.length >= 3, `explained: ${JSON.stringify(explanation)}`);
    check(/Why NEGATIVE: \*\*\S+\*\*/.test(await hoverOver(document, "The export to CSV is slow")), "the hover shows the explanation");
    await vscode.commands.executeCommand("inlineSentiment.showPanel");
    const panel = sentiment.summaryPanel;
    check(panel, "the summary panel is open");
    panel.dispose();
  });

  it("re-scores an edited paragraph", async () => {
    const sentiment = await api();
    const file = workspaceFile("edited.md");
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode("I love this, it is great.\n\nThis is awful and broken.\n"));
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    await sentiment.whenIdle();
    sameList(sentiment.results(document.uri)?.units.map((u) => u.polarity) ?? [], ["positive", "negative"], "before the edit");
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(2, 0, 2, 25), "This is wonderful and fast.");
    check(await vscode.workspace.applyEdit(edit), "the edit applies");
    const started = Date.now();
    await sentiment.whenIdle();
    const results = sentiment.results(document.uri);
    check(results && results.version === document.version, "the edited version was scored");
    sameList(results.units.map((u) => u.polarity), ["positive", "positive"], "after the edit");
    console.log(`      edit -> result (debounce included): ${Date.now() - started} ms`);
    check(await document.save(), "saved (closing the editor asks nothing)");
  });

  if (inWebWorker) {
    it("a CSV with a multi-line quoted cell: the text column is asked (the wordiest preselected), each row is scored on its own lines, the hover shows the row's other field", async () => {
      const sentiment = await api();
      const file = workspaceFile("web-reviews.csv");
      const text = [
        "id,comment,shop",
        '1,"Awful trip, two hours late.\nThen they lost my bag, ""sorry"" was all they said.",Berlin',
        "2,The staff were wonderful and kind,Paris",
        "3,Terrible food and a rude agent,Rome",
      ].join("\n") + "\n";
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(text));
      const document = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(document);
      await sentiment.whenIdle();
      check(sentiment.results(document.uri) === undefined, "a table is not segmented as prose before its column is chosen");
      check(/Run Analyze Sentiment to choose the text column/.test(sentiment.liveNote(document.uri) ?? ""), `the status bar asks for the column: ${sentiment.liveNote(document.uri)}`);

      const pick = await analyzeChoosing(sentiment);
      check(pick, "Analyze Sentiment asked for the text column");
      sameList(pick.columns, ["id", "comment", "shop"], "the columns offered");
      check(pick.active === "comment", `the wordiest column is preselected: ${pick.active}`);
      const results = sentiment.results(document.uri);
      check(results && !results.partial && results.version === document.version, "every row of the shown version is scored");
      check(results.table?.textColumn === "comment", `the text column: ${results.table?.textColumn}`);
      sameList(results.table.problems, [], "no unreadable rows");
      const lines = (unit: { start: number; end: number }) => [document.positionAt(unit.start).line + 1, document.positionAt(unit.end).line + 1];
      sameList(results.units.map(lines), [[2, 3], [4, 4], [5, 5]], "each row's unit covers its cell's lines (the quoted cell two)");
      sameList(results.units.map((unit) => unit.text), ['Awful trip, two hours late.\nThen they lost my bag, "sorry" was all they said.', "The staff were wonderful and kind", "Terrible food and a rude agent"], "the cells' texts");
      sameList(results.units.map((unit) => unit.polarity), ["negative", "positive", "negative"], "polarities");
      check(sentiment.liveNote(document.uri) === undefined, "the note goes once the column is chosen");

      const hover = await hoverOver(document, "they lost my bag");
      check(/\*\*Negative\*\* · \d+\.\d % confidence/.test(hover), `the hover shows the row's label: ${hover}`);
      check(/shop: Berlin/.test(hover) && /id: 1/.test(hover), `the hover shows the row's other fields: ${hover}`);
      check(!/comment: /.test(hover), `not the text column itself: ${hover}`);
      check((await analyzeChoosing(sentiment)) === undefined, "the column is remembered for the file");
    });

    it("Analyze Folder… reads CSV (UTF-16 too), JSON Lines and JSON tables and markdown through the workspace file system", async () => {
      const sentiment = await api();
      const { testing } = sentiment;
      check(testing, "the test hooks exist (ExtensionMode.Test)");
      const folder = workspaceFile("web-folder");
      const write = (name: string, bytes: Uint8Array) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, name), bytes);
      const utf8 = (value: string) => new TextEncoder().encode(value);
      const utf16 = (value: string) => {
        const bytes = new Uint8Array(2 + value.length * 2);
        bytes.set([0xff, 0xfe]);
        for (let i = 0; i < value.length; i++) bytes.set([value.charCodeAt(i) & 0xff, value.charCodeAt(i) >> 8], 2 + i * 2);
        return bytes;
      };
      await write("a.csv", utf8('id,feedback,country\n1,Great service and friendly staff,FR\n2,"Slow,\nand rude",DE\n'));
      await write("b.tsv", utf16("id\tremark\tshop\r\n1\tVery good, thank you – a lovely café\tBerlin\r\n"));
      await write("c.jsonl", utf8('{"text":"I love it","stars":5}\n{"text":"Broken on arrival","stars":1}\n'));
      await write("d.json", utf8('[{"note":"Awful experience, never again","region":"north"}]'));
      await write("e.md", utf8("The new dashboard is wonderful.\n\nThis is awful and broken.\n"));
      await write("package.json", utf8('{"name": "not a table"}'));
      const model = await testing.analyzeFolder(folder, new vscode.CancellationTokenSource().token);
      check(model, "the folder was analysed");
      await sentiment.whenIdle();
      const byName = new Map(model.files.map((file) => [file.name.split("/").pop(), file]));
      sameList([...byName.keys()], ["a.csv", "b.tsv", "c.jsonl", "d.json", "e.md"], "the files analysed (package.json is no array: skipped)");
      sameList(byName.get("a.csv")?.units.map((u) => [u.startLine, u.endLine, u.fields?.country]) ?? [], [[2, 2, "FR"], [3, 4, "DE"]], "a.csv's rows");
      check(byName.get("a.csv")?.textColumn === "feedback", `a.csv's suggested column: ${byName.get("a.csv")?.textColumn}`);
      sameList(byName.get("b.tsv")?.units.map((u) => u.text) ?? [], ["Very good, thank you – a lovely café"], "UTF-16 is decoded, not refused as binary");
      sameList(byName.get("c.jsonl")?.units.map((u) => u.fields?.stars) ?? [], ["5", "1"], "c.jsonl's other field");
      check(byName.get("d.json")?.units[0]?.fields?.region === "north", "d.json's row");
      sameList(byName.get("e.md")?.units.map((u) => u.polarity) ?? [], ["positive", "negative"], "e.md's paragraphs");
      check(model.files.every((file) => (file.problems ?? []).length === 0), "no unreadable rows");
      check(sentiment.summaryPanel, "the summary panel shows the folder");
      sentiment.summaryPanel.dispose();
    });

    it("Analyze Feedback File… reads an .xlsx workbook in the table's Web Worker: the column pick, each row by its spreadsheet row", async () => {
      const sentiment = await api();
      const { testing } = sentiment;
      check(testing, "the test hooks exist (ExtensionMode.Test)");
      const file = workspaceFile("web-survey.xlsx");
      const parts = xlsxParts([
        {
          name: "Responses",
          rows: [
            ["id", "comment", "shop"],
            [1, "The staff were wonderful and kind", "Paris"],
            // Row 3 is empty: row numbers stay the spreadsheet's.
            { row: 4, cells: [2, { inline: "Terrible food and a rude agent" }, "Rome"] },
          ],
        },
      ]);
      await vscode.workspace.fs.writeFile(file, zipSync(Object.fromEntries(parts.map(([name, xml]) => [name, strToU8(xml)]))));
      let columns: string[] | undefined;
      const listener = testing.onDidShowColumnPick(async (pick) => {
        columns = pick.columns;
        await vscode.commands.executeCommand("workbench.action.acceptSelectedQuickOpenItem");
      });
      try {
        const model = await vscode.commands.executeCommand<{ files: { textColumn?: string; units: { startLine: number; text: string; fields?: Record<string, string> }[] }[] } | undefined>(
          "inlineSentiment.analyzeFile",
          file,
        );
        await sentiment.whenIdle();
        sameList(columns ?? [], ["id", "comment", "shop"], "the column pick lists the header row");
        check(model?.files[0]?.textColumn === "comment", `the text column: ${model?.files[0]?.textColumn}`);
        sameList(model.files[0].units.map((u) => [u.startLine, u.text, u.fields?.shop]), [[2, "The staff were wonderful and kind", "Paris"], [4, "Terrible food and a rude agent", "Rome"]], "the workbook's rows");
      } finally {
        listener.dispose();
      }
      sentiment.summaryPanel?.dispose();
    });

    // Last: it switches the extension to the downloaded model (this run's global storage is fresh).
    it("Download the Full Model with fetch: a wrong byte is refused naming the file, the model in use stays; a good download lands in global storage and is used", async () => {
      const sentiment = await api();
      const { testing } = sentiment;
      check(testing, "the test hooks exist (ExtensionMode.Test)");
      // The origin of test/codeServer/modelServer.mjs, which runIntegration.mjs starts (IS_WEB=1).
      const server = vscode.workspace.getConfiguration().get<string>("inlineSentimentTest.modelServer");
      check(server, "runIntegration.mjs set inlineSentimentTest.modelServer");
      const manifest = (await (await fetch(`${server}/manifest.json`)).json()) as ModelManifest;
      const corrupt: ModelManifest = { ...manifest, source: { ...manifest.source, repo: "test/corrupt" } };
      const document = await vscode.workspace.openTextDocument({ language: "markdown", content: "The staff were wonderful." });
      await vscode.window.showTextDocument(document);
      await sentiment.whenIdle();
      check(sentiment.results(document.uri)?.model.kind === "mini", "the mini model is in use before");

      const refused = await testing.downloadModel({ baseUrl: server, manifest: corrupt });
      check(refused.dir === undefined, `nothing installed: ${refused.dir}`);
      check(/tokenizer\.json: sha256 mismatch: expected [0-9a-f]{64} \(manifest\), got [0-9a-f]{64} from http/.test(refused.error ?? ""), `the checksum message names the file: ${refused.error}`);
      await sentiment.whenIdle();
      check(sentiment.results(document.uri)?.model.kind === "mini", "the mini model stays in use");

      const { dir, error } = await testing.downloadModel({ baseUrl: server, manifest: manifest });
      check(dir, `installed: ${error}`);
      const folder = vscode.Uri.parse(dir);
      const storage = vscode.Uri.joinPath(folder, "..");
      const names = async (uri: vscode.Uri) => (await vscode.workspace.fs.readDirectory(uri)).map(([name]) => name).sort();
      sameList(await names(storage), ["distilbert-sst2"], "global storage holds the model folder and no staging folder");
      sameList(await names(folder), [".verified.json", "config.json", "onnx", "tokenizer.json", "tokenizer_config.json"], "the model folder");
      const graph = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, "onnx", "model_quantized.onnx"));
      const extensionUri = vscode.extensions.getExtension(EXTENSION_ID)?.extensionUri;
      check(extensionUri, "the extension's folder");
      const served = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, "model", "sentiment-mini", "onnx", "model_quantized.onnx"));
      check(graph.length === served.length && graph.every((byte, i) => byte === served[i]), "the graph in storage has the served bytes");
      await sentiment.whenIdle();
      const results = sentiment.results(document.uri);
      check(results?.model.kind === "full" && results.model.dir === dir, `switched to the downloaded model without a reload: ${JSON.stringify(results?.model)}`);
      const hover = await hoverOver(document, "staff were");
      check(/Model: DistilBERT SST-2 \(int8\)/.test(hover) && !/Download the full model/.test(hover), `the hover names the full model: ${hover}`);

      // A wrong byte again, now over an installed model: the installed one stays, whole and in use.
      const again = await testing.downloadModel({ baseUrl: server, manifest: corrupt });
      check(/tokenizer\.json: sha256 mismatch/.test(again.error ?? ""), `refused again: ${again.error}`);
      sameList(await names(storage), ["distilbert-sst2"], "no staging folder left");
      sameList(await names(folder), [".verified.json", "config.json", "onnx", "tokenizer.json", "tokenizer_config.json"], "the installed folder is whole");
      check(sentiment.results(document.uri)?.model.kind === "full", "the full model stays in use");
    });
  }
});
