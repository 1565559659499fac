/**
 * Transfers into files on disk: resumed with Range requests; the requests themselves (stall timer, retries) are
 * requests.ts's.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rm, stat, truncate, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { computedNote, sha256Mismatch, sizeMismatch, tooLong, type Expected, type VerifiedFile } from "../checks";
import { TransientError, httpError } from "../downloadErrors";
import { Requests, type TransferOptions } from "../requests";
import { sha256File, sizeOf } from "./verify";

export class DownloadRun extends Requests {
  transferred = 0;
  /** Whether the latest transfer continued an existing `.part` (a hash mismatch then earns one clean restart). */
  private lastTransferResumed = false;

  constructor(options: TransferOptions, fetchImpl: typeof fetch, notes: string[]) {
    super(options, fetchImpl, notes, { "accept-encoding": "identity", "user-agent": "inline-sentiment-model-fetch" });
  }

  /** Downloads one file into `part` (resuming what is there), verifies it, and returns what was verified. */
  async fetchVerified(e: Expected, url: string, part: string): Promise<VerifiedFile> {
    await mkdir(dirname(part), { recursive: true });
    let restartedAfterMismatch = false;
    for (;;) {
      await this.withRetries(e.path, url, () => this.transfer(e, url, part));
      const size = (await stat(part)).size;
      const wrongSize = sizeMismatch(e, size, url);
      if (wrongSize) {
        await rm(part, { force: true });
        throw wrongSize;
      }
      const sha256 = await sha256File(part, this.signal);
      const wrongHash = sha256Mismatch(e, sha256, url);
      if (e.sha256 === null) {
        this.notes.push(computedNote(e, sha256));
      } else if (wrongHash) {
        await rm(part, { force: true });
        // A mismatch right after a resume may come from a stale .part (another revision): one clean restart.
        if (this.lastTransferResumed && !restartedAfterMismatch) {
          restartedAfterMismatch = true;
          this.notes.push(`${e.path}: the resumed file did not match its sha256; downloaded again from the start.`);
          continue;
        }
        throw wrongHash;
      }
      this.completed += size;
      return { path: e.path, size, sha256, verifiedBy: e.verifiedBy };
    }
  }

  /** One HTTP request: continues `part` from its current length when it has bytes, else starts it. */
  private async transfer(e: Expected, url: string, part: string): Promise<void> {
    let have = await sizeOf(part);
    if (e.size !== null && have > e.size) {
      await rm(part, { force: true });
      have = 0;
    }
    this.lastTransferResumed = have > 0;
    if (e.size !== null && have === e.size) {
      this.report(e, have);
      return; // complete from an earlier try: verified by the caller
    }
    const { response, touch, done, stalled } = await this.open(url, have > 0 ? { range: `bytes=${have}-` } : {});
    try {
      let append = false;
      if (response.status === 206 && have > 0) {
        const range = response.headers.get("content-range") ?? "";
        const match = /^bytes (\d+)-/.exec(range);
        if (!match || Number(match[1]) !== have) {
          await rm(part, { force: true });
          throw new TransientError(`${e.path}: the server answered the resume with Content-Range "${range}", not from byte ${have}; restarting the file (${url})`);
        }
        append = true;
      } else if (response.status === 416 && have > 0) {
        await rm(part, { force: true });
        throw new TransientError(`${e.path}: the server refused to resume at byte ${have} (HTTP 416); restarting the file (${url})`);
      } else if (!response.ok) {
        throw httpError(response.status, e.path, url);
      } else if (have > 0) {
        this.notes.push(`${e.path}: the server ignored the resume request (HTTP ${response.status}); downloaded the file from the start.`);
        this.lastTransferResumed = false;
      }
      if (!response.body) throw new TransientError(`${e.path}: empty response body from ${url}`);
      if (!append) await truncateOrCreate(part);
      let written = append ? have : 0;
      this.report(e, written);
      const counter = new Transform({
        transform: (chunk: Buffer, _encoding, callback) => {
          touch();
          written += chunk.length;
          this.transferred += chunk.length;
          if (e.size !== null && written > e.size) {
            callback(tooLong(e, url));
            return;
          }
          this.report(e, written);
          callback(null, chunk);
        },
      });
      await pipeline(
        Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>),
        counter,
        createWriteStream(part, { flags: "a" }),
      );
    } catch (error) {
      await response.body?.cancel().catch(() => {});
      throw stalled() ?? error;
    } finally {
      done();
    }
  }

}

async function truncateOrCreate(path: string): Promise<void> {
  await truncate(path, 0).catch(async () => writeFile(path, ""));
}
