/**
 * The files of src/: no two share a name unless their folders name the runtime (node/, web/), and no index.ts (a
 * folder's entry point is the file of its name beside it). The import graph of src/: no import circles (type-only imports and lazy import()s count: a circle of any kind ties
 * the files into one unit that cannot be read, tested or moved apart). The floors themselves are the lint's
 * (eslint.config.mjs); a circle inside one floor is what the lint cannot see.
 */
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import * as ts from "typescript";
import { ROOT } from "./helpers";

const SRC = join(ROOT, "src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

/** The file a relative specifier names (x.ts or x/index.ts), or undefined for a package or another kind of file. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, "index.ts")].find((candidate) => existsSync(candidate));
}

/** Every file of src/ with the src/ files it imports (static, type-only, re-exports and import()). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    graph.set(file, [...new Set(importedFiles.map((ref) => resolveImport(file, ref.fileName)).filter((f): f is string => f !== undefined))]);
  }
  return graph;
}

/** The graph's strongly connected components of more than one file (Tarjan), each as sorted src/-relative paths. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.map((f) => relative(SRC, f).split(sep).join("/")).sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

/** The runtime a file's folder names: "node" or "web" (a folder of that name on its path), else "shared". */
function runtimeOf(path: string): string {
  const folders = relative(SRC, dirname(path)).split(sep);
  return folders.includes("node") ? "node" : folders.includes("web") ? "web" : "shared";
}

/** Groups of src/-relative paths that share a file name and are not told apart by their runtime folders. */
function sameNames(files: string[]): string[][] {
  const byName = new Map<string, string[]>();
  for (const file of files) {
    const name = file.split(sep).pop()!;
    byName.set(name, [...(byName.get(name) ?? []), file]);
  }
  return [...byName.values()]
    .filter((group) => new Set(group.map(runtimeOf)).size < group.length)
    .map((group) => group.map((f) => relative(SRC, f).split(sep).join("/")).sort());
}

describe("the files of src/", () => {
  it("share no name unless their folders name the runtime, and none is an index.ts", () => {
    const files = sources(SRC);
    assert.deepEqual(sameNames(files), []);
    assert.deepEqual(files.filter((f) => f.endsWith(`${sep}index.ts`)).map((f) => relative(SRC, f)), []);
  });

  it("finds two files of one name in the same runtime, and lets node/ and web/ tell them apart", () => {
    const at = (...parts: string[]) => join(SRC, ...parts);
    assert.deepEqual(sameNames([at("engine", "client.ts"), at("engine", "tables", "client.ts")]), [["engine/client.ts", "engine/tables/client.ts"]]);
    assert.deepEqual(sameNames([at("extension.ts"), at("node", "extension.ts"), at("web", "extension.ts")]), []);
    assert.deepEqual(sameNames([at("node", "a.ts"), at("engine", "node", "a.ts")]), [["engine/node/a.ts", "node/a.ts"]]);
  });
});

describe("the import graph of src/", () => {
  it("has no import circles", () => {
    const graph = importGraph();
    assert.ok(graph.size > 100, `read ${graph.size} files`);
    const found = circles(graph).map((component) => component.join(" <-> "));
    assert.deepEqual(found, []);
  });

  it("finds a circle, type-only or lazy, when there is one", () => {
    const a = join(SRC, "a.ts");
    const b = join(SRC, "b.ts");
    const c = join(SRC, "c.ts");
    assert.deepEqual(circles(new Map([[a, [b]], [b, [c]], [c, [a]]])), [["a.ts", "b.ts", "c.ts"]]);
    assert.deepEqual(circles(new Map([[a, [b]], [b, []], [c, [a]]])), []);
    const { importedFiles } = ts.preProcessFile('import type { X } from "./x";\nexport { y } from "./y";\nconst z = () => import("./z");', true, true);
    assert.deepEqual(importedFiles.map((ref) => ref.fileName), ["./x", "./y", "./z"]);
  });
});
