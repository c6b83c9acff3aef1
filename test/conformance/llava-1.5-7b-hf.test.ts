// llava-hf/llava-1.5-7b-hf (F16 safetensors in three shards, <image>/<pad> added tokens, a text_config
// relying on LlamaConfig's defaults) through every command.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "llava-hf/llava-1.5-7b-hf",
  folder: "llava-hf--llava-1.5-7b-hf",
  kind: "llava",
  layout: "llava-hf",
});
