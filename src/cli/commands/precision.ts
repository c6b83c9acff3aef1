// --compute-dtype: how the products with frozen weights are computed, for the commands that run a model
// (pretrain, finetune, generate, eval).
import { Option } from "commander";
import { COMPUTE_DTYPES } from "../../tensor/compute_dtype.ts";

export function computeDtypeOption(): Option {
  return new Option(
    "--compute-dtype <dtype>",
    "products with frozen weights: bf16 rounds both operands to bf16 and accumulates in f32 (as torch's bf16 " +
      "autocast; norms, softmax, attention, loss and optimizer stay f32)",
  )
    .choices(COMPUTE_DTYPES)
    .default("f32");
}
