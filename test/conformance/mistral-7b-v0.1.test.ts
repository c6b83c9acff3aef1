// mistralai/Mistral-7B-v0.1 (GQA, a 4096-token sliding window, BF16 safetensors in two shards, LLaMA's
// tokenizer) through every command, joined with the CLIP replica where a LLaVA is needed.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "mistralai/Mistral-7B-v0.1",
  folder: "mistralai--Mistral-7B-v0.1",
  kind: "llm",
  layout: "llama",
});
