// LLaVA's image placeholder −200 mapped to the checkpoint's own image token, on the configs Hugging Face
// publishes for llava-hf/llava-1.5-7b-hf (image_token_index 32000) and liuhaotian/llava-v1.5-7b (none).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { loadLlavaConfig } from "../../src/models/families/llava/config.ts";
import { toModelImageToken } from "../../src/models/llava/image_token.ts";
import { loadLlava } from "../../src/models/load.ts";
import { fixture, fixtureBatch } from "./fixture.ts";

const CONFIGS = join(import.meta.dirname, "..", "fixtures", "configs");

test("toModelImageToken: −200 becomes llava-1.5-7b-hf's 32000; the original layout keeps −200", () => {
  const hf = loadLlavaConfig(join(CONFIGS, "llava-1.5-7b-hf"));
  const original = loadLlavaConfig(join(CONFIGS, "llava-v1.5-7b"));
  const ids = [1, 319, -200, 29871, 13, -200, 2];
  assert.deepEqual(toModelImageToken(ids, hf), [1, 319, 32000, 29871, 13, 32000, 2]);
  assert.deepEqual(
    toModelImageToken(Int32Array.from(ids), hf),
    Int32Array.of(1, 319, 32000, 29871, 13, 32000, 2),
  );
  assert.deepEqual(toModelImageToken(ids, original), ids);
  assert.deepEqual(toModelImageToken(Int32Array.from(ids), original), Int32Array.from(ids));
});

test("a llava-hf model given −200 unmapped fails naming its image token; mapped, it splices as with its own id", () => {
  const f = fixture("llava_hf");
  const model = loadLlava(f.dir);
  const batch = fixtureBatch(f);
  const withLlavaIds = batch.inputIds.map((id) => (id === f.inputs.image_token_id ? -200 : id));
  assert.ok(withLlavaIds.includes(-200));
  assert.throws(
    () => model.embedMultimodal({ ...batch, inputIds: withLlavaIds }),
    /input ids hold LLaVA's image placeholder -200, but this checkpoint's image token is 99/,
  );
  const mapped = model.embedMultimodal({ ...batch, inputIds: toModelImageToken(withLlavaIds, model.config) });
  const own = model.embedMultimodal(batch);
  assert.deepEqual(mapped.plan, own.plan);
  assert.deepEqual(mapped.embeds.readF32(), own.embeds.readF32());
});
