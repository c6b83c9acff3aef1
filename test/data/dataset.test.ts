import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  inferDataType,
  selectSubset,
  subsample,
  typeFromFileName,
  typeIndex,
} from "../../src/data/data_types.ts";
import { readDataset } from "../../src/data/dataset_reader.ts";
import { resolveImagePath } from "../../src/data/image_path.ts";
import { loadSamples } from "../../src/data/load_samples.ts";
import { validateSample } from "../../src/data/sample.ts";

const data = (name: string) => fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));
const IMAGES = fileURLToPath(new URL("../fixtures/images", import.meta.url));

async function drain(path: string): Promise<unknown[]> {
  const out = [];
  for await (const r of readDataset(path)) out.push(r.value);
  return out;
}

test("malformed JSONL names the file, line and column where the JSON stops", async () => {
  await assert.rejects(drain(data("broken.jsonl")), /broken\.jsonl:2:31: not valid JSON/);
});

test("malformed JSON names the file and line:column", async () => {
  await assert.rejects(drain(data("broken.json")), /broken\.json:3:14: not valid JSON/);
});

test("JSONL is streamed record by record, skipping blank lines", async () => {
  const lines = [];
  for await (const r of readDataset(data("mixed.jsonl"))) lines.push(r.line);
  assert.deepEqual(lines, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11]);
});

test("bad samples are dropped and counted by reason; strict makes them fatal", async () => {
  const { samples, bad } = await loadSamples(data("mixed.jsonl"), { imageFolder: IMAGES });
  assert.deepEqual(
    samples.map((s) => [s.sample.id, s.type]),
    [
      ["1", "detail"],
      ["2", "conversation"],
      ["3", "conversation"],
      ["4", "unknown"],
    ],
  );
  assert.deepEqual(bad, {
    image_path_escapes: 2,
    non_alternating_turns: 1,
    empty_turn: 1,
    image_token_without_image: 1,
    malformed: 1,
  });
  await assert.rejects(
    loadSamples(data("mixed.jsonl"), { imageFolder: IMAGES, strict: true }),
    /line 6: image_path_escapes/,
  );
});

test("validateSample reasons", () => {
  const turns = (...values: string[]) => values.map((value, i) => ({ from: i % 2 ? "gpt" : "human", value }));
  assert.equal(validateSample({ conversations: turns("q", "a") }), null);
  assert.equal(validateSample({ conversations: turns("q", "") }), "empty_turn");
  assert.equal(validateSample({ conversations: [{ from: "system", value: "x" }] }), "unknown_role");
  assert.equal(
    validateSample({ image: "x.png", conversations: turns("q", "a") }),
    "image_without_image_token",
  );
  assert.equal(
    validateSample({ image: "x.png", conversations: turns("<image>", "a", "q", "a") }, { plain: true }),
    "plain_needs_two_turns",
  );
  assert.equal(validateSample("nope"), "malformed");
});

test("image paths may not escape the image folder", () => {
  assert.equal(resolveImagePath("/data/img", "coco/1.jpg"), "/data/img/coco/1.jpg");
  for (const bad of [
    "../x.jpg",
    "coco/../../x.jpg",
    "/etc/passwd",
    "",
    "..",
    "C:\\x.jpg",
    "\\\\host\\x.jpg",
  ]) {
    assert.equal(resolveImagePath("/data/img", bad), null, bad);
  }
});

test("data types: type field, file name, or lookup in per-type files", async () => {
  assert.equal(typeFromFileName("/x/complex_reasoning_77k.json"), "complex_reasoning");
  assert.equal(typeFromFileName("/x/llava_instruct_80k.json"), null);
  const detail = (await loadSamples(data("detail_23k.json"))).samples;
  assert.equal(detail[0].type, "detail");
  const index = typeIndex([["detail", detail.map((s) => s.sample)]]);
  const mixed = { id: "a1", conversations: [{ from: "human", value: "Describe it." }] };
  assert.equal(inferDataType(mixed, "llava_instruct_80k.json", index), "detail");
  assert.equal(inferDataType({ ...mixed, id: "a2" }, "llava_instruct_80k.json", index), "unknown");
});

test("subsample is seeded and keeps the original order", () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const a = subsample(items, 10, 7);
  assert.deepEqual(a, subsample(items, 10, 7));
  assert.notDeepEqual(a, subsample(items, 10, 8));
  assert.deepEqual(
    a,
    [...a].sort((x, y) => x - y),
  );
  assert.equal(new Set(a).size, 10);
});

test("data-type subsets: filter by type, then a seeded subsample of N", () => {
  const items = Array.from({ length: 30 }, (_, i) => ({
    id: i,
    type: ["conversation", "detail", "complex_reasoning"][i % 3],
  }));
  const conv = selectSubset(items, { types: ["conversation"] });
  assert.deepEqual(
    conv.map((s) => s.id),
    items.filter((s) => s.type === "conversation").map((s) => s.id),
  );
  const sub = selectSubset(items, { types: ["conversation", "detail"], subsample: 5, seed: 3 });
  assert.equal(sub.length, 5);
  assert.ok(sub.every((s) => s.type !== "complex_reasoning"));
  assert.deepEqual(sub, selectSubset(items, { types: ["conversation", "detail"], subsample: 5, seed: 3 }));
  assert.deepEqual(selectSubset(items, {}), items);
});
