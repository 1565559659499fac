/**
 * The in-editor runner's own tests: it never reports success it did not see. The verdict (test/codeServer/suiteWatch.mjs)
 * on protocol lines as a suite prints them (test/integration/suiteProtocol.ts), and the real runner
 * (test/codeServer/runIntegration.mjs, code-server + chromium) on fake suites whose extension host is killed with
 * SIGKILL or that stop after 1 of 3 tests: it must exit non-zero and say why.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./helpers";

type Verdict = { ok: boolean; reasons: string[]; totals: { passed: number; failed: number; skipped: number } };
const { SuiteWatch, parseHostExits } = require("../../test/codeServer/suiteWatch.mjs") as {
  SuiteWatch: new (now?: () => number) => {
    feed(text: string): string;
    silentFor(): number;
    declared?: number;
    results: number;
    verdict(o?: { exitCode?: number; stopped?: string; hostDeaths?: string[] }): Verdict;
  };
  parseHostExits: (text: string) => { exits: number; abnormal: string[] };
};

const lines = (...l: string[]) => l.join("\n");

describe("the in-editor runner's verdict (suiteWatch)", () => {
  it("passes a suite that declared 2 tests, reported both and ended, with exit code 0", () => {
    const watch = new SuiteWatch();
    const shown = watch.feed(lines("# suite: 2 tests declared", "# suite: running: a", "  ✔ a", "# suite: result 1: passed", "# suite: alive", "# suite: running: b", "# suite: result 2: pending", "# suite: ended: 1 passed, 0 failed, 1 pending"));
    assert.equal(shown, lines("# suite: 2 tests declared", "  ✔ a", "# suite: ended: 1 passed, 0 failed, 1 pending"), "protocol noise is not printed");
    assert.deepEqual(watch.verdict({ exitCode: 0 }), { ok: true, reasons: [], totals: { passed: 1, failed: 0, skipped: 1 } });
  });

  it("fails a suite that stopped after 8 of 35 with exit code 0, naming where it was", () => {
    const watch = new SuiteWatch();
    watch.feed("# suite: 35 tests declared");
    for (let i = 1; i <= 8; i++) watch.feed(`# suite: running: t${i}\n# suite: result ${i}: passed`);
    watch.feed("# suite: running: a document with NUL bytes");
    const verdict = watch.verdict({ exitCode: 0 });
    assert.equal(verdict.ok, false);
    assert.match(verdict.reasons.join("\n"), /never reported its end after 8 of 35 results, in "a document with NUL bytes"/);
    assert.match(verdict.reasons.join("\n"), /reported 8 results of the 35 tests it declared/);
    assert.deepEqual(verdict.totals, { passed: 8, failed: 27, skipped: 0 }, "the 27 unreported tests count as failed");
  });

  it("fails a suite whose host died, restarted, or never declared its tests", () => {
    const died = new SuiteWatch();
    died.feed("# suite: 3 tests declared\n# suite: result 1: passed");
    died.feed("[remote-connection][ExtensionHost][f3773…][reconnect] received socket close event (wasClean: false, code: 1006, reason: ).");
    const { abnormal } = parseHostExits("[x] <4242> Extension Host Process exited with code: null, signal: SIGKILL.\n");
    assert.match(died.verdict({ exitCode: 0, hostDeaths: abnormal }).reasons[0], /extension host \(pid 4242\) died: exit code null, signal SIGKILL \(killed: out of memory, or by hand\) \(after 1 of 3 results\)/);

    assert.match(died.verdict({ exitCode: 0 }).reasons.join("\n"), /lost its connection to the extension host 1 time\(s\)/);

    const restarted = new SuiteWatch();
    restarted.feed("# suite: 3 tests declared\n# suite: result 1: passed\n# suite: 3 tests declared");
    assert.match(restarted.verdict({ exitCode: 0 }).reasons.join("\n"), /started again after 1 of 3 results: the extension host restarted/);

    const silent = new SuiteWatch();
    silent.feed("some output, no protocol");
    assert.match(silent.verdict({ exitCode: 0 }).reasons.join("\n"), /never declared its tests/);
    assert.equal(silent.verdict({ exitCode: 0 }).totals.failed, 1);
  });

  it("measures the silence since the last sign of life (the stall watchdog's input)", () => {
    let now = 1_000;
    const watch = new SuiteWatch(() => now);
    watch.feed("# suite: 1 tests declared");
    now += 30_000;
    assert.equal(watch.silentFor(), 30_000);
    watch.feed("# suite: alive");
    assert.equal(watch.silentFor(), 0);
    now += 5_000;
    watch.feed("ordinary output is no sign of the suite's own progress");
    assert.equal(watch.silentFor(), 5_000);
  });

  it("reads code-server's host exits: a window reload (code 0) is normal, a code or a signal is not", () => {
    const log = lines(
      "[12:00:01] <100> Extension Host Process exited with code: 0, signal: null.",
      "[12:00:09] <200> Extension Host Process exited with code: 134, signal: null.",
      "[12:00:10] <300> Extension Host Process exited with code: null, signal: SIGKILL.",
    );
    const { exits, abnormal } = parseHostExits(log);
    assert.equal(exits, 3);
    assert.deepEqual(abnormal.map((a) => /pid (\d+)/.exec(a)?.[1]), ["200", "300"]);
  });
});

describe("the in-editor runner on a real extension host (code-server)", function () {
  const cache = process.env.INLINE_SENTIMENT_CACHE || join(homedir(), ".cache", "inline-sentiment");
  const installed = existsSync(join(cache, "code-server", "bin", "code-server")) && existsSync(join(cache, "node24", "bin", "node"));
  this.timeout(240_000);
  before(function () {
    if (!installed) {
      console.log(`      (code-server is not set up in ${cache}: run bash scripts/setup-code-server.sh; skipped)`);
      this.skip();
    }
  });

  /** Runs runIntegration.mjs on a fake suite of test/fixtures/harness; resolves to its exit code, output and totals. */
  function runFake(suite: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string; totals?: { passed: number; failed: number } }> {
    const dir = mkdtempSync(join(tmpdir(), "inline-sentiment-runner-"));
    const resultFile = join(dir, "result.json");
    const fixture = join(ROOT, "test", "fixtures", "harness");
    const child = spawn(process.execPath, [join(ROOT, "test", "codeServer", "runIntegration.mjs")], {
      cwd: ROOT,
      env: { ...process.env, IS_EXTENSION_DIR: fixture, IS_SUITE: join(fixture, suite), IS_WORKSPACE: fixture, IS_RUN_DIR: join(dir, "run"), IS_RESULT_FILE: resultFile, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    return new Promise((resolve) => {
      child.on("close", (code) => {
        let totals;
        try {
          totals = JSON.parse(readFileSync(resultFile, "utf8"));
        } catch {
          // none written
        }
        rmSync(dir, { recursive: true, force: true });
        resolve({ code, out, totals });
      });
    });
  }

  it("exits 1 naming the kill when the suite's extension host is killed with SIGKILL after 1 of 3 tests", async () => {
    const { code, out, totals } = await runFake("killedSuite.js");
    assert.equal(code, 1, out);
    assert.match(out, /error: the extension host \(pid \d+\) died: exit code \S+, signal SIGKILL/, out);
    assert.match(out, /after 1 of 3 results, in "fake second test"/, out);
    assert.deepEqual(totals, { passed: 1, failed: 2, skipped: 0 });
  });

  it("stops an extension host that grows past IS_HOST_RSS_MB at once, names it and keeps its record", async () => {
    const { code, out, totals } = await runFake("growingSuite.js", { IS_HOST_RSS_MB: "600" });
    assert.equal(code, 1, out);
    assert.match(out, /error: the extension host \(pid \d+\) grew past 600 MB of resident memory \(\d+ MB\): the runner stopped it/, out);
    assert.match(out, /extension host \d+: resident \d+ MB/, "the record's first lines are printed");
    assert.match(out, /after 1 of 2 results, in "fake growing test"/, out);
    assert.deepEqual(totals, { passed: 1, failed: 1, skipped: 0 });
  });

  it("exits 1 when the suite ends with exit code 0 after reporting 1 of its 3 tests", async () => {
    const { code, out, totals } = await runFake("stoppedSuite.js");
    assert.equal(code, 1, out);
    assert.match(out, /error: the suite reported 1 results of the 3 tests it declared/, out);
    assert.deepEqual(totals, { passed: 1, failed: 2, skipped: 0 });
  });
});
