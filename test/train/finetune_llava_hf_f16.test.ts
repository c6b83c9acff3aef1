// Stage 2 through the CLI on an F16 llava-hf checkpoint (biases in every CLIP layer and in the projector; image
// token 99, not LLaVA's −200), with LN tuning and with LoRA: frozen weights stay F16 in memory, trained ones
// go back to F16 in the adapter and in the merged checkpoint, and the merged model answers about an image.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { f32ToHalf } from "../../src/backend/half.ts";
import { openSafetensors } from "../../src/io/safetensors.ts";
import { loadLlava } from "../../src/models/load.ts";
import { modelDir, tempDir } from "../eval/harness_setup.ts";
import { type TinyWorld, tinyWorld } from "../sandbox/tiny_sandbox.ts";

const CLI = join(import.meta.dirname, "..", "..", "bin", "lntune.js");
const FINAL = join("checkpoints", "step-0000002", "trainable.safetensors");

function lntune(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** dtype of every tensor of a safetensors file, by name. */
function dtypes(file: string): Map<string, string> {
  const st = openSafetensors(file);
  const out = new Map(st.tensors.map((t) => [t.name, t.dtype as string]));
  st.close();
  return out;
}

const root = tempDir();
const base = modelDir(root, "llava_hf_f16");
let data: TinyWorld;
let image: string;

before(async () => {
  data = await tinyWorld(join(root, "data"), { train: 8, seed: 3 });
  image = join(data.images, data.imageFiles[0]);
});

/** Trains with `method`; checks that only the trainable parameters were widened to f32 in memory. */
function finetune(method: string, ...extra: string[]): string {
  const out = join(root, method);
  lntune(
    "finetune",
    ...["--model", base, "--data", data.finetune, "--images", data.images, "--method", method],
    ...["--batch-size", "4", "--max-steps", "2", "--output", out, ...extra],
  );
  const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  const { count, total } = run.trainable;
  assert.ok(count > 0 && count < total);
  assert.equal(run.memory.weightBytes, 2 * (total - count) + 4 * count, "F16 frozen, f32 trainable");
  return out;
}

const answer = (...model: string[]) =>
  lntune(
    "generate",
    ...model,
    "--image",
    image,
    "--prompt",
    "What color is the shape?",
    "--max-new-tokens",
    "8",
  );

test("finetune --method ln on an F16 llava-hf model: F16 adapter, merged weights are the trained ones in F16", {
  timeout: 120_000,
}, () => {
  // The first step is warmup (lr 0): one step at ln's default 2e-4 leaves this model's greedy answer as it was.
  const out = finetune("ln", "--lr", "1e-3");
  const adapter = join(out, "adapter");
  assert.deepEqual(new Set(dtypes(join(adapter, "adapter_model.safetensors")).values()), new Set(["F16"]));
  const merged = join(root, "ln-merged");
  lntune("merge", "--model", base, "--adapter", adapter, "--output", merged);
  assert.deepEqual(new Set(dtypes(join(merged, "model.safetensors")).values()), new Set(["F16"]));
  // The run's final f32 weights, rounded to F16, are what the merged checkpoint holds.
  const params = new Map(loadLlava(merged).namedParameters());
  const final = openSafetensors(join(out, FINAL));
  assert.ok(final.names().includes("projector.linear_1.bias"));
  for (const name of final.names())
    assert.deepEqual(
      params.get(name)!.readStored(),
      f32ToHalf(final.read(name).data as Float32Array, "f16"),
      name,
    );
  final.close();
  // LN copies replace whole tensors, so base + adapter and the merged model are the same model.
  const tuned = answer("--model", merged);
  assert.equal(tuned, answer("--model", base, "--adapter", adapter));
  assert.notEqual(tuned, answer("--model", base));
});

test("finetune --method lora on an F16 llava-hf model: f32 LoRA factors, F16 copies and F16 merged projections", {
  timeout: 120_000,
}, () => {
  // The first step is warmup (lr 0): one step at LoRA's default 2e-4 leaves this model's greedy answer as it was.
  const out = finetune("lora", "--lr", "1e-3");
  const adapter = join(out, "adapter");
  const saved = dtypes(join(adapter, "adapter_model.safetensors"));
  assert.ok(saved.has("base_model.model.multi_modal_projector.linear_1.bias"));
  for (const [key, dtype] of saved) assert.equal(dtype, key.includes(".lora_") ? "F32" : "F16", key);
  const merged = join(root, "lora-merged");
  lntune("merge", "--model", base, "--adapter", adapter, "--output", merged);
  assert.deepEqual(new Set(dtypes(join(merged, "model.safetensors")).values()), new Set(["F16"]));
  const q = (dir: string) =>
    loadLlava(dir).language_model.model.layers[0].self_attn.q_proj.weight.readStored();
  assert.notDeepEqual(q(merged), q(base));
  assert.notEqual(answer("--model", merged), answer("--model", base));
});
