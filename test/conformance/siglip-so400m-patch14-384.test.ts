// google/siglip-so400m-patch14-384 (a full SiglipModel config with the text config's defaults left out,
// float32 model.safetensors with the text tower, the vision pooling head, logit_scale and logit_bias; an
// image size no multiple of the patch size) through the commands that take a tower alone; the Qwen2.5
// matrix joins it with the LLM.
import { towerMatrix } from "./tower_matrix.ts";

towerMatrix({
  repo: "google/siglip-so400m-patch14-384",
  folder: "google--siglip-so400m-patch14-384",
  family: "siglip_vision_model",
  layout: "siglip",
  dtype: "f32",
});
