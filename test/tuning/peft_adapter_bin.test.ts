// PEFT's legacy adapter_model.bin (save_pretrained without safetensors): the fixture is lntune's LoRA adapter of
// the llava_hf model re-saved by torch 1.13's torch.save (tools/make_adapter_bin_fixture.py); both must read
// to the same tensors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CLIP_LAYOUT } from "../../src/models/families/clip_vision/index.ts";
import { llavaHfLayout } from "../../src/models/families/llava/layouts.ts";
import { readAdapter } from "../../src/tuning/peft_adapter.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/adapters/${name}`, import.meta.url));

test("an adapter_model.bin written by torch.save reads to exactly the tensors of its safetensors original", () => {
  const layout = llavaHfLayout(CLIP_LAYOUT);
  const st = readAdapter(fixture("llava_hf_lora"), layout);
  const bin = readAdapter(fixture("llava_hf_lora_bin"), layout);
  assert.deepEqual([...bin.tensors.keys()].sort(), [...st.tensors.keys()].sort());
  assert.ok(st.tensors.size > 0 && st.lora.size > 0);
  for (const [name, t] of st.tensors) {
    const other = bin.tensors.get(name)!;
    assert.deepEqual(other.shape, t.shape, name);
    assert.deepEqual(other.readF32(), t.readF32(), name);
  }
  assert.deepEqual([...bin.lora.keys()].sort(), [...st.lora.keys()].sort());
  for (const [path, factors] of st.lora)
    for (const half of ["A", "B"] as const)
      assert.deepEqual(bin.lora.get(path)![half].readF32(), factors[half].readF32(), `${path} ${half}`);
});
