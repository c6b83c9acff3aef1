// Qwen/Qwen2.5-0.5B-Instruct (Qwen2: q/k/v biases without an o bias, GQA, tied embeddings, rope theta 1e6,
// BF16, its ByteLevel BPE tokenizer.json and chat template) through every command, joined with the SigLIP
// replica where a LLaVA is needed.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "Qwen/Qwen2.5-0.5B-Instruct",
  folder: "Qwen--Qwen2.5-0.5B-Instruct",
  kind: "llm",
  layout: "llama",
  chatTemplate: true,
  towerFolder: "google--siglip-so400m-patch14-384",
});
