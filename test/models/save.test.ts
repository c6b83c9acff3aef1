// Saving a model whose checkpoint is half precision: parameters made trainable are widened to f32 in memory
// and written back in F16; frozen ones stay half-size in memory and are written unchanged.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { f32ToHalf } from "../../src/backend/half.ts";
import { openCheckpoint } from "../../src/io/checkpoint.ts";
import { loadLlava } from "../../src/models/load.ts";
import { saveLlava, TOWER_DIR } from "../../src/models/save.ts";
import { Rng } from "../../src/tensor/rng.ts";
import { applyMethod } from "../../src/tuning/apply.ts";
import { methodSpec } from "../../src/tuning/methods.ts";
import { fixture } from "./fixture.ts";

test("saveLlava of an F16 llava-hf model after LN tuning: trained weights back in F16, frozen ones bit for bit", () => {
  const f = fixture("llava_hf_f16");
  const model = loadLlava(f.dir);
  const before = new Map(model.namedParameters().map(([n, p]) => [n, p.readStored().slice()]));
  applyMethod(model, methodSpec("ln"), {}, new Rng(0));
  const trained = new Map<string, Float32Array>();
  for (const [name, p] of model.namedParameters()) {
    if (!p.requiresGrad) {
      assert.equal(p.dtype, "f16", name);
      assert.equal(p.storage.byteLength, 2 * p.size, `${name} stays half-size in memory`);
      continue;
    }
    assert.equal(p.dtype, "f32", name);
    // A change below F16's resolution for some entries, above it for others.
    p.writeF32(p.readF32().map((x, i) => x + 1e-3 * Math.sin(i + 1)));
    trained.set(name, p.readF32());
  }
  assert.ok(trained.has("projector.linear_1.bias") && trained.has("model.layers.0.input_layernorm.weight"));

  const dir = mkdtempSync(join(tmpdir(), "lntune-save-"));
  saveLlava(dir, model);
  for (const d of [dir, join(dir, TOWER_DIR)]) {
    const ckpt = openCheckpoint(d);
    for (const n of ckpt.names()) assert.equal(ckpt.info(n).dtype, "F16", `${d}: ${n}`);
    ckpt.close();
  }
  const back = loadLlava(dir);
  for (const [name, p] of back.namedParameters()) {
    assert.equal(p.dtype, "f16", name);
    const want = trained.has(name) ? f32ToHalf(trained.get(name)!, "f16") : before.get(name);
    assert.deepEqual(p.readStored(), want, name);
  }
});
