/**
 * sha256 of bytes, as lowercase hex, with WebCrypto: the same global in browsers, web workers and Node 20+, so the
 * engine's model reader, the web worker and the web build's model download (models/webDownload.ts) share one
 * definition from the floor below them all. Pure: no `node:` import.
 */

/** sha256 (hex) of bytes with WebCrypto (browsers, and Node's global crypto). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
