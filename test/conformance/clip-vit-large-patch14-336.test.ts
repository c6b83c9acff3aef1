// openai/clip-vit-large-patch14-336 (a full CLIPModel config of transformers 4.21, float32
// pytorch_model.bin with the text tower and position_ids buffers) through the commands that take a tower
// alone; the other matrices use it as the tower of their LLaVAs.
import { CLIP_FOLDER } from "./matrix.ts";
import { towerMatrix } from "./tower_matrix.ts";

towerMatrix({
  repo: "openai/clip-vit-large-patch14-336",
  folder: CLIP_FOLDER,
  family: "clip_vision_model",
  layout: "clip",
  dtype: "f32",
});
