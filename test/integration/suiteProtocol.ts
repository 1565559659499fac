/**
 * What an in-editor suite tells its runner besides mocha's spec output, so the runner never reports success it did not
 * see (test/codeServer/suiteWatch.mjs reads these lines from the extension host's console):
 *
 *   # suite: 35 tests declared          when mocha starts (runner.total: the tests it will run)
 *   # suite: running: <full title>      as each test starts
 *   # suite: result 8: passed           as each test ends (passed / failed / pending), with the count so far
 *   # suite: alive                      every 5 s while it runs (an extension host whose event loop stopped is seen)
 *   # suite: ended: 35 passed, 0 failed, 0 pending
 *
 * A suite whose host died, restarted or stopped answering, or that reported fewer results than it declared, then fails
 * in the runner with the reason, whatever exit code the workbench passes on.
 */

/** The part of mocha's Runner used here (Node's mocha and its browser build both have it). */
interface RunnerEvents {
  total: number;
  on(event: "start" | "end", listener: () => void): unknown;
  on(event: "test", listener: (test: { fullTitle(): string }) => void): unknown;
  on(event: "pass" | "fail" | "pending", listener: (test: { fullTitle(): string }) => void): unknown;
}

export const HEARTBEAT_MS = 5_000;

/** Prints the protocol lines for `runner` (call right after mocha.run). */
export function reportProgress(runner: RunnerEvents, log: (line: string) => void = (line) => console.log(line)): void {
  const counts = { passed: 0, failed: 0, pending: 0 };
  let results = 0;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const result = (kind: keyof typeof counts) => {
    counts[kind]++;
    results++;
    log(`# suite: result ${results}: ${kind}`);
  };
  // "start" fires synchronously inside mocha.run's first tick in some builds: print the total here too, once.
  let declared = false;
  const declare = () => {
    if (declared) return;
    declared = true;
    log(`# suite: ${runner.total} tests declared`);
    heartbeat = setInterval(() => log("# suite: alive"), HEARTBEAT_MS);
    (heartbeat as { unref?: () => void }).unref?.();
  };
  runner.on("start", declare);
  runner.on("test", (test) => {
    declare();
    log(`# suite: running: ${test.fullTitle()}`);
  });
  runner.on("pass", () => result("passed"));
  // A failing hook is reported as a failure too; the tests it skipped are then missing from the count, which is itself
  // a failure in the runner.
  runner.on("fail", () => result("failed"));
  runner.on("pending", () => result("pending"));
  runner.on("end", () => {
    declare();
    if (heartbeat) clearInterval(heartbeat);
    log(`# suite: ended: ${counts.passed} passed, ${counts.failed} failed, ${counts.pending} pending`);
  });
}

/**
 * For a run() that is no mocha suite (a benchmark): declares one test, reports it passed or failed, and ends, with the
 * heartbeat while it runs.
 */
export async function reportPlainRun(name: string, body: () => Promise<void>, log: (line: string) => void = (line) => console.log(line)): Promise<void> {
  log("# suite: 1 tests declared");
  log(`# suite: running: ${name}`);
  const heartbeat = setInterval(() => log("# suite: alive"), HEARTBEAT_MS);
  (heartbeat as { unref?: () => void }).unref?.();
  try {
    await body();
    log("# suite: result 1: passed");
    log("# suite: ended: 1 passed, 0 failed, 0 pending");
  } catch (error) {
    log("# suite: result 1: failed");
    log("# suite: ended: 0 passed, 1 failed, 0 pending");
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}
