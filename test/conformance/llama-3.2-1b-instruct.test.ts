// meta-llama/Llama-3.2-1B-Instruct (GQA, llama3 RoPE scaling, tied embeddings, BF16, the 128k-token
// tokenizer) through every command, joined with the CLIP replica where a LLaVA is needed.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "meta-llama/Llama-3.2-1B-Instruct",
  folder: "meta-llama--Llama-3.2-1B-Instruct",
  kind: "llm",
  layout: "llama",
  chatTemplate: true,
});
