// Checkpoint directories whose weights are PyTorch files: pytorch_model.bin, sharded
// pytorch_model-0000k-of-0000n.bin with pytorch_model.bin.index.json, safetensors preferred when both are
// there (as transformers does), and the model loaders on them. The .bin files were written by torch 1.13's
// torch.save (tools/make_torch_fixtures.py), the model ones re-saving fixtures of test/fixtures/models
// unchanged, so a model loaded from either must give the same logits, bit for bit.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openCheckpoint, TORCH_INDEX_FILE, TORCH_SINGLE_FILE } from "../../src/io/checkpoint.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { loadClipVision, loadLlama, loadLlava } from "../../src/models/load.ts";
import { FIXTURES, fixture, fixtureBatch } from "../models/fixture.ts";
import { scratchDir, writeJson } from "./helpers.ts";
import { EXPECTED, hexOf, TORCH_FIXTURES } from "./torch_helpers.ts";

const dir = scratchDir();

test("a sharded torch checkpoint reads through pytorch_model.bin.index.json as one map with torch's values", () => {
  const ck = openCheckpoint(join(TORCH_FIXTURES, "sharded"));
  assert.deepEqual(ck.names(), ["a", "b", "c"]);
  assert.deepEqual(ck.metadata, { total_size: 2 * 2 * 4 + 3 * 8 + 4 * 2 });
  for (const shard of ["pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"])
    for (const [name, want] of Object.entries(EXPECTED[`sharded/${shard}`])) {
      assert.equal(ck.info(name).file, join(TORCH_FIXTURES, "sharded", shard));
      assert.equal(hexOf(ck.read(name)), want.hex, name);
    }
  ck.close();
});

test("pytorch_model.bin is found on its own, and model.safetensors is preferred when both exist", () => {
  const both = join(dir, "both");
  mkdirSync(both);
  copyFileSync(join(TORCH_FIXTURES, "mm_projector.bin"), join(both, TORCH_SINGLE_FILE));
  const onlyBin = openCheckpoint(both);
  assert.deepEqual(onlyBin.files, [join(both, TORCH_SINGLE_FILE)]);
  assert.equal(onlyBin.names().length, 4);
  onlyBin.close();
  writeSafetensors(join(both, "model.safetensors"), {
    x: { dtype: "F32", shape: [1], data: new Float32Array([1]) },
  });
  const preferred = openCheckpoint(both);
  assert.deepEqual(preferred.names(), ["x"]);
  preferred.close();
});

test("a torch index naming a missing shard or a tensor its shard lacks is an index error", () => {
  const bad = join(dir, "bad_index");
  mkdirSync(bad);
  copyFileSync(join(TORCH_FIXTURES, "sharded", "pytorch_model-00001-of-00002.bin"), join(bad, "s1.bin"));
  writeJson(bad, TORCH_INDEX_FILE, { weight_map: { a: "s1.bin", zz: "s1.bin" } });
  assert.throws(
    () => openCheckpoint(bad),
    /pytorch_model\.bin\.index\.json: 1 mapped tensor\(s\) missing from their shard: "zz"/,
  );
  writeJson(bad, TORCH_INDEX_FILE, { weight_map: { a: "s9.bin" } });
  assert.throws(() => openCheckpoint(bad), /shard "s9\.bin" does not exist/);
});

test("loadLlama on sharded .bin (bf16) gives the same logits, bit for bit, as on the safetensors original", () => {
  const f = fixture("llama_bf16_sharded");
  const batch = { ...fixtureBatch(f), logits: "all" as const };
  const fromBin = loadLlama(join(TORCH_FIXTURES, "llama_bf16_sharded_bin"));
  assert.equal(fromBin.model.layers[0].self_attn.q_proj.weight.dtype, "bf16");
  const want = loadLlama(f.dir).forward(batch).logits!.readF32();
  assert.deepEqual(fromBin.forward(batch).logits!.readF32(), want);
});

test("loadLlava (original layout, tower in ./clip) and the CLIP loader on .bin give the safetensors version's outputs", () => {
  const f = fixture("llava_original");
  const batch = { ...fixtureBatch(f), logits: "all" as const };
  const want = loadLlava(f.dir).forwardMultimodal(batch).logits!.readF32();
  const got = loadLlava(join(TORCH_FIXTURES, "llava_original_bin"))
    .forwardMultimodal(batch)
    .logits!.readF32();
  assert.deepEqual(got, want);

  const pixels = f.tensor("inputs.pixel_values");
  const tower = (d: string) => loadClipVision(d).vision_model.hiddenStates(pixels.data, pixels.shape[0]);
  const a = tower(join(FIXTURES, "llava_original", "clip"));
  const b = tower(join(TORCH_FIXTURES, "llava_original_bin", "clip"));
  assert.equal(a.length, b.length);
  for (const [i, s] of a.entries()) assert.deepEqual(b[i].readF32(), s.readF32(), `hidden_states.${i}`);
});
