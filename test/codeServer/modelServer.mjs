// A stand-in for the Hugging Face Hub for the web suite's "Download the Full Model" test (the suite runs in the
// browser, which cannot listen on a port): it serves the bundled mini model's files, small enough for a browser test,
// under a manifest of their sizes and sha256 (computed here with Node's crypto, independently of the WebCrypto hash the
// extension checks them with). Two repositories: test/mini with the right bytes, test/corrupt with one byte of
// tokenizer.json changed (same size, so only the sha256 can tell). Every answer allows any origin: the web worker
// extension host fetches from the workbench page's origin, another port than this server's.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:http";
import path from "node:path";

const REVISION = "0123456789abcdef0123456789abcdef01234567";
const FILES = ["onnx/model_quantized.onnx", "config.json", "tokenizer.json", "tokenizer_config.json"];

/** Starts the server on 127.0.0.1; resolves with its origin and a close function. */
export async function startModelServer(modelDir) {
  const good = new Map(FILES.map((file) => [file, fs.readFileSync(path.join(modelDir, file))]));
  const corrupt = new Map(good);
  const tokenizer = Buffer.from(good.get("tokenizer.json"));
  tokenizer[tokenizer.indexOf("WordPiece")] ^= 0x20; // "wordPiece": one byte, same size
  corrupt.set("tokenizer.json", tokenizer);
  const manifest = {
    source: { repo: "test/mini", revision: REVISION },
    labels: { 0: "NEGATIVE", 1: "POSITIVE" },
    files: FILES.map((file) => ({
      path: file,
      size: good.get(file).length,
      sha256: createHash("sha256").update(good.get(file)).digest("hex"),
      required: true,
    })),
    // The real URL templates: the download replaces their origin with this server's.
    urls: { resolve: "https://huggingface.co/{repo}/resolve/{revision}/{path}", api: "https://huggingface.co/api/models/{repo}/revision/{revision}?blobs=true" },
  };
  const repos = { "test/mini": good, "test/corrupt": corrupt };
  const server = createServer((request, response) => {
    const cors = { "access-control-allow-origin": "*" };
    if (request.method === "OPTIONS") return void response.writeHead(204, { ...cors, "access-control-allow-headers": "*" }).end();
    if (request.url === "/manifest.json") return void response.writeHead(200, { ...cors, "content-type": "application/json" }).end(JSON.stringify(manifest));
    const match = /^\/(test\/[a-z]+)\/resolve\/([0-9a-f]+)\/(.+)$/.exec(request.url ?? "");
    const bytes = match && match[2] === REVISION ? repos[match[1]]?.get(decodeURIComponent(match[3])) : undefined;
    if (!bytes) return void response.writeHead(404, cors).end("Entry not found");
    response.writeHead(200, { ...cors, "content-length": bytes.length, "content-type": "application/octet-stream" }).end(bytes);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
