// The runner's side of test/integration/suiteProtocol.ts: reads the lines an in-editor suite prints to the extension
// host's console and decides, from what it saw, whether the suite passed. Pure (no I/O), so the unit suite tests it
// (test/unit/suiteWatch.test.ts); runIntegration.mjs feeds it and asks for the verdict.
//
// A suite passes only when: it declared its tests, reported a result for each of them, printed its end line with no
// failure, the workbench passed exit code 0, its extension host did not die (code-server's log) and did not start the
// suite a second time (a restarted host), and its heartbeat never stopped for longer than the stall limit.

const DECLARED = /^# suite: (\d+) tests declared$/;
const RUNNING = /^# suite: running: (.*)$/;
const RESULT = /^# suite: result (\d+): (passed|failed|pending)$/;
const ENDED = /^# suite: ended: (\d+) passed, (\d+) failed, (\d+) pending$/;
const ALIVE = /^# suite: alive$/;
/** The workbench's own log line when its connection to the extension host drops (it then tries to reconnect). */
const DISCONNECT = /\[remote-connection\]\[ExtensionHost\].*received socket close event/;

export class SuiteWatch {
  constructor(now = Date.now) {
    this.now = now;
    this.declared = undefined;
    this.starts = 0;
    this.results = 0;
    this.counts = { passed: 0, failed: 0, pending: 0 };
    this.running = undefined;
    this.ended = undefined;
    this.lastSign = now();
    this.problem = undefined;
    /** Times the workbench lost its connection to the extension host (what the host sends meanwhile is held in it). */
    this.disconnects = 0;
  }

  /**
   * Reads one console message (may hold several lines). Returns the text to print: the protocol lines the user needs
   * no copy of (heartbeats, running/result markers) are left out.
   */
  feed(text) {
    const keep = [];
    for (const line of String(text).split("\n")) {
      const trimmed = line.trim();
      let m;
      if ((m = DECLARED.exec(trimmed))) {
        this.starts++;
        this.lastSign = this.now();
        if (this.starts > 1 && !this.problem) {
          this.problem = `the suite started again after ${this.results} of ${this.declared} results: the extension host restarted`;
        }
        this.declared = Number(m[1]);
        keep.push(line);
      } else if ((m = RUNNING.exec(trimmed))) {
        this.running = m[1];
        this.lastSign = this.now();
      } else if ((m = RESULT.exec(trimmed))) {
        this.results++;
        this.counts[m[2]]++;
        this.running = undefined;
        this.lastSign = this.now();
      } else if ((m = ENDED.exec(trimmed))) {
        this.ended = { passed: Number(m[1]), failed: Number(m[2]), pending: Number(m[3]) };
        this.lastSign = this.now();
        keep.push(line);
      } else if (ALIVE.test(trimmed)) {
        this.lastSign = this.now();
      } else {
        if (DISCONNECT.test(trimmed)) this.disconnects++;
        keep.push(line);
      }
    }
    return keep.join("\n");
  }

  /** Milliseconds since the suite last gave a sign of life (any protocol line). */
  silentFor() {
    return this.now() - this.lastSign;
  }

  /** Where the suite was, for a message: "after 8 of 35 results, in <test>". */
  where() {
    const of = this.declared === undefined ? "" : ` of ${this.declared}`;
    return `after ${this.results}${of} results${this.running ? `, in "${this.running}"` : ""}`;
  }

  /**
   * The verdict once the workbench said the suite ended (`exitCode`) or the run was stopped for `stopped` (a reason).
   * `hostDeaths`: sentences from code-server's log about extension hosts that died (parseHostExits below).
   * @returns {{ ok: boolean, reasons: string[], totals: { passed: number, failed: number, skipped: number } }}
   */
  verdict({ exitCode, stopped, hostDeaths = [] } = {}) {
    const reasons = [];
    if (stopped) reasons.push(`${stopped} (${this.where()})`);
    for (const death of hostDeaths) reasons.push(`${death} (${this.where()})`);
    if (this.problem) reasons.push(this.problem);
    // Not a failure on its own (the workbench reconnects), but said where the suite failed: it explains a hang.
    if (this.disconnects && (stopped || !this.ended)) reasons.push(`the workbench lost its connection to the extension host ${this.disconnects} time(s) during the suite`);
    if (this.declared === undefined) reasons.push("the suite never declared its tests: it did not start, or does not report (test/integration/suiteProtocol.ts)");
    else {
      if (!this.ended) reasons.push(`the suite never reported its end ${this.where()}: its extension host died or stopped answering`);
      if (this.results < this.declared) reasons.push(`the suite reported ${this.results} results of the ${this.declared} tests it declared`);
    }
    if (this.counts.failed) reasons.push(`${this.counts.failed} test(s) failed`);
    if (exitCode !== undefined && exitCode !== 0) reasons.push(`the workbench reported exit code ${exitCode}`);
    // Uncounted tests are failures: the totals never add up to fewer tests than were declared.
    const missing = this.declared === undefined ? 1 : Math.max(0, this.declared - this.results);
    const failedExtra = reasons.length && !this.counts.failed && !missing ? 1 : 0;
    return {
      ok: reasons.length === 0,
      reasons,
      totals: { passed: this.counts.passed, failed: this.counts.failed + missing + failedExtra, skipped: this.counts.pending },
    };
  }
}

/**
 * Extension host exits in code-server's log text ("<pid> Extension Host Process exited with code: C, signal: S."):
 * `abnormal` holds a sentence for each one with a non-zero code or a signal. codeServer.mjs extensionHostExits reads
 * the log file.
 */
export function parseHostExits(text) {
  const abnormal = [];
  let exits = 0;
  for (const [, pid, code, signal] of text.matchAll(/<(\d+)> Extension Host Process exited with code: (\S+?), signal: (\S+?)\./g)) {
    exits++;
    if (!(code === "0" && signal === "null")) {
      abnormal.push(`the extension host (pid ${pid}) died: exit code ${code}, signal ${signal}${signal === "SIGKILL" ? " (killed: out of memory, or by hand)" : ""}`);
    }
  }
  return { exits, abnormal };
}
