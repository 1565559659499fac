/**
 * Adversarial documents through the prose segmenter, as the extension host runs it (`segmentAsync`, which yields to
 * the event loop every few milliseconds): for each document, the longest synchronous block of the thread (wall and
 * CPU time between two turns of the event loop), the total CPU time, and how many chunks were too heavy or too deeply
 * nested to parse and were read with plain-text rules. Target: no block over 50 ms. Then a few real markdown files
 * (Node's API docs and changelog, Rust's release notes) where this machine has them, to show what ordinary documents
 * cost per megabyte (the figures behind the live size limit and Analyze Folder's per-file limit).
 *
 * Run: `npx tsx bench/adversarial.mts` (about a minute). CPU times are the thread's own (less
 * sensitive to other processes than wall time on a shared machine); both are printed.
 */
import { existsSync, readFileSync } from "node:fs";
import { DocumentSegmenter } from "../src/core/segment";
import { machineInfo } from "./lib.mjs";

const TARGET_MS = 50;

const repeat = (count: number, make: (i: number) => string, join = "\n") => Array.from({ length: count }, (_, i) => make(i)).join(join);

/** The shapes of issue 24 and others that cost micromark far more than their length. */
const DOCUMENTS: Record<string, () => string> = {
  "*a* lines, no blank line (400 KB, issue 24)": () => repeat(100_000, () => "*a*"),
  "*a* on one line (400 KB)": () => repeat(100_000, () => "*a*", " "),
  "*a* paragraphs (600 KB, 100,000 chunks)": () => repeat(100_000, () => "*a*", "\n\n"),
  "nested emphasis *_*_… (20 KB)": () => "*_".repeat(5000) + "a" + "_*".repeat(5000),
  "prose lines, no blank line (1.49 MB, issue 24)": () => repeat(37_000, () => "the service was fine and the food was cold"),
  "one line of 1 MB": () => "terrible slow service ".repeat(48_000),
  "1,000 nested list items (1 MB, issue 24)": () => repeat(1000, (i) => `${" ".repeat(2 * i)}- item ${i}`),
  "- - - … on one line (10 KB)": () => "- ".repeat(5000) + "a",
  "5 KB of > (issue 24)": () => ">".repeat(5000) + " a",
  "quotes one level deeper per line (500 lines)": () => repeat(500, (i) => `${">".repeat(i + 1)} line ${i}`),
  "tight list of 20,000 items with emphasis": () => repeat(20_000, (i) => `- item **${i}** was [fine](https://x.test/${i})`),
  "[[[[…]]]] (100 KB)": () => "[".repeat(50_000) + "a" + "]".repeat(50_000),
  "[a [a [a … (100 KB)": () => "[a ".repeat(33_000),
  "10,000 link references and uses": () => repeat(10_000, (i) => `[r${i}]: https://x.test/${i}`) + "\n\n" + repeat(10_000, (i) => `[see][r${i}]`, " "),
  "table of 50,000 rows (400 KB)": () => "| a | b |\n|---|---|\n" + repeat(50_000, (i) => `| ${i} | y |`),
  "table row of 30,000 cells": () => `|${"a|".repeat(30_000)}\n|${"-|".repeat(30_000)}\n|${"x|".repeat(30_000)}`,
  "fenced code of 1 MB with blank lines": () => "```\n" + repeat(50_000, (i) => (i % 10 ? `let x${i} = [*a*];` : ""), "\n") + "\n```\n\nAfter.",
  "HTML and entities (400 KB)": () => repeat(40_000, () => "<b>x</b> &amp; &#123; \\* ~y~"),
  "backtick runs (200 KB)": () => repeat(20_000, (i) => "`".repeat((i % 9) + 1) + "a", " "),
  "autolinks and literal URLs (400 KB)": () => repeat(40_000, (i) => `www.x${i}.test <https://x.test/${i}> a@b.test`),
};

/** Real markdown that nobody here wrote, where this machine has it. */
const REAL = ["/usr/share/doc/nodejs/api/process.md", "/usr/share/doc/nodejs/api/http2.md", "/root/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/share/doc/rust/html/releases.md"];

interface Figures {
  blockWallMs: number;
  blockCpuMs: number;
  totalCpuMs: number;
  chunks: number;
  heavy: number;
  units: number;
}

/** Segments `text` as the host does, with a ticker on the event loop that records the longest gap between its turns. */
async function measure(text: string): Promise<Figures> {
  const segmenter = new DocumentSegmenter("markdown", "paragraph");
  let running = true;
  let blockWallMs = 0;
  let blockCpuMs = 0;
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  const tick = () => {
    const wall = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    blockWallMs = Math.max(blockWallMs, wall - lastWall);
    blockCpuMs = Math.max(blockCpuMs, (cpu.user + cpu.system) / 1000);
    lastWall = performance.now();
    lastCpu = process.cpuUsage();
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const start = process.cpuUsage();
  const units = (await segmenter.segmentAsync(text)) ?? [];
  const total = process.cpuUsage(start);
  running = false;
  await new Promise((resolve) => setImmediate(resolve));
  return { blockWallMs, blockCpuMs, totalCpuMs: (total.user + total.system) / 1000, chunks: segmenter.parsedChunks, heavy: segmenter.heavyChunks, units: units.length };
}

const info = machineInfo();
console.log(`CPU: ${info.cpuModel}, ${info.cores} cores, avx2 ${info.avx2}, avx512_vnni ${info.avx512vnni}, avx_vnni ${info.avxVnni}; load ${info.loadAverage1m.toFixed(1)}; Node ${info.node}`);
// Warm the parser up (JIT), as a host that has segmented a document before.
await measure(repeat(300, (i) => `Paragraph **${i}** with a [link](https://x.test/${i}) and \`code\`.\n\n- a\n- b`, "\n\n"));

const pad = (text: string, width: number) => text.padEnd(width);
const num = (value: number, width = 8) => value.toFixed(1).padStart(width);
console.log(`${pad("document", 50)} ${"KB".padStart(7)} ${"block ms".padStart(9)} ${"block cpu".padStart(9)} ${"total cpu".padStart(9)} ${"µs/KB".padStart(7)} chunks heavy units`);
let worst = 0;
for (const [name, make] of Object.entries(DOCUMENTS)) {
  const text = make();
  const figures = await measure(text);
  worst = Math.max(worst, figures.blockCpuMs);
  const kb = text.length / 1024;
  const flag = figures.blockCpuMs > TARGET_MS ? "  OVER" : "";
  console.log(
    `${pad(name, 50)} ${num(kb, 7)} ${num(figures.blockWallMs, 9)} ${num(figures.blockCpuMs, 9)} ${num(figures.totalCpuMs, 9)} ${num((1000 * figures.totalCpuMs) / kb, 7)} ${String(figures.chunks).padStart(6)} ${String(figures.heavy).padStart(5)} ${String(figures.units).padStart(5)}${flag}`,
  );
}
for (const file of REAL.filter((path) => existsSync(path))) {
  const text = readFileSync(file, "utf8");
  const figures = await measure(text);
  const kb = text.length / 1024;
  console.log(
    `${pad(`real: ${file.split("/").slice(-2).join("/")}`, 50)} ${num(kb, 7)} ${num(figures.blockWallMs, 9)} ${num(figures.blockCpuMs, 9)} ${num(figures.totalCpuMs, 9)} ${num((1000 * figures.totalCpuMs) / kb, 7)} ${String(figures.chunks).padStart(6)} ${String(figures.heavy).padStart(5)} ${String(figures.units).padStart(5)}`,
  );
}
console.log(`longest block (CPU): ${worst.toFixed(1)} ms; target <= ${TARGET_MS} ms: ${worst <= TARGET_MS ? "met" : "NOT met"}`);
