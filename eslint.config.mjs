// The layer rules of the code base, enforced (`npm run lint`, part of `npm test`). The floors, each importing only
// the floors below it (CONTRIBUTING.md "The floors"):
//   core (pure) < engine | models (no vscode; neither imports the other) < editor (with config.ts) < panel < commands
//   < extension.ts (wiring, for either host) < node/extension.ts | web/extension.ts (each host's entry). The CLI uses core, engine and models only; only the engine's native backend loads
//   onnxruntime-node; the panel's page runs in a browser. Plus typescript-eslint's recommended rules.
import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";

/** An import of another layer's folder, at any depth of `../`. */
const layer = (...names) => ({ regex: `^(\\.{1,2}/)+(${names.join("|")})(/|$)` });
const vscode = { name: "vscode", message: "This layer does not use the VS Code API." };
const nativeRuntime = {
  name: "onnxruntime-node",
  allowTypeImports: true,
  message: "Only src/engine/node/nativeBackend.ts loads the native runtime (type imports are fine).",
};
const wasmRuntime = {
  name: "onnxruntime-web",
  allowTypeImports: true,
  message: "Only src/engine/worker/wasmBackend.ts loads the WebAssembly runtime (type imports are fine).",
};

/** no-restricted-imports for a layer: the named modules, and imports of the named folders. */
function restrict(message, paths, ...folders) {
  return {
    "no-restricted-imports": ["error", { paths, patterns: folders.length ? [{ ...layer(...folders), message }] : [] }],
  };
}

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".test-run/**", "bench/**", "scripts/**", "test/codeServer/**", "**/*.mjs", "**/*.cjs"] },
  ...tseslint.configs.recommended,
  { rules: { "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }] } },
  {
    files: ["src/core/**/*.ts"],
    rules: restrict(
      "core/ is pure: it imports no other layer.",
      [vscode, nativeRuntime, wasmRuntime],
      "engine", "models", "editor", "panel", "commands", "extension", "config", "cli",
    ),
  },
  {
    files: ["src/engine/**/*.ts"],
    ignores: ["src/engine/node/nativeBackend.ts", "src/engine/worker/wasmBackend.ts"],
    rules: restrict("engine/ runs without VS Code (the CLI and the worker use it), on core only: not on models/ (a floor beside it).", [vscode, nativeRuntime, wasmRuntime], "models", "editor", "panel", "commands", "extension", "config", "cli"),
  },
  {
    files: ["src/models/**/*.ts"],
    rules: restrict("models/ runs without VS Code (the CLI uses it), on core only: not on engine/ (a floor beside it).", [vscode, nativeRuntime, wasmRuntime], "engine", "editor", "panel", "commands", "extension", "config", "cli"),
  },
  {
    files: ["src/engine/node/nativeBackend.ts"],
    rules: restrict("engine/ runs without VS Code.", [vscode, wasmRuntime], "models", "editor", "panel", "commands", "extension", "config", "cli"),
  },
  {
    files: ["src/engine/worker/wasmBackend.ts"],
    rules: restrict("engine/ runs without VS Code.", [vscode, nativeRuntime], "models", "editor", "panel", "commands", "extension", "config", "cli"),
  },
  {
    files: ["src/cli.ts"],
    rules: restrict("The CLI uses core, engine and models only.", [vscode, nativeRuntime, wasmRuntime], "editor", "panel", "commands", "extension", "config"),
  },
  // The VS Code floors, strictly ordered: editor (and config.ts) < panel < commands < extension.ts.
  {
    files: ["src/editor/**/*.ts", "src/config.ts"],
    rules: restrict("editor/ is the floor under panel/ and commands/, and only extension.ts wires the layers together.", [nativeRuntime, wasmRuntime], "panel", "commands", "extension", "cli"),
  },
  {
    files: ["src/panel/**/*.ts"],
    rules: restrict("panel/ is the floor under commands/, and only extension.ts wires the layers together.", [nativeRuntime, wasmRuntime], "commands", "extension", "cli"),
  },
  {
    files: ["src/commands/**/*.ts"],
    rules: restrict("Only extension.ts wires the layers together.", [nativeRuntime, wasmRuntime], "extension", "cli"),
  },
  {
    // The analysis pipeline's steps take plain objects (a minimal document shape), so plain mocha tests them.
    files: ["src/editor/analysis/**/*.ts"],
    rules: restrict("The analysis pipeline runs without VS Code: editor/analysisService.ts adapts it.", [vscode, nativeRuntime, wasmRuntime], "extension", "cli", "panel", "commands", "config"),
  },
  {
    // The summary page's script runs in the webview: a browser, without Node or the VS Code API.
    files: ["src/panel/page/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [vscode, nativeRuntime], patterns: [{ regex: "^node:", message: "The page runs in a browser." }] }],
    },
  },
  // The engine code the web worker shares (docs/WEB-BUILD.md): no Node APIs (the runtime rule below covers every
  // shared file; this one keeps the layers).
  ...[
    [["src/engine/worker/model.ts", "src/engine/worker/files.ts", "src/engine/worker/backend.ts", "src/engine/worker/batching.ts", "src/engine/worker/kernels.ts"], [vscode, nativeRuntime, wasmRuntime], "models"],
    [["src/engine/worker/wasmBackend.ts"], [vscode, nativeRuntime], "models"],
    // The table worker's message handling, which the web build's table Web Worker runs too.
    [["src/engine/tables/serve.ts", "src/engine/tables/tableProtocol.ts"], [vscode, nativeRuntime, wasmRuntime], "models"],
    // The model download's pure parts, which the web build's fetch download (webDownload.ts) runs in a browser.
    [["src/models/webDownload.ts", "src/models/checks.ts", "src/models/requests.ts", "src/models/downloadErrors.ts", "src/models/manifest.ts", "src/models/hub.ts"], [vscode, nativeRuntime, wasmRuntime], "engine"],
  ].map(([files, paths, beside]) => ({
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths,
          patterns: [
            { regex: "^node:", message: "Shared with the web worker: Node-only code lives in src/engine/node/." },
            { ...layer(beside, "editor", "panel", "commands", "extension", "config", "cli"), message: "engine/ and models/ run without VS Code, on core only (neither imports the other)." },
          ],
        },
      ],
    },
  })),
  {
    // VS Code for the Web: src/web runs in a browser (the web worker extension host and the engine's Web Worker).
    files: ["src/web/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [nativeRuntime, wasmRuntime],
          patterns: [{ regex: "^node:", message: "src/web runs in a browser: no Node modules." }],
        },
      ],
    },
  },
  {
    // The engine's Web Worker and what it shares with the host: no VS Code API in a worker.
    files: ["src/web/engineWorker.ts", "src/web/tableWorker.ts", "src/web/messages.ts", "src/web/shims/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [vscode, nativeRuntime, wasmRuntime],
          patterns: [
            { regex: "^node:", message: "The engine's Web Worker runs in a browser." },
            { ...layer("editor", "panel", "commands", "config", "cli"), message: "The web worker runs the engine only." },
          ],
        },
      ],
    },
  },
  {
    // Runtimes as folders: code outside a node/ folder runs in a browser too (VS Code for the Web's extension host and
    // its Web Workers, the panel's page), so it imports no Node module (node:*, or a built-in by its bare name) and no
    // node/ folder. Node-only code lives in node/ folders: src/node/ (the desktop's entry), src/engine/node/ (the
    // workers, the native backend, the threads), src/models/node/ (finding and downloading models on disk); their
    // shells pass what shared code needs in (threads, model files, the .wasm's place, the CPU). The CLI (src/cli.ts)
    // is Node's by nature. The web bundles fail the build on a `node:` import too (esbuild.config.mjs noNode). A
    // separate rule from the layers' no-restricted-imports, so both hold.
    files: ["src/**/*.ts"],
    ignores: ["src/**/node/**", "src/cli.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^(node:.*|(${builtinModules.filter((name) => !name.startsWith("_")).join("|")})(/.*)?)$`,
              allowTypeImports: true,
              message: "Runs in a browser too (VS Code for the Web): Node-only code lives in a node/ folder.",
            },
            { regex: "(^|/)node/", message: "A Node-only folder: shared code does not import it (the Node shell passes what it needs in)." },
          ],
        },
      ],
    },
  },
  {
    // The in-editor suite requires its files after mocha's pre-require, and a unit test loads an ESM script with
    // require: both on purpose.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
