// CLIPVisionConfig's config.json.
import type { CLIPVisionConfig } from "../../../io/config/clip_vision_config.ts";

export function clipVisionConfigJson(c: CLIPVisionConfig): Record<string, unknown> {
  return { architectures: ["CLIPVisionModel"], model_type: "clip_vision_model", ...c };
}
