// Merging an adapter into a full checkpoint, like PEFT's merge_and_unload: LN-tuning copies and
// modules_to_save replace the base tensors (LNTuningLayer.merge swaps modules, no arithmetic); LoRA adds
// scaling · B·A to W (lora/layer.py get_delta_weight), computed in f32 and stored in W's dtype.
// The output is one model.safetensors in the input's layout and tensor names, plus the input's other files.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { openCheckpoint, SINGLE_FILE } from "../io/checkpoint.ts";
import { copyCheckpointExtras } from "../io/checkpoint_extras.ts";
import { type Tensor as StoredTensor, toFloat32, writeSafetensors } from "../io/safetensors.ts";
import { checkpointLayout, modelKind } from "../models/load.ts";
import { f32ToHalf } from "../tensor/dtype.ts";
import { addmm } from "../tensor/ops/matmul.ts";
import { Tensor } from "../tensor/tensor.ts";
import { readAdapter } from "./peft_adapter.ts";

function stored(
  values: Float32Array,
  shape: number[],
  dtype: StoredTensor["dtype"],
  name: string,
): StoredTensor {
  if (dtype === "F32") return { dtype, shape, data: values };
  if (dtype === "BF16" || dtype === "F16")
    return { dtype, shape, data: f32ToHalf(values, dtype === "BF16" ? "bf16" : "f16") };
  throw new Error(`${name}: cannot merge into a ${dtype} tensor`);
}

export interface MergeResult {
  layout: string;
  /** Canonical names of the tensors that changed. */
  merged: string[];
  file: string;
}

export function mergeAdapter(modelDir: string, adapterDir: string, outDir: string): MergeResult {
  if (resolve(modelDir) === resolve(outDir))
    throw new Error(`${outDir}: the output must not be the model directory`);
  if (modelKind(modelDir) === "vision")
    throw new Error(`${modelDir}: not a language model or LLaVA checkpoint`);
  const layout = checkpointLayout(modelDir);
  const ckpt = openCheckpoint(modelDir);
  try {
    const adapter = readAdapter(adapterDir, layout);
    const lora = adapter.config.lora;
    const scaling = lora ? (lora.useRslora ? lora.alpha / Math.sqrt(lora.r) : lora.alpha / lora.r) : 0;
    const pending = new Set([
      ...adapter.tensors.keys(),
      ...[...adapter.lora.keys()].map((p) => `${p}.weight`),
    ]);
    const out: Record<string, StoredTensor> = {};
    for (const name of ckpt.names()) {
      const t = ckpt.read(name);
      const m = layout.toCanonical(name);
      const c = m.kind === "weight" ? m.name : "";
      const whole: Tensor | undefined = adapter.tensors.get(c);
      const factors = c.endsWith(".weight") ? adapter.lora.get(c.slice(0, -".weight".length)) : undefined;
      if (whole && whole.shape.join() !== t.shape.join())
        throw new Error(`${name}: adapter shape [${whole.shape}] but the checkpoint's is [${t.shape}]`);
      if (whole) out[name] = stored(whole.readF32(), t.shape, t.dtype, name);
      else if (factors) {
        // W + scaling · B·A in f32, one GEMM accumulating onto a copy of W.
        const w = new Tensor(toFloat32(t), t.shape);
        const merged = addmm(w, factors.B, factors.A, scaling).readStored("f32") as Float32Array;
        out[name] = stored(merged, t.shape, t.dtype, name);
      } else out[name] = t;
      pending.delete(c);
    }
    if (pending.size)
      throw new Error(`${modelDir}: the checkpoint lacks adapted weights ${[...pending].join(", ")}`);
    mkdirSync(outDir, { recursive: true });
    // Sub-directories go along whole: the original layout's frozen tower lives in one.
    copyCheckpointExtras(modelDir, outDir);
    const file = join(outDir, SINGLE_FILE);
    writeSafetensors(file, out, { format: "pt" });
    const merged = [...adapter.tensors.keys(), ...[...adapter.lora.keys()].map((p) => `${p}.weight`)].sort();
    return { layout: layout.name, merged, file };
  } finally {
    ckpt.close();
  }
}
