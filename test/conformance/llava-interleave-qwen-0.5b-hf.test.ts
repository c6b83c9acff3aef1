// llava-hf/llava-interleave-qwen-0.5b-hf (a llava-hf LLaVA on Qwen2 with a SigLIP tower without its pooling
// head, every patch token of the last layer, F16, a Qwen tokenizer.json with <image> added) through every
// command.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "llava-hf/llava-interleave-qwen-0.5b-hf",
  folder: "llava-hf--llava-interleave-qwen-0.5b-hf",
  kind: "llava",
  layout: "llava-hf",
});
