// Caption test sets in COCO caption format ({images: [{id, file_name}], annotations}): one item per image,
// its question_id being the image id, as the caption results need.
import { arrayField, fields, readJson } from "../read_input.ts";
import type { EvalItem } from "./types.ts";

export function readCaptionImages(path: string, prompt: string): EvalItem[] {
  const seen = new Set<string>();
  return arrayField(path, readJson(path), "images").map((entry, i) => {
    const f = fields(path, `image ${i}`, entry);
    const id = f.id("id");
    if (seen.has(String(id))) throw new Error(`${path}: duplicate image id ${id}`);
    seen.add(String(id));
    return { questionId: id, image: f.string("file_name"), text: prompt };
  });
}
