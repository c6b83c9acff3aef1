import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { INDEX_FILE, openCheckpoint } from "../../src/io/checkpoint.ts";
import { type SafetensorsError, type Tensor, writeSafetensors } from "../../src/io/safetensors.ts";
import { scratchDir, writeJson } from "./helpers.ts";

const root = scratchDir();
const t = (...xs: number[]): Tensor => ({ dtype: "F32", shape: [xs.length], data: new Float32Array(xs) });

function fresh(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  return dir;
}

function sharded(
  name: string,
  weightMap: Record<string, string>,
  metadata: unknown = { total_size: 20 },
): string {
  const dir = fresh(name);
  writeSafetensors(join(dir, "model-00001-of-00002.safetensors"), { a: t(1), b: t(2, 3) });
  writeSafetensors(join(dir, "model-00002-of-00002.safetensors"), { c: t(4, 5), stray: t(9) });
  writeJson(dir, INDEX_FILE, { metadata, weight_map: weightMap });
  return dir;
}

const goodMap = {
  a: "model-00001-of-00002.safetensors",
  b: "model-00001-of-00002.safetensors",
  c: "model-00002-of-00002.safetensors",
};

function expectError(
  path: string,
  code: string,
  re: RegExp,
  file: string,
  tensor: string | null = null,
): void {
  assert.throws(
    () => openCheckpoint(path),
    (e: SafetensorsError) => {
      assert.equal(e.code, code, e.message);
      assert.equal(e.file, file);
      assert.equal(e.tensor, tensor);
      assert.match(e.message, re);
      return true;
    },
  );
}

test("a sharded checkpoint reads as one map; the index decides what belongs to it", () => {
  const dir = sharded("sharded", goodMap);
  const ck = openCheckpoint(dir);
  assert.deepEqual(ck.names(), ["a", "b", "c"]);
  assert.equal(ck.has("stray"), false);
  assert.deepEqual(ck.metadata, { total_size: 20 });
  assert.deepEqual(ck.files, [
    join(dir, "model-00001-of-00002.safetensors"),
    join(dir, "model-00002-of-00002.safetensors"),
  ]);
  assert.deepEqual([...ck.read("c").data], [4, 5]);
  assert.deepEqual([...ck.read("b").data], [2, 3]);
  assert.equal(ck.info("c").file, join(dir, "model-00002-of-00002.safetensors"));
  assert.throws(() => ck.read("stray"), {
    code: "not_found",
    message: `${dir}: tensor "stray": no such tensor in the checkpoint`,
  });
  ck.close();
});

test("index problems name the index file and the tensor", () => {
  const missingShard = sharded("missing-shard", { ...goodMap, d: "model-00003-of-00003.safetensors" });
  expectError(
    missingShard,
    "index",
    /shard "model-00003-of-00003.safetensors" does not exist/,
    join(missingShard, INDEX_FILE),
    "d",
  );
  const notInShard = sharded("not-in-shard", { ...goodMap, x: goodMap.a, y: goodMap.c });
  expectError(
    notInShard,
    "index",
    /2 mapped tensor\(s\) missing from their shard: "x" \(model-00001-of-00002.safetensors\), "y" \(model-00002/,
    join(notInShard, INDEX_FILE),
  );
  const outside = sharded("escape", { ...goodMap, a: "../sharded/model-00001-of-00002.safetensors" });
  expectError(outside, "index", /is not a file name/, join(outside, INDEX_FILE), "a");
  const noMap = sharded("no-map", goodMap);
  writeJson(noMap, INDEX_FILE, { metadata: {} });
  expectError(noMap, "index", /"weight_map" is missing/, join(noMap, INDEX_FILE));
  const badMeta = sharded("bad-meta", goodMap, [1]);
  expectError(badMeta, "index", /"metadata" is not an object/, join(badMeta, INDEX_FILE));
  const notJson = sharded("not-json", goodMap);
  writeFileSync(join(notJson, INDEX_FILE), "{");
  expectError(notJson, "index", /not valid JSON/, join(notJson, INDEX_FILE));
});

test("model.safetensors, a lone file path, and loose *.safetensors files", () => {
  const single = fresh("single");
  writeSafetensors(join(single, "model.safetensors"), { w: t(1) }, { format: "pt" });
  writeJson(single, INDEX_FILE, { weight_map: { ghost: "nowhere.safetensors" } }); // ignored, as in transformers
  const ck = openCheckpoint(single);
  assert.deepEqual(ck.names(), ["w"]);
  assert.deepEqual(ck.metadata, { format: "pt" });
  ck.close();

  const file = openCheckpoint(join(single, "model.safetensors"));
  assert.deepEqual(file.names(), ["w"]);
  file.close();

  const loose = fresh("loose");
  writeSafetensors(join(loose, "tower.safetensors"), { v: t(1) });
  writeSafetensors(join(loose, "llm.safetensors"), { w: t(2) });
  writeFileSync(join(loose, "notes.txt"), "not a tensor file");
  const merged = openCheckpoint(loose);
  assert.deepEqual(merged.names(), ["v", "w"]);
  assert.deepEqual([...merged.read("v").data], [1]);
  merged.close();

  writeSafetensors(join(loose, "again.safetensors"), { w: t(3) });
  expectError(loose, "duplicate", /also present in .*again.safetensors/, join(loose, "llm.safetensors"), "w");

  const empty = fresh("empty");
  expectError(
    empty,
    "not_found",
    /no model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json or \*.safetensors file/,
    empty,
  );
  expectError(join(root, "absent"), "not_found", /no such file or directory/, join(root, "absent"));
});
