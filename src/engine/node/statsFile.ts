/**
 * Counters written to a file every second, for the soak harness's watchdog (scripts/soak.mjs): set
 * INLINE_SENTIMENT_STATS_DIR and the extension host (host.json) and the engine worker (engine-worker.json) each write
 * what they hold: process.memoryUsage() of their thread (heap, external, array buffers; rss is the process's), V8's heap
 * statistics and their own counters. Each thread writes from its own event loop, so a host whose loop is stuck still has
 * its worker's file going (and the other way round). Node only; unused (and never imported by the web build) otherwise.
 *
 * A file `heap-snapshot.request` in that folder asks the thread that sees it first to write a heap snapshot there
 * (v8.writeHeapSnapshot): the watchdog's last look inside a runaway, best effort.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { getHeapStatistics, writeHeapSnapshot } from "node:v8";

export const STATS_DIR_ENV = "INLINE_SENTIMENT_STATS_DIR";
const EVERY_MS = 1_000;

/** Starts writing `name` in the stats folder every second, when INLINE_SENTIMENT_STATS_DIR is set; returns a stop. */
export function writeStatsEvery(name: string, read: () => unknown, dir = process.env[STATS_DIR_ENV]): () => void {
  if (!dir) return () => undefined;
  const file = join(dir, name);
  const write = () => {
    try {
      const request = join(dir, "heap-snapshot.request");
      if (existsSync(request)) {
        rmSync(request, { force: true });
        writeHeapSnapshot(join(dir, `${name.replace(/\.json$/, "")}-${process.pid}-${threadId}.heapsnapshot`));
      }
      const heap = getHeapStatistics();
      const body = {
        at: new Date().toISOString(),
        pid: process.pid,
        threadId,
        memory: process.memoryUsage(),
        heap: { used: heap.used_heap_size, total: heap.total_heap_size, limit: heap.heap_size_limit, external: heap.external_memory },
        counters: read(),
      };
      writeFileSync(`${file}.tmp`, JSON.stringify(body));
      renameSync(`${file}.tmp`, file);
    } catch {
      // best effort: a full disk must not stop the extension
    }
  };
  const timer = setInterval(write, EVERY_MS);
  timer.unref();
  write();
  return () => clearInterval(timer);
}
