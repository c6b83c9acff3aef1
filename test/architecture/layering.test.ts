// The layering of docs/architecture.md, read from its diagram and checked against every import in src/: a
// folder imports only folders below its layer (src/index.ts, the public surface, may import any), and the
// layers above tensor/ reach the engine only through it: no import of backend/ nor of tensor/storage.ts, the
// one module that hands out a tensor's raw storage.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SRC = join(ROOT, "src");

/** The diagram's layers, top first: folders on neighbouring lines (no │ between them) share a layer. */
export function layersOf(markdown: string): string[][] {
  const diagram = markdown.split("```")[1];
  if (diagram === undefined) throw new Error("docs/architecture.md has no layer diagram");
  const layers: string[][] = [];
  let current: string[] = [];
  for (const line of diagram.split("\n")) {
    const folder = /^ ?([a-z]+)\/\s/.exec(line)?.[1];
    if (folder) current.push(folder);
    else if (line.trim() === "│" && current.length) {
      layers.push(current);
      current = [];
    }
  }
  if (current.length) layers.push(current);
  return layers;
}

export interface Import {
  /** Importing file, relative to the repository (src/…). */
  file: string;
  /** The imported file, relative to the repository. */
  target: string;
}

/** Relative imports (import, export … from, import()) of one source file. */
export function importsOf(file: string, source: string): Import[] {
  const out: Import[] = [];
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.[^"']*)["']/g))
    out.push({ file, target: normalize(join(dirname(file), m[1])) });
  return out;
}

/** What breaks the layering among `imports`, one line each. */
export function violations(layers: string[][], imports: Import[]): string[] {
  const rank = new Map(layers.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
  const tensorRank = rank.get("tensor")!;
  const folderOf = (path: string) => {
    const parts = path.split("/");
    return parts[0] === "src" && parts.length > 2 ? parts[1] : null;
  };
  const out: string[] = [];
  for (const { file, target } of imports) {
    const from = folderOf(file);
    const to = folderOf(target);
    if (from === null || to === null || from === to) continue;
    const [a, b] = [rank.get(from), rank.get(to)];
    if (a === undefined || b === undefined) {
      out.push(`${file} → ${target}: ${a === undefined ? from : to}/ is not in the layer diagram`);
      continue;
    }
    if (b <= a) out.push(`${file} → ${target}: ${to}/ is not below ${from}/`);
    else if (a < tensorRank && (to === "backend" || target === "src/tensor/storage.ts"))
      out.push(`${file} → ${target}: only tensor/ and the layers below it reach ${target}`);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const LAYERS = layersOf(readFileSync(join(ROOT, "docs/architecture.md"), "utf8"));
const IMPORTS = sourceFiles(SRC).flatMap((path) =>
  importsOf(relative(ROOT, path), readFileSync(path, "utf8")),
);

test("the diagram in docs/architecture.md places every folder of src/ (and names no other)", () => {
  const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
  assert.deepEqual([...LAYERS.flat()].filter((f) => f !== "native").sort(), folders.sort());
  assert.deepEqual(LAYERS.slice(-4), [["tensor"], ["dist"], ["backend"], ["native"]]);
});

test("every import in src/ goes to a folder of a lower layer, and none above tensor/ to backend/ or tensor/storage.ts", () => {
  assert.ok(IMPORTS.length > 500, `${IMPORTS.length} imports found`);
  assert.deepEqual(violations(LAYERS, IMPORTS), []);
});

test("the checker reports imports that break the layering (synthetic sources)", () => {
  const fake = (file: string, source: string) => violations(LAYERS, importsOf(file, source));
  assert.deepEqual(
    fake("src/models/llama/attention.ts", 'import { kernels } from "../../backend/index.ts";'),
    [
      "src/models/llama/attention.ts → src/backend/index.ts: only tensor/ and the layers below it reach src/backend/index.ts",
    ],
  );
  assert.deepEqual(
    fake("src/train/x.ts", 'import type { GeluKind } from "../backend/kernels.ts";').length,
    1,
  );
  assert.deepEqual(fake("src/nn/x.ts", 'export { hostArray } from "../tensor/storage.ts";').length, 1);
  assert.deepEqual(fake("src/tuning/x.ts", 'const m = await import("../train/adamw.ts");'), [
    "src/tuning/x.ts → src/train/adamw.ts: train/ is not below tuning/",
  ]);
  // Folders of one layer do not import each other.
  assert.deepEqual(fake("src/data/x.ts", 'import { t } from "../tuning/methods.ts";').length, 1);
  // What the rules allow: tensor/ and dist/ on backend/, the public surface on anything, a folder on itself.
  assert.deepEqual(fake("src/tensor/ops/x.ts", 'import { kernels } from "../../backend/index.ts";'), []);
  assert.deepEqual(fake("src/dist/x.ts", 'import { kernels } from "../backend/index.ts";'), []);
  assert.deepEqual(fake("src/index.ts", 'export { kernels } from "./backend/index.ts";'), []);
  assert.deepEqual(fake("src/train/x.ts", 'import { AdamW } from "./adamw.ts";'), []);
});
