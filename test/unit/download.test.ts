/**
 * The model download (src/models/node/download.ts and the modules beside it) against a Hugging Face look-alike served on 127.0.0.1 by the test itself:
 * a small model folder (the bundled mini model's committed files plus small tokenizer files) with the Hub's resolve and
 * API routes, and switches for the failures that matter (cut connections, ignored Range, wrong bytes, stalls, 5xx).
 * The "no network" cases use the real thing: a closed port and a name that never resolves (.invalid, RFC 2606).
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { downloadModel, type DownloadOptions } from "../../src/models/node/download";
import { ModelDownloadError } from "../../src/models/downloadErrors";
import { PARTIAL_DIR, VERIFIED_FILE, modelUrls, type ModelManifest } from "../../src/models/manifest";
import { fetchModel, type FetchDownloadOptions, type ModelStore } from "../../src/models/webDownload";
import { MINI_MODEL, ROOT } from "./helpers";

const REPO = "test-org/mini-sst2";
const REVISION = "0123456789abcdef0123456789abcdef01234567";
const MODEL_FILE = "onnx/model_quantized.onnx";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** The served files: the mini model's committed config.json and int8 ONNX file (4.7 MB), small tokenizer files. */
function fixtureFiles(): Map<string, Buffer> {
  return new Map([
    ["config.json", readFileSync(join(MINI_MODEL, "config.json"))],
    [MODEL_FILE, readFileSync(join(MINI_MODEL, "onnx", "model_quantized.onnx"))],
    ["tokenizer.json", Buffer.from(JSON.stringify({ version: "1.0", model: { type: "WordPiece", vocab: { "[PAD]": 0, "[UNK]": 1 } } }))],
    ["tokenizer_config.json", Buffer.from(JSON.stringify({ do_lower_case: true, model_max_length: 512 }))],
    ["special_tokens_map.json", Buffer.from(JSON.stringify({ cls_token: "[CLS]", sep_token: "[SEP]" }))],
    ["onnx/model.onnx", Buffer.alloc(70_000, 7)],
  ]);
}

/**
 * A manifest shaped like model/manifest.json for the fixture files: sizes and sha256 for the required files;
 * special_tokens_map.json (required here) and onnx/model.onnx (optional, LFS) without sha256, as in the real manifest.
 */
function fixtureManifest(files: Map<string, Buffer>): ModelManifest {
  const real = JSON.parse(readFileSync(join(ROOT, "model", "manifest.json"), "utf8")) as ModelManifest;
  const entry = (path: string, required: boolean, known: boolean, lfs = false) => ({
    path,
    size: files.get(path)!.length,
    sha256: known ? sha256(files.get(path)!) : null,
    required,
    lfs,
  });
  return {
    source: { repo: REPO, revision: REVISION },
    folder: "distilbert-sst2",
    labels: { "0": "NEGATIVE", "1": "POSITIVE" },
    files: [
      entry(MODEL_FILE, true, true, true),
      entry("config.json", true, true),
      entry("tokenizer.json", true, true),
      entry("tokenizer_config.json", true, true),
      entry("special_tokens_map.json", true, false),
      entry("onnx/model.onnx", false, false, true),
    ],
    // The real URL templates: only their origin is replaced by baseUrl.
    urls: real.urls,
  };
}

interface Fault {
  /** Close the socket after sending this many body bytes, for the next `times` requests of the file. */
  cutAfter?: number;
  /** Answer with this status, for the next `times` requests. */
  status?: number;
  /** Send the headers, then nothing (a stall). */
  stall?: boolean;
  times: number;
}

/** A Hugging Face look-alike on 127.0.0.1: resolve and API routes, Range support, injectable faults. */
class FakeHub {
  readonly requests: { path: string; range?: string }[] = [];
  readonly faults = new Map<string, Fault>();
  ignoreRange = false;
  /** Body of the API route; undefined answers 404. */
  api: unknown;
  /** Delay between 64 KiB chunks, to leave room for a cancel. */
  chunkDelayMs = 0;
  private server?: Server;

  constructor(readonly files: Map<string, Buffer>) {
    this.api = {
      id: REPO,
      sha: REVISION,
      siblings: [...files].map(([path, data]) => ({
        rfilename: path,
        size: data.length,
        ...(path.endsWith(".onnx") ? { lfs: { sha256: sha256(data), size: data.length, pointerSize: 134 } } : {}),
      })),
    };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  fileRequests(path: string) {
    return this.requests.filter((r) => r.path === path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === `/api/models/${REPO}/revision/${REVISION}`) {
      this.requests.push({ path: "api" });
      if (this.api === undefined) return void res.writeHead(404).end("not found");
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(this.api));
    }
    const prefix = `/${REPO}/resolve/${REVISION}/`;
    const path = url.pathname.startsWith(prefix) ? decodeURIComponent(url.pathname.slice(prefix.length)) : "";
    const data = this.files.get(path);
    this.requests.push({ path, range: req.headers.range });
    if (!data) return void res.writeHead(404).end("Entry not found");

    const fault = this.faults.get(path);
    let cutAfter: number | undefined;
    if (fault && fault.times > 0) {
      fault.times--;
      cutAfter = fault.cutAfter;
      if (fault.status) return void res.writeHead(fault.status).end("try later");
      if (fault.stall) {
        res.writeHead(200, { "content-length": data.length });
        res.flushHeaders();
        return; // never sends a byte; the client's stall timer must fire
      }
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (range && !this.ignoreRange) {
      start = Number(range[1]);
      if (start >= data.length) return void res.writeHead(416, { "content-range": `bytes */${data.length}` }).end();
      res.writeHead(206, { "content-length": data.length - start, "content-range": `bytes ${start}-${data.length - 1}/${data.length}` });
    } else {
      res.writeHead(200, { "content-length": data.length, "accept-ranges": "bytes" });
    }
    const end = cutAfter !== undefined ? start + cutAfter : data.length;
    this.send(res, data, start, Math.min(end, data.length), end < data.length);
  }

  private send(res: ServerResponse, data: Buffer, from: number, to: number, cut: boolean): void {
    if (res.destroyed) return;
    if (from >= to) {
      if (cut) res.socket?.destroy();
      else res.end();
      return;
    }
    const next = Math.min(to, from + 64 * 1024);
    res.write(data.subarray(from, next), () => {
      if (this.chunkDelayMs) setTimeout(() => this.send(res, data, next, to, cut), this.chunkDelayMs);
      else this.send(res, data, next, to, cut);
    });
  }
}

/** Files under `dir`, relative, with forward slashes, sorted. */
function listTree(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listTree(dir, prefix ? `${prefix}/${e.name}` : e.name) : [prefix ? `${prefix}/${e.name}` : e.name]))
    .sort();
}

async function rejection(promise: Promise<unknown>): Promise<ModelDownloadError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModelDownloadError, `a ModelDownloadError, got ${(error as Error)?.stack ?? error}`);
    return error;
  }
  assert.fail("expected the download to fail");
}

describe("model download (local Hub look-alike on 127.0.0.1)", function () {
  let files: Map<string, Buffer>;
  let manifest: ModelManifest;
  let hub: FakeHub;
  let baseUrl: string;
  let work: string;
  let dest: string;
  const required = ["config.json", MODEL_FILE, "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"].sort();

  beforeEach(async () => {
    files = fixtureFiles();
    manifest = fixtureManifest(files);
    hub = new FakeHub(files);
    baseUrl = await hub.start();
    work = mkdtempSync(join(tmpdir(), "inline-sentiment-download-"));
    dest = join(work, "model", "distilbert-sst2");
  });

  afterEach(async () => {
    await hub.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const options = (extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
    manifest,
    dest,
    baseUrl,
    retries: 0,
    retryDelayMs: 10,
    ...extra,
  });

  function assertComplete(extra: string[] = []): void {
    assert.deepEqual(listTree(dest), [...required, ...extra, VERIFIED_FILE].sort(), "the folder holds the model files and nothing else");
    for (const path of [...required, ...extra]) assert.ok(readFileSync(join(dest, path)).equals(files.get(path)!), `${path} has the served bytes`);
  }

  it("builds the resolve and API URLs from the manifest's templates, with baseUrl replacing the origin", () => {
    const real = JSON.parse(readFileSync(join(ROOT, "model", "manifest.json"), "utf8")) as ModelManifest;
    const urls = modelUrls(real);
    assert.equal(
      urls.file(MODEL_FILE),
      `https://huggingface.co/Xenova/distilbert-base-uncased-finetuned-sst-2-english/resolve/${real.source.revision}/onnx/model_quantized.onnx`,
    );
    assert.equal(urls.api, `https://huggingface.co/api/models/Xenova/distilbert-base-uncased-finetuned-sst-2-english/revision/${real.source.revision}?blobs=true`);
    assert.equal(modelUrls(real, "http://127.0.0.1:9/").file("config.json"), `http://127.0.0.1:9/Xenova/distilbert-base-uncased-finetuned-sst-2-english/resolve/${real.source.revision}/config.json`);
  });

  it("downloads every required file, verifies size and sha256, reports progress and installs the folder", async () => {
    const progress: { done: number; total: number }[] = [];
    const result = await downloadModel(options({ onProgress: (p) => progress.push({ done: p.done, total: p.total }) }));
    assertComplete();
    assert.equal(result.alreadyPresent, false);
    assert.deepEqual(result.files.map((f) => f.path).sort(), required);
    for (const file of result.files) assert.equal(file.sha256, sha256(files.get(file.path)!), file.path);
    assert.equal(result.files.find((f) => f.path === MODEL_FILE)!.verifiedBy, "manifest");

    const total = required.reduce((sum, p) => sum + files.get(p)!.length, 0);
    assert.ok(progress.length > 10, "progress is reported while bytes flow");
    assert.ok(progress.every((p) => p.total === total), "the total is known from the start");
    assert.ok(progress.every((p, i) => i === 0 || p.done >= progress[i - 1].done), "progress never goes back");
    assert.equal(progress.at(-1)!.done, total);
    assert.equal(result.bytesTransferred, total);
    assert.ok(!hub.requests.some((r) => r.path === "optional" || r.path === "onnx/model.onnx"), "optional files are not fetched");

    // special_tokens_map.json has no sha256 in the manifest and no LFS entry in the API: computed, said, recorded.
    const special = result.files.find((f) => f.path === "special_tokens_map.json")!;
    assert.equal(special.verifiedBy, "computed");
    assert.ok(result.notes.some((n) => n.startsWith("special_tokens_map.json: no sha256") && n.includes(VERIFIED_FILE)), result.notes.join("\n"));
    const record = JSON.parse(readFileSync(join(dest, VERIFIED_FILE), "utf8"));
    assert.equal(record.revision, REVISION);
    assert.equal(record.files.find((f: { path: string }) => f.path === "special_tokens_map.json").sha256, sha256(files.get("special_tokens_map.json")!));

    // A second run finds the verified copy and transfers nothing.
    const before = hub.requests.length;
    const again = await downloadModel(options());
    assert.equal(again.alreadyPresent, true);
    assert.equal(hub.requests.length, before, "no request for a verified folder");
  });

  it("takes a missing sha256 from the Hub API's lfs.sha256 and checks the bytes against it", async () => {
    const result = await downloadModel(options({ include: ["onnx/model.onnx"] }));
    assertComplete(["onnx/model.onnx"]);
    const fp32 = result.files.find((f) => f.path === "onnx/model.onnx")!;
    assert.equal(fp32.verifiedBy, "hub-api");
    assert.ok(result.notes.some((n) => n.startsWith("onnx/model.onnx: sha256") && n.includes("Hub API")));

    // The API's hash disagrees with the served bytes: the file is refused.
    rmSync(dest, { recursive: true });
    (hub.api as { siblings: { rfilename: string; lfs?: { sha256: string } }[] }).siblings.find((s) => s.rfilename === "onnx/model.onnx")!.lfs!.sha256 = "0".repeat(64);
    const error = await rejection(downloadModel(options({ include: ["onnx/model.onnx"] })));
    assert.equal(error.code, "integrity");
    assert.match(error.message, /onnx\/model\.onnx: sha256 mismatch: expected 0{64} \(Hub API\)/);
    assert.ok(!existsSync(dest), "nothing is left behind");
  });

  it("refuses a Hub API that reports another commit for the pinned revision", async () => {
    (hub.api as { sha: string }).sha = "f".repeat(40);
    const error = await rejection(downloadModel(options()));
    assert.equal(error.code, "integrity");
    assert.match(error.message, /Hub API reports commit f{40} for revision 0123456789abcdef/);
    assert.ok(!existsSync(dest));
  });

  it("computes and records the hash when the Hub API cannot be read, and says so", async () => {
    hub.api = undefined;
    const result = await downloadModel(options());
    assertComplete();
    assert.ok(result.notes.some((n) => n.startsWith("Hub API not read") && n.includes("HTTP 404")), result.notes.join("\n"));
  });

  it("wrong sha256: fails naming the file and URL, and leaves nothing in dest", async () => {
    manifest.files.find((f) => f.path === "tokenizer.json")!.sha256 = "a".repeat(64);
    const error = await rejection(downloadModel(options({ retries: 3 })));
    assert.equal(error.code, "integrity");
    assert.equal(error.file, "tokenizer.json");
    assert.match(error.message, /^tokenizer\.json: sha256 mismatch: expected a{64} \(manifest\), got [0-9a-f]{64} from http:\/\/127\.0\.0\.1:\d+\/test-org\/mini-sst2\/resolve\/0123456789abcdef0123456789abcdef01234567\/tokenizer\.json/);
    assert.equal(hub.fileRequests("tokenizer.json").length, 1, "an integrity failure is not retried");
    assert.ok(!existsSync(dest), `dest is absent, found: ${listTree(dest).join(", ")}`);
    assert.ok(!existsSync(dirname(dest)) || readdirSync(dirname(dest)).length === 0, "no staging folder beside it either");
  });

  it("wrong size: a file longer than the manifest says is refused", async () => {
    manifest.files.find((f) => f.path === "config.json")!.size = 100;
    hub.api = undefined;
    const error = await rejection(downloadModel(options()));
    assert.equal(error.code, "integrity");
    assert.match(error.message, /^config\.json: the server sent more than the expected 100 bytes/);
    assert.ok(!existsSync(dest));
  });

  it("refuses a config.json whose id2label differs from the manifest's labels", async () => {
    manifest.labels = { "0": "POSITIVE", "1": "NEGATIVE" };
    const error = await rejection(downloadModel(options()));
    assert.equal(error.file, "config.json");
    assert.match(error.message, /config\.json: id2label is \{"0":"NEGATIVE","1":"POSITIVE"\}, the manifest expects/);
    assert.ok(!existsSync(dest));
  });

  it("cut off mid-file: fails without a usable folder, and the next run resumes with Range and ends verified", async () => {
    const size = files.get(MODEL_FILE)!.length;
    hub.faults.set(MODEL_FILE, { cutAfter: Math.floor(size / 2), times: 1 });
    const error = await rejection(downloadModel(options({ retries: 0 })));
    assert.equal(error.code, "network");
    assert.equal(error.file, MODEL_FILE);
    assert.match(error.message, /onnx\/model_quantized\.onnx: .* from http:\/\/127\.0\.0\.1:\d+\/.*\/onnx\/model_quantized\.onnx \(gave up after 1 tries\)/);
    assert.ok(!existsSync(join(dest, "config.json")), "no model folder the locator would pick up");
    const part = join(dest, PARTIAL_DIR, `${MODEL_FILE}.part`);
    const kept = statSync(part).size;
    assert.ok(kept > 0 && kept < size, `the partial file is kept for a resume (${kept} of ${size})`);

    const result = await downloadModel(options());
    assertComplete();
    const resumed = hub.fileRequests(MODEL_FILE).at(-1)!;
    assert.equal(resumed.range, `bytes=${kept}-`, "the second run asks for the rest only");
    assert.equal(result.bytesTransferred, required.reduce((sum, p) => sum + files.get(p)!.length, 0) - kept);
  });

  it("cut off mid-file: retries within the same run and resumes", async () => {
    hub.faults.set(MODEL_FILE, { cutAfter: 1_000_000, times: 2 });
    await downloadModel(options({ retries: 3 }));
    assertComplete();
    const starts = hub.fileRequests(MODEL_FILE).map((r) => (r.range ? Number(/^bytes=(\d+)-$/.exec(r.range)![1]) : 0));
    assert.equal(starts.length, 3, "two cuts, two retries");
    assert.ok(starts[0] === 0 && starts[1] > 0 && starts[2] > starts[1], `each retry continues where the last stopped: ${starts.join(", ")}`);
  });

  it("a server that ignores Range: restarts the file from byte 0 and still ends verified", async () => {
    hub.faults.set(MODEL_FILE, { cutAfter: 1_500_000, times: 1 });
    await rejection(downloadModel(options()));
    hub.ignoreRange = true;
    const result = await downloadModel(options());
    assertComplete();
    assert.ok(result.notes.some((n) => n.includes("ignored the resume request")), result.notes.join("\n"));
  });

  it("a stale .part from other bytes: one clean restart after the hash mismatch", async () => {
    const part = join(dest, PARTIAL_DIR, `${MODEL_FILE}.part`);
    mkdirSync(dirname(part), { recursive: true });
    writeFileSync(part, Buffer.alloc(1000, 1));
    await downloadModel(options());
    assertComplete();
    assert.deepEqual(hub.fileRequests(MODEL_FILE).map((r) => r.range), ["bytes=1000-", undefined]);
  });

  it("retries transient HTTP errors (503) with backoff, but not a 404", async () => {
    hub.faults.set("config.json", { status: 503, times: 2 });
    await downloadModel(options({ retries: 2 }));
    assertComplete();
    assert.equal(hub.fileRequests("config.json").length, 3);

    rmSync(dest, { recursive: true });
    files.delete("tokenizer.json");
    const error = await rejection(downloadModel(options({ retries: 3 })));
    assert.equal(error.code, "http");
    assert.match(error.message, /^tokenizer\.json: HTTP 404 \(wrong repository, revision or path\) from http:\/\/127\.0\.0\.1/);
    assert.equal(hub.fileRequests("tokenizer.json").length, 2, "one request in this run (plus the earlier run's)");
    assert.ok(!existsSync(dest));
  });

  it("a stalled response is abandoned after stallTimeoutMs and retried", async () => {
    hub.faults.set("config.json", { stall: true, times: 1 });
    await downloadModel(options({ retries: 1, stallTimeoutMs: 300 }));
    assertComplete();
    assert.equal(hub.fileRequests("config.json").length, 2);
  });

  it("no network (connection refused): fails at once with a message that says what to do", async () => {
    await hub.stop(); // its port is now closed
    const started = Date.now();
    const error = await rejection(downloadModel(options({ retries: 4, retryDelayMs: 1000 })));
    assert.ok(Date.now() - started < 5_000, "no backoff on a refused connection");
    assert.equal(error.code, "offline");
    assert.match(error.message, /^cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED: .*\) while downloading /);
    assert.match(error.message, /from http:\/\/127\.0\.0\.1:\d+\/test-org\/mini-sst2\//);
    assert.match(error.message, /copy the model files \(.*\) from a machine with network into \S*\/model\/distilbert-sst2\//);
    assert.match(error.message, /inlineSentiment\.modelPath/);
    assert.ok(!existsSync(dest));
  });

  it("no network (the host name does not resolve): the same clear message", async () => {
    const error = await rejection(downloadModel(options({ baseUrl: "http://model-host.invalid" })));
    assert.equal(error.code, "offline");
    assert.match(error.message, /^cannot reach model-host\.invalid \((ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL): /);
    assert.match(error.message, /inlineSentiment\.modelPath/);
    assert.ok(!existsSync(dest));
  });

  it("cancel through an AbortSignal mid-file: rejects as cancelled and leaves no half folder", async () => {
    hub.chunkDelayMs = 5;
    const controller = new AbortController();
    const error = await rejection(
      downloadModel(
        options({
          signal: controller.signal,
          onProgress: (p) => p.file === MODEL_FILE && p.fileDone > 1_000_000 && controller.abort(),
        }),
      ),
    );
    assert.equal(error.code, "aborted");
    assert.match(error.message, /cancelled/);
    assert.ok(!existsSync(dest), `dest is absent, found: ${listTree(dest).join(", ")}`);
  });

  it("cancel during an update keeps the existing verified folder as it was", async () => {
    await downloadModel(options());
    const before = listTree(dest);
    hub.chunkDelayMs = 5;
    const controller = new AbortController();
    const error = await rejection(
      downloadModel(options({ force: true, signal: controller.signal, onProgress: (p) => p.fileDone > 500_000 && controller.abort() })),
    );
    assert.equal(error.code, "aborted");
    assert.deepEqual(listTree(dest), before);
    assertComplete();
  });

  it("accepts files copied in by hand after checking them, and keeps unrelated files on a forced update", async () => {
    mkdirSync(join(dest, "onnx"), { recursive: true });
    for (const path of required) writeFileSync(join(dest, path), files.get(path)!);
    // special_tokens_map.json has no known hash: without a record it cannot be trusted in place, so it downloads.
    const first = await downloadModel(options());
    assert.equal(first.alreadyPresent, false);
    hub.requests.length = 0;
    writeFileSync(join(dest, "notes.txt"), "mine");
    const second = await downloadModel(options());
    assert.equal(second.alreadyPresent, true);
    assert.equal(hub.requests.length, 0);
    await downloadModel(options({ force: true }));
    assert.deepEqual(listTree(dest), [...required, VERIFIED_FILE, "notes.txt"].sort());
    assert.equal(readFileSync(join(dest, "notes.txt"), "utf8"), "mine", "a file that is not part of the model is carried over");
  });

  // The web build's download (fetch, WebCrypto, a ModelStore instead of a file system), here over a real folder.
  describe("the fetch download for hosts without a file system (webDownload.ts)", () => {
    let storage: string;
    const store = (): ModelStore => ({
      write: async (path, bytes) => {
        mkdirSync(dirname(join(storage, path)), { recursive: true });
        writeFileSync(join(storage, path), bytes);
      },
      rename: async (from, to) => {
        assert.ok(!existsSync(join(storage, to)), `rename onto an existing ${to}`);
        renameSync(join(storage, from), join(storage, to));
      },
      remove: async (path) => rmSync(join(storage, path), { recursive: true, force: true }),
      exists: async (path) => existsSync(join(storage, path)),
      locationOf: (path) => `file://${join(storage, path)}`,
    });
    const fetchOptions = (extra: Partial<FetchDownloadOptions> = {}): FetchDownloadOptions => ({ manifest, store: store(), baseUrl, retries: 0, retryDelayMs: 10, ...extra });

    beforeEach(() => {
      storage = join(work, "globalStorage");
      dest = join(storage, "distilbert-sst2");
    });

    it("downloads every required file, verifies size and sha256 with WebCrypto, reports progress and installs the folder", async () => {
      const progress: number[] = [];
      const result = await fetchModel(fetchOptions({ onProgress: (p) => progress.push(p.done) }));
      assert.equal(result.dir, `file://${dest}`);
      assertComplete();
      assert.deepEqual(readdirSync(storage), ["distilbert-sst2"], "no staging folder left beside it");
      for (const file of result.files) assert.equal(file.sha256, sha256(files.get(file.path)!), file.path);
      assert.ok(result.notes.some((n) => n.startsWith("special_tokens_map.json: no sha256")), result.notes.join("\n"));
      assert.equal(JSON.parse(readFileSync(join(dest, VERIFIED_FILE), "utf8")).revision, REVISION);
      assert.ok(progress.length > 10 && progress.every((done, i) => i === 0 || done >= progress[i - 1]), "progress flows forward");
      assert.equal(progress.at(-1), required.reduce((sum, p) => sum + files.get(p)!.length, 0));
    });

    it("wrong sha256 during an update: fails naming the file, and the installed folder stays as it was", async () => {
      await fetchModel(fetchOptions());
      const before = listTree(dest);
      const good = files.get("tokenizer.json")!;
      // The same size, one byte changed: only the sha256 can tell.
      hub.files.set("tokenizer.json", Buffer.from(good.toString().replace("WordPiece", "WordPiecf")));
      const error = await rejection(fetchModel(fetchOptions()));
      assert.equal(error.code, "integrity");
      assert.equal(error.file, "tokenizer.json");
      assert.match(error.message, /^tokenizer\.json: sha256 mismatch: expected [0-9a-f]{64} \(manifest\), got [0-9a-f]{64} from http:\/\/127\.0\.0\.1:\d+\/.*tokenizer\.json/);
      assert.deepEqual(listTree(dest), before);
      hub.files.set("tokenizer.json", good);
      assertComplete();
      assert.deepEqual(readdirSync(storage), ["distilbert-sst2"], "the staging folder is removed");
    });

    it("HTTP 404 and a refused connection: messages that name the file, the status or the cause; nothing left", async () => {
      hub.faults.set("config.json", { status: 404, times: 1 });
      const missing = await rejection(fetchModel(fetchOptions()));
      assert.equal(missing.code, "http");
      assert.match(missing.message, /^config\.json: HTTP 404 \(wrong repository, revision or path\) from http/);
      const refused = await rejection(fetchModel(fetchOptions({ baseUrl: "http://127.0.0.1:9" })));
      assert.equal(refused.code, "network");
      assert.match(refused.message, /^onnx\/model_quantized\.onnx: fetch failed .* \(gave up after 1 tries\)/);
      assert.ok(!existsSync(storage) || readdirSync(storage).length === 0, `nothing in storage: ${listTree(storage).join(", ")}`);
    });

    it("a connection cut mid-file is retried from the file's start and ends verified", async () => {
      hub.faults.set(MODEL_FILE, { cutAfter: 300_000, times: 1 });
      await fetchModel(fetchOptions({ retries: 1 }));
      assertComplete();
      assert.deepEqual(hub.fileRequests(MODEL_FILE).map((r) => r.range), [undefined, undefined], "no Range: the file starts again");
    });

    it("cancel mid-file: rejects as cancelled and leaves nothing in storage", async () => {
      hub.chunkDelayMs = 5;
      const controller = new AbortController();
      const onProgress = (p: { file: string; fileDone: number }) => p.file === MODEL_FILE && p.fileDone > 1_000_000 && controller.abort();
      const error = await rejection(fetchModel(fetchOptions({ signal: controller.signal, onProgress })));
      assert.equal(error.code, "aborted");
      assert.ok(!existsSync(storage) || readdirSync(storage).length === 0, `nothing in storage: ${listTree(storage).join(", ")}`);
    });
  });
});

describe("npm run model:fetch (scripts/fetchModel.mjs) against the local Hub look-alike", function () {
  let files: Map<string, Buffer>;
  let hub: FakeHub;
  let baseUrl: string;
  let work: string;
  let manifestFile: string;

  beforeEach(async () => {
    files = fixtureFiles();
    hub = new FakeHub(files);
    baseUrl = await hub.start();
    work = mkdtempSync(join(tmpdir(), "inline-sentiment-fetch-"));
    manifestFile = join(work, "model", "manifest.json");
    mkdirSync(dirname(manifestFile), { recursive: true });
    writeFileSync(manifestFile, JSON.stringify(fixtureManifest(files)));
  });

  afterEach(async () => {
    await hub.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** Runs the script with plain node (it re-runs itself under tsx), asynchronously: the server lives in this process. */
  function fetchModel(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, "scripts", "fetchModel.mjs"), "--manifest", manifestFile, ...args], {
        cwd: work,
        env: { ...process.env, NODE_OPTIONS: "", HF_ENDPOINT: "" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  it("installs the verified folder next to the manifest, prints progress, then finds it already there", async () => {
    const run = await fetchModel("--base-url", baseUrl);
    assert.equal(run.code, 0, run.stderr);
    const dest = join(work, "model", "distilbert-sst2");
    assert.match(run.stdout, /^Fetching test-org\/mini-sst2@0123456 into model\/distilbert-sst2 from http:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(run.stdout, /onnx\/model_quantized\.onnx {2}[\d.]+ \/ 4\.7 MB {2}\| total [\d.]+ \/ [\d.]+ MB \(\d+%\)/);
    assert.match(run.stdout, /^Installed 5 files \([\d.]+ MB\) in model\/distilbert-sst2, each verified by size and sha256:$/m);
    assert.match(run.stdout, /^note: special_tokens_map\.json: no sha256/m);
    assert.ok(readFileSync(join(dest, MODEL_FILE)).equals(files.get(MODEL_FILE)!));

    const again = await fetchModel("--base-url", baseUrl);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already holds a verified copy \(5 files\); nothing to do/);
  });

  it("exits 3 with the no-network message when nothing answers", async () => {
    await hub.stop();
    const run = await fetchModel("--base-url", baseUrl);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^error: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED/m);
    assert.match(run.stderr, /inlineSentiment\.modelPath/);
    assert.ok(!existsSync(join(work, "model", "distilbert-sst2")));
  });

  it("exits 1 naming the file when the bytes do not match, and 2 on a bad argument", async () => {
    const manifest = fixtureManifest(files);
    manifest.files.find((f) => f.path === "config.json")!.sha256 = "b".repeat(64);
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const run = await fetchModel("--base-url", baseUrl);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: config\.json: sha256 mismatch: expected b{64}/m);
    assert.ok(!existsSync(join(work, "model", "distilbert-sst2")));

    const usage = await fetchModel("--retries", "many");
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--retries needs a whole number/);
  });
});
