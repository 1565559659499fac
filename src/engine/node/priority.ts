/**
 * The engine's threads run at a lower OS priority than the editor. On a machine with as many cores as the engine uses
 * threads, the host's thread (VS Code's extension host, the CLI's main thread) otherwise waits for a core behind
 * onnxruntime's threads, and its event loop stalls for a scheduler slice (measured: 20-40 ms stalls while the engine
 * scores a large document on 2 cores, none above 10 ms with the engine's threads at nice 10).
 *
 * Only the calling thread (the engine's worker) is lowered. On Linux a thread inherits its creator's nice value, so
 * threads created from this thread afterwards (onnxruntime's pool, when a session is created on it) run at the same
 * priority, while threads of the rest of the process (in VS Code: other extensions') are never touched. Runs that
 * onnxruntime-node hands to Node's libuv pool (its async work) run on threads the whole process shares: not ours to
 * lower. Linux only: there a thread id can be given to setpriority; elsewhere this does nothing.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";

/** How much lower than the editor the engine's threads run (nice value added). */
const NICENESS = 10;

/** Lowers the priority of the calling thread (Linux). */
export function lowerOwnPriority(): void {
  let own: number;
  try {
    own = Number(readlinkSync("/proc/thread-self").split("/").pop());
  } catch {
    return; // no /proc: not Linux
  }
  try {
    setPriority(own, NICENESS);
  } catch {
    // Not permitted: the engine runs at normal priority.
  }
}
