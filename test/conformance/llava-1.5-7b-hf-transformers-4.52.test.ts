// llava-hf/llava-1.5-7b-hf as transformers >= 4.52 saves it (model.language_model.*, model.vision_tower.*,
// model.multi_modal_projector.*, lm_head.*) through every command.
import { conformanceMatrix } from "./matrix.ts";

conformanceMatrix({
  repo: "llava-hf/llava-1.5-7b-hf (saved by transformers 4.52)",
  folder: "llava-hf--llava-1.5-7b-hf--transformers-4.52",
  kind: "llava",
  layout: "llava-hf",
});
