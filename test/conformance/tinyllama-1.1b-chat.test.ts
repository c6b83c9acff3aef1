// TinyLlama/TinyLlama-1.1B-Chat-v1.0 (GQA, BF16, zephyr chat template) through every command, joined with
// the CLIP replica where a LLaVA is needed.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "TinyLlama/TinyLlama-1.1B-Chat-v1.0",
  folder: "TinyLlama--TinyLlama-1.1B-Chat-v1.0",
  kind: "llm",
  layout: "llama",
  chatTemplate: true,
});
