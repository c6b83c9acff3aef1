// --compute-dtype and --quantize: how the products with frozen weights are computed and how those weights are
// stored, for the commands that run a model (pretrain, finetune, generate, eval).
import { Option } from "commander";
import { COMPUTE_DTYPES } from "../../tensor/compute_dtype.ts";
import { QUANT_FORMATS } from "../../tuning/quantize.ts";

export function computeDtypeOption(): Option {
  return new Option(
    "--compute-dtype <dtype>",
    "products with frozen weights: bf16 rounds both operands to bf16 and accumulates in f32 (as torch's bf16 " +
      "autocast; norms, softmax, attention, loss and optimizer stay f32)",
  )
    .choices(COMPUTE_DTYPES)
    .default("f32");
}

export function quantizeOption(): Option {
  return new Option(
    "--quantize <format>",
    "store the LLM's frozen projection weights quantised: int8 (a scale per output channel) or nf4 (QLoRA's " +
      "4-bit NormalFloat, a scale per 64 values); trainable weights and adapters stay f32",
  ).choices(QUANT_FORMATS);
}
