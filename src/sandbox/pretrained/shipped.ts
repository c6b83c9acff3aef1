// The pretrained sandbox models that ship with lntune (made by tools/make_sandbox_models.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const SANDBOX_MODELS_DIR = fileURLToPath(new URL("../../../assets/sandbox", import.meta.url));

/** The shipped checkpoint directories: a LLaMA with its tokenizer, and a CLIP vision tower. */
export function sandboxModels(dir = SANDBOX_MODELS_DIR): { llm: string; vision: string } {
  const llm = join(dir, "llm");
  const vision = join(dir, "vision");
  for (const d of [llm, vision])
    if (!existsSync(join(d, "model.safetensors")))
      throw new Error(
        `${d}: no model.safetensors (the sandbox models are made by tools/make_sandbox_models.ts)`,
      );
  return { llm, vision };
}
