/**
 * Memory of one benchmark set-up, in a fresh process: peak RSS (VmHWM) growth while the set-up loads and scores the
 * given rows. Usage: node bench/setupRss.mjs SETUP_JSON ROWS_JSON_FILE   (prints one JSON line)
 * SETUP_JSON: a rawContender description ({ file, threads, x64qp, sessions, batch, spread }) or { kind: "anchor", dir }.
 */
import { readFileSync } from "node:fs";
import { anchorContender, rawContender } from "./interleave.mjs";
import { rssMB } from "./lib.mjs";

const setup = JSON.parse(process.argv[2]);
const { rows, texts } = JSON.parse(readFileSync(process.argv[3], "utf8"));
const before = rssMB().current;
const contender = setup.kind === "anchor" ? anchorContender(setup.dir) : rawContender(setup);
await contender.start();
await contender.run(rows, texts);
const peak = rssMB().peak;
await contender.stop();
console.log(JSON.stringify({ rssBeforeMB: Math.round(before), peakMB: Math.round(peak), growthMB: Math.round(peak - before) }));
