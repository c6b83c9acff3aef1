// The vision tower's fields of a config.json that is either the tower's own ("clip_vision_model",
// "siglip_vision_model") or a two-tower model's ("clip", "siglip"), whose text tower lntune skips.
import { Fields } from "./fields.ts";

export function towerFields(f: Fields, fullType: string, visionType: string): Fields {
  if (!f.has("model_type")) throw f.fail("model_type", "missing");
  if (f.oneOf("model_type", [fullType, visionType], visionType) === visionType) return f;
  return f.optObject("vision_config") ?? new Fields(f.file, {}, "vision_config.");
}
