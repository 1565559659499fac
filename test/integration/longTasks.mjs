// Summarises a CPU profile of the extension host's main thread (scaleBench.ts with SCALE_PROFILE=file): every stretch
// of more than MIN ms without an idle sample, with the functions that took most of it (self time, and the outermost
// frames of this project's code), so the long tasks can be found without opening DevTools. When the bench's late ticks
// lie beside the profile (file.cpuprofile.late.json), it then says what ran in each tick whose thread CPU was over MIN:
// a stretch without idle samples may be many short event-loop turns (sliced work); a late tick is one long turn.
//
//   node test/integration/longTasks.mjs file.cpuprofile [MIN=15]
import { existsSync, readFileSync } from "node:fs";

const [file, min = "15"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const name = (node) => `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").slice(-2).join("/")}:${node.callFrame.lineNumber + 1}`;
const ours = (node) => /\/dist\/(extension|test)/.test(node.callFrame.url);

/** The outermost frame of our own code on a sample's stack, else its top frame. */
function entry(id) {
  let found;
  for (let at = id; at !== undefined; at = parent.get(at)) if (ours(nodes.get(at))) found = at;
  return nodes.get(found ?? id);
}

let time = profile.startTime;
const stretches = [];
let current;
/** Each sample's time (us), node and duration (ms). */
const samples = [];
profile.samples.forEach((id, i) => {
  time += profile.timeDeltas[i];
  const node = nodes.get(id);
  samples.push({ time, node, id, step: (profile.timeDeltas[i + 1] ?? 0) / 1000 });
  const idle = node.callFrame.functionName === "(idle)";
  if (idle) {
    if (current) stretches.push(current);
    current = undefined;
    return;
  }
  current ??= { start: time, end: time, self: new Map(), entries: new Map() };
  const step = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  current.end = time;
  current.self.set(name(node), (current.self.get(name(node)) ?? 0) + step);
  const outer = name(entry(id));
  current.entries.set(outer, (current.entries.get(outer) ?? 0) + step);
});
if (current) stretches.push(current);
const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v.toFixed(1)} ms ${k}`);
const long = stretches.filter((s) => (s.end - s.start) / 1000 > Number(min));
console.log(`${long.length} stretches over ${min} ms`);
for (const s of long) {
  console.log(`\n${((s.end - s.start) / 1000).toFixed(1)} ms at ${((s.start - profile.startTime) / 1000).toFixed(0)} ms`);
  console.log("  outermost own frames:\n    " + top(s.entries, 5).join("\n    "));
  console.log("  self:\n    " + top(s.self, 6).join("\n    "));
}

const lateFile = `${file}.late.json`;
if (existsSync(lateFile)) {
  const late = JSON.parse(readFileSync(lateFile, "utf8")).filter((tick) => (tick.cpu ?? 0) > Number(min));
  console.log(`\n${late.length} late ticks with more than ${min} ms of the thread's CPU`);
  for (const tick of late) {
    const self = new Map();
    const entries = new Map();
    for (const { time, node, id, step } of samples) {
      if (time < tick.fromUs || time > tick.toUs || node.callFrame.functionName === "(idle)") continue;
      self.set(name(node), (self.get(name(node)) ?? 0) + step);
      const outer = name(entry(id));
      entries.set(outer, (entries.get(outer) ?? 0) + step);
    }
    console.log(`\n+${tick.late} ms late at ${tick.at} ms (cpu ${tick.cpu} ms)`);
    console.log("  outermost own frames:\n    " + top(entries, 6).join("\n    "));
    console.log("  self:\n    " + top(self, 8).join("\n    "));
  }
}
