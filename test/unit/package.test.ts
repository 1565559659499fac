/**
 * Packaging rules (scripts/package.mjs, .vscodeignore) without running vsce: the allowlist is applied with vsce's own
 * algorithm (minimatch, dot: true; a file is kept when no ignore line matches it or any `!` line does) to the files of
 * this checkout plus a few that must stay out; the VSIX checker is fed file lists; the VSIX reader (yauzl) reads a zip
 * written here with yazl, the zip writer vsce itself uses.
 */
import { strict as assert } from "node:assert";
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { finished } from "node:stream/promises";
import { minimatch } from "minimatch";
import { BUNDLED_MANIFEST, FULL_MODEL_FOLDER, MINI_MODEL_FOLDER, VERIFIED_FILE } from "../../src/models/manifest";
import { ROOT } from "./helpers";

// scripts/package.mjs is plain ESM JavaScript; its main() runs only when it is the entry script.
const packaging = require("../../scripts/package.mjs") as {
  TARGETS: Record<string, string>;
  UNIVERSAL: string;
  vsixName: (pkg: { name: string; version: string }, target: string) => string;
  UNSUPPORTED_TARGETS: Record<string, string>;
  checkVsixEntries: (entries: string[], options: { target: string; fullModel?: boolean }) => string[];
  ignoreFileFor: (target: string) => string;
  readZip: (file: string, read?: string[]) => Promise<{ entries: { name: string; size: number }[]; contents: Map<string, Buffer> }>;
};

// yazl (the zip writer vsce uses) ships no type declarations: the part used here.
const { ZipFile } = require("yazl") as {
  ZipFile: new () => { addBuffer(data: Buffer, name: string): void; end(): void; outputStream: NodeJS.ReadableStream };
};

/** Where vsce stores a root file inside the VSIX: README.md as readme.md, a LICENSE without extension as LICENSE.txt. */
function vsixPath(file: string): string {
  return `extension/${file === "README.md" ? "readme.md" : file === "LICENSE" ? "LICENSE.txt" : file}`;
}

/** vsce 4.1.0's collectFiles filter (out/package.js), for the parts this project uses. */
function vsceFilter(files: string[], ignoreText: string): string[] {
  const lines = ignoreText
    .split(/[\n\r]/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith("#"));
  const withFolders = [...lines, ...lines.filter((i) => !/(^|\/)[^/]*\*[^/]*$/.test(i)).map((i) => (i.endsWith("/") ? `${i}**` : `${i}/**`))];
  const all = [".vscodeignore", "package-lock.json", ".npmrc", "**/.git/**", "**/*.vsix", ...withFolders, "!package.json", "!README.md"];
  const ignore = all.filter((e) => !e.startsWith("!"));
  const negate = all.filter((e) => e.startsWith("!")).map((e) => e.slice(1));
  const options = { dot: true };
  return files.filter((f) => !ignore.some((i) => minimatch(f, i, options)) || negate.some((i) => minimatch(f, i, options)));
}

function walk(dir: string, skip: (rel: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const rel = relative(ROOT, full).split(sep).join("/");
    if (skip(rel)) continue;
    if (entry.isDirectory()) out.push(...walk(full, skip));
    else out.push(rel);
  }
  return out;
}

describe("packaging: .vscodeignore allowlist and VSIX checks", () => {
  // This checkout's files (node_modules only for the two runtime packages, to keep it quick) plus files that must
  // never ship, whether or not they exist here.
  const files = [
    ...walk(ROOT, (rel) => /^(\.git|\.test-run|bench\/models)(\/|$)/.test(rel) || (/^node_modules\/[^/]+$/.test(rel) && !/onnxruntime-(node|common|web)$/.test(rel)) || rel === "LICENSE"),
    "LICENSE",
    "node_modules/adm-zip/adm-zip.js",
    "model/distilbert-sst2/config.json",
    "model/distilbert-sst2/onnx/model_quantized.onnx",
    "model/distilbert-sst2/onnx/model.onnx",
    "model/distilbert-sst2/.partial/onnx/model_quantized.onnx.part",
    "model/distilbert-sst2/.verified.json",
    "model/sentiment-mini/onnx/model.onnx",
    "dist/extension.js.map",
    "dist/test/integration/index.js",
    "docs/screenshots/failure-e2e.png",
    "docs/PACKAGING.md",
    "node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm",
    "node_modules/onnxruntime-web/dist/ort.min.js.map",
    "node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/esm/index.d.ts",
    ...["extension.js", "worker.js", "tableWorker.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm", "extension.js.map"].map((f) => `dist/web/${f}`),
  ];
  const wasmFiles = [
    "dist/web/extension.js",
    "dist/web/worker.js",
    "dist/web/tableWorker.js",
    "dist/web/ort-wasm-simd-threaded.mjs",
    "dist/web/ort-wasm-simd-threaded.wasm",
    "node_modules/onnxruntime-web/dist/ort.node.min.mjs",
    "node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/esm/index.js",
  ];
  const wasmLeftOut = [
    "node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm",
    "node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm",
    "node_modules/onnxruntime-web/dist/ort.min.js.map",
    "dist/web/extension.js.map",
  ];

  for (const [target, binary] of Object.entries(packaging.TARGETS)) {
    it(`${target}: keeps the run-time files and only ${binary}'s onnxruntime binary`, () => {
      const kept = vsceFilter(files, packaging.ignoreFileFor(target));
      const problems = packaging.checkVsixEntries(
        kept.map(vsixPath),
        { target, fullModel: true },
      ).filter((p) => !p.startsWith("missing dist/") && !p.startsWith("missing model/sentiment-mini/") && !p.startsWith("missing model/distilbert-sst2/"));
      assert.deepEqual(problems, [], "the allowlist lets nothing through that the VSIX check refuses");
      assert.ok(kept.some((f) => f.startsWith(`node_modules/onnxruntime-node/bin/napi-v6/${binary}/`)), "the target's binary is kept");
      assert.ok(kept.includes("model/distilbert-sst2/onnx/model_quantized.onnx") && kept.includes("model/distilbert-sst2/.verified.json"));
      for (const gone of ["model/distilbert-sst2/onnx/model.onnx", "model/sentiment-mini/onnx/model.onnx", "dist/extension.js.map", "docs/PACKAGING.md"]) {
        assert.ok(!kept.includes(gone), `${gone} stays out`);
      }
      assert.ok(!kept.some((f) => /^(src|test|scripts)\//.test(f) || f.endsWith(".ts")), "no sources or tests");
      for (const file of wasmFiles) assert.ok(kept.includes(file), `${file} ships: the WebAssembly fallback`);
      for (const file of wasmLeftOut) assert.ok(!kept.includes(file), `${file} stays out`);
    });
  }

  it("universal: keeps onnxruntime-web's files for Node and no onnxruntime-node at all", () => {
    // The universal stage holds no onnxruntime-node (scripts/package.mjs stage()), so its files are not there to keep.
    const staged = files.filter((f) => !/^node_modules\/onnxruntime-(node|common)\//.test(f));
    const kept = vsceFilter(staged, packaging.ignoreFileFor(packaging.UNIVERSAL));
    const problems = packaging
      .checkVsixEntries(kept.map(vsixPath), { target: packaging.UNIVERSAL, fullModel: true })
      .filter((p) => !p.startsWith("missing dist/") && !p.startsWith("missing model/sentiment-mini/") && !p.startsWith("missing model/distilbert-sst2/"));
    assert.deepEqual(problems, []);
    for (const file of wasmFiles) assert.ok(kept.includes(file), file);
    for (const file of wasmLeftOut) assert.ok(!kept.includes(file), `${file} stays out`);
    assert.ok(!kept.some((f) => f.startsWith("node_modules/onnxruntime-node/")));
    assert.equal(packaging.vsixName({ name: "inline-sentiment", version: "0.1.0" }, packaging.UNIVERSAL), "inline-sentiment-0.1.0-universal.vsix");
  });

  it("re-includes the full model from the folder and files model/manifest.json names (int8 only), and nothing else under model/", () => {
    const lines = readFileSync(join(ROOT, ".vscodeignore"), "utf8").split("\n").filter((line) => line.startsWith("!model/"));
    const full = lines.filter((line) => line.startsWith(`!model/${FULL_MODEL_FOLDER}/`)).map((line) => line.slice(`!model/${FULL_MODEL_FOLDER}/`.length));
    // The fp32 graph stays out: the extension loads onnx/model_quantized.onnx.
    const shipped = BUNDLED_MANIFEST.files.map((file) => file.path).filter((path) => path !== "onnx/model.onnx");
    assert.deepEqual(full.sort(), [...shipped, VERIFIED_FILE].sort());
    const others = lines.filter((line) => !line.startsWith(`!model/${FULL_MODEL_FOLDER}/`) && !line.startsWith(`!model/${MINI_MODEL_FOLDER}/`));
    assert.deepEqual(others, ["!model/README.md", "!model/manifest.json"], "no other model folder is named");
  });

  it("names the platforms without a native onnxruntime binary, Intel macOS among them", () => {
    assert.match(packaging.UNSUPPORTED_TARGETS["darwin-x64"], /no darwin\/x64 binary/);
    for (const target of Object.keys(packaging.TARGETS)) assert.ok(!(target in packaging.UNSUPPORTED_TARGETS));
  });

  it("the VSIX check refuses another platform's binary, sources, maps, dev files and extra packages", () => {
    const good = [
      "extension/package.json",
      "extension/readme.md",
      "extension/LICENSE.txt",
      "extension/dist/extension.js",
      "extension/dist/worker.js",
      "extension/dist/tableWorker.js",
      "extension/dist/panel/main.js",
      "extension/dist/panel/style.css",
      ...["config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "onnx/model_quantized.onnx"].map((f) => `extension/model/sentiment-mini/${f}`),
      "extension/node_modules/onnxruntime-node/package.json",
      "extension/node_modules/onnxruntime-node/dist/index.js",
      "extension/node_modules/onnxruntime-node/dist/binding.js",
      "extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node",
      "extension/node_modules/onnxruntime-common/package.json",
      "extension/node_modules/onnxruntime-common/dist/cjs/index.js",
      "extension/node_modules/onnxruntime-common/dist/cjs/package.json",
    ];
    const wasm = [
      ...["extension.js", "worker.js", "tableWorker.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"].map((f) => `extension/dist/web/${f}`),
      "extension/node_modules/onnxruntime-web/package.json",
      "extension/node_modules/onnxruntime-web/dist/ort.node.min.mjs",
      "extension/node_modules/onnxruntime-web/node_modules/onnxruntime-common/package.json",
      "extension/node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/esm/package.json",
      "extension/node_modules/onnxruntime-web/node_modules/onnxruntime-common/dist/esm/index.js",
    ];
    good.push(...wasm);
    assert.deepEqual(packaging.checkVsixEntries(good, { target: "linux-x64" }), []);
    assert.deepEqual(
      packaging.checkVsixEntries([...good, "extension/changelog.md", "extension/media/icon.png"], { target: "linux-x64" }),
      [],
      "the changelog (vsce stores CHANGELOG.md as changelog.md) and the icon may ship",
    );
    assert.deepEqual(
      packaging.checkVsixEntries(good.filter((e) => e !== "extension/LICENSE.txt"), { target: "linux-x64" }),
      ["missing LICENSE.txt"],
      "every VSIX carries the licence",
    );
    assert.deepEqual(packaging.checkVsixEntries(good, { target: "linux-x64", fullModel: true }).length, 3, "the full model's files are required when it is bundled");
    const bad = {
      "extension/node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll": "another platform's onnxruntime binary",
      "extension/src/extension.ts": "a source, test, script or dev folder",
      "extension/test/unit/download.test.ts": "a source, test, script or dev folder",
      "extension/node_modules/onnxruntime-common/dist/cjs/index.d.ts": "a TypeScript file (source or .d.ts)",
      "extension/dist/extension.js.map": "a source map",
      "extension/dist/test/integration/index.js": "the in-editor test bundle",
      "extension/tsconfig.json": "a dev file",
      "extension/node_modules/global-agent/package.json": "a package other than onnxruntime-node, onnxruntime-common, onnxruntime-web, onnxruntime-web/node_modules/onnxruntime-common",
      "extension/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm": "a WebAssembly runtime file in node_modules (it ships once, in dist/web/)",
      "extension/model/distilbert-sst2/.partial/config.json.part": "a partial download",
    };
    for (const [entry, why] of Object.entries(bad)) {
      assert.deepEqual(packaging.checkVsixEntries([...good, entry], { target: "linux-x64" }), [`${entry.slice("extension/".length)}: ${why}`]);
    }
    assert.deepEqual(packaging.checkVsixEntries(good, { target: "darwin-arm64" }).sort(), [
      "missing node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/onnxruntime_binding.node",
      "node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node: another platform's onnxruntime binary",
    ]);
  });

  it("the universal check requires onnxruntime-web and refuses any onnxruntime-node file", () => {
    const base = ["package.json", "readme.md", "LICENSE.txt", "dist/extension.js", "dist/worker.js", "dist/tableWorker.js", "dist/panel/main.js", "dist/panel/style.css"];
    const mini = ["config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "onnx/model_quantized.onnx"].map((f) => `model/sentiment-mini/${f}`);
    const wasm = [
      ...["extension.js", "worker.js", "tableWorker.js", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"].map((f) => `dist/web/${f}`),
      ...[
        "package.json",
        "dist/ort.node.min.mjs",
        "node_modules/onnxruntime-common/package.json",
        "node_modules/onnxruntime-common/dist/esm/package.json",
        "node_modules/onnxruntime-common/dist/esm/index.js",
      ].map((f) => `node_modules/onnxruntime-web/${f}`),
    ];
    const good = [...base, ...mini, ...wasm].map((f) => `extension/${f}`);
    assert.deepEqual(packaging.checkVsixEntries(good, { target: packaging.UNIVERSAL }), []);
    assert.deepEqual(
      packaging.checkVsixEntries([...good, "extension/node_modules/onnxruntime-node/dist/index.js", "extension/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node"], { target: packaging.UNIVERSAL }),
      [
        "node_modules/onnxruntime-node/dist/index.js: onnxruntime-node in the universal package (it must run WebAssembly)",
        "node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node: onnxruntime-node in the universal package (it must run WebAssembly)",
      ],
    );
    assert.deepEqual(
      packaging.checkVsixEntries(good.filter((e) => !e.endsWith(".wasm")), { target: packaging.UNIVERSAL }),
      ["missing dist/web/ort-wasm-simd-threaded.wasm"],
    );
  });

  it("reads a VSIX's entries and one entry's content", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-zip-"));
    try {
      const file = join(dir, "x.vsix");
      const manifest = Buffer.from('<PackageManifest><Identity TargetPlatform="linux-x64"/></PackageManifest>');
      const zip = new ZipFile();
      zip.addBuffer(manifest, "extension.vsixmanifest");
      zip.addBuffer(Buffer.from("{}"), "extension/package.json");
      zip.end();
      await finished(zip.outputStream.pipe(createWriteStream(file)));
      const { entries, contents } = await packaging.readZip(file, ["extension.vsixmanifest"]);
      assert.deepEqual(entries.map((e) => [e.name, e.size]), [["extension.vsixmanifest", manifest.length], ["extension/package.json", 2]]);
      assert.equal(contents.get("extension.vsixmanifest")?.toString(), manifest.toString());
      assert.deepEqual([...contents.keys()], ["extension.vsixmanifest"], "only the entries asked for are read");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
