// meta-llama/Llama-2-7b-hf (F16 safetensors in two shards, with float32 rotary buffers) through every
// command, joined with the CLIP replica where a LLaVA is needed.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "meta-llama/Llama-2-7b-hf",
  folder: "meta-llama--Llama-2-7b-hf",
  kind: "llm",
  layout: "llama",
});
