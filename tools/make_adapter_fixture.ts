// Writes test/fixtures/adapters/llava_hf_lora: a LoRA adapter (with modules_to_save) of the llava_hf fixture
// model, as lntune saves it, for the tests that read adapters written elsewhere (tools/make_adapter_bin_fixture.py
// re-saves it as PEFT's legacy adapter_model.bin with torch.save).
//   node --import tsx tools/make_adapter_fixture.ts
import { fileURLToPath } from "node:url";
import { loadLlava } from "../src/models/load.ts";
import { Rng } from "../src/tensor/rng.ts";
import { applyMethod, DEFAULT_LORA } from "../src/tuning/apply.ts";
import { methodSpec } from "../src/tuning/methods.ts";
import { saveAdapter } from "../src/tuning/peft_adapter.ts";

const fixture = (path: string) => fileURLToPath(new URL(`../test/fixtures/${path}`, import.meta.url));
const model = loadLlava(fixture("models/llava_hf"));
const rng = new Rng(5);
const spec = methodSpec("lora");
const lora = { ...DEFAULT_LORA, r: 2 };
const trainable = applyMethod(model, spec, { lora }, rng);
// Non-zero LoRA B factors and moved connector weights, so that a reader that drops any tensor is caught.
for (const [, p] of model.namedParameters())
  if (p.requiresGrad) p.writeF32(p.readF32().map((x) => x + 0.01 * rng.normal()));
saveAdapter(fixture("adapters/llava_hf_lora"), model, {
  method: spec,
  trainable: trainable.names,
  lora,
  baseModelNameOrPath: "test/fixtures/models/llava_hf",
});
