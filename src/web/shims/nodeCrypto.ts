/** node:crypto in the web bundle: randomBytes (the summary panel's CSP nonce) from WebCrypto; nothing else is used. */
export function randomBytes(size: number): { toString(encoding: "base64"): string } {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  return { toString: () => btoa(String.fromCharCode(...bytes)) };
}

/** Never reached on the web (the file system model reader hashes with it): throws if it is. */
export function createHash(): never {
  throw new Error("node:crypto createHash is not available in VS Code for the Web");
}
