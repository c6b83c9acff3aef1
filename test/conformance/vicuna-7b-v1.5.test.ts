// lmsys/vicuna-7b-v1.5 (F16 .bin shards, a tokenizer.model-only tokenizer) joined with
// openai/clip-vit-large-patch14-336 by pretrain/finetune --llm --vision, through every command.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "lmsys/vicuna-7b-v1.5",
  folder: "lmsys--vicuna-7b-v1.5",
  kind: "llm",
  layout: "llama",
});
