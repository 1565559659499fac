/**
 * The engine's threads run at a lower OS priority than the editor. On a machine with as many cores as the engine uses
 * threads, the host's thread (VS Code's extension host, the CLI's main thread) otherwise waits for a core behind
 * onnxruntime's threads, and its event loop stalls for a scheduler slice (measured: 20-40 ms stalls while the engine
 * scores a large document on 2 cores, none above 10 ms with the engine's threads at nice 10). Linux only: there a
 * thread id can be given to setpriority; elsewhere this does nothing.
 */
import { readdirSync, readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/** How much lower than the editor the engine's threads run (nice value added). */
const NICENESS = 10;

/** Ids of this process's threads (Linux), or an empty set. */
export function threadIds(): Set<number> {
  try {
    return new Set(readdirSync("/proc/self/task").map(Number));
  } catch {
    return new Set();
  }
}

/** This thread's id (Linux), or undefined. */
function ownThreadId(): number | undefined {
  try {
    return Number(readlinkSync("/proc/thread-self").split("/").pop());
  } catch {
    return undefined;
  }
}

/** Lowers the priority of the calling thread and of every thread started since `before` was taken. */
export function lowerPriority(before: ReadonlySet<number>): void {
  const own = ownThreadId();
  const started = [...threadIds()].filter((id) => !before.has(id));
  for (const id of own === undefined ? started : [own, ...started]) {
    try {
      setPriority(id, NICENESS);
    } catch {
      // Not permitted or not a thread id on this platform: the engine runs at normal priority.
    }
  }
}
