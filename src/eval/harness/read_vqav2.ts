// VQAv2's official questions file ({data_subtype, questions: [{question_id, image_id, question}]}).
import { arrayField, fields, isRecord, readJson } from "../read_input.ts";
import { questionText } from "./prompts.ts";
import type { EvalItem } from "./types.ts";

/** COCO's file name of an image: COCO_<subset>_<12-digit id>.jpg. test-dev2015 images live in test2015. */
export function cocoImageName(subtype: string, imageId: number | string): string {
  const subset = subtype === "test-dev2015" ? "test2015" : subtype;
  return `COCO_${subset}_${String(imageId).padStart(12, "0")}.jpg`;
}

export function readVqav2Questions(path: string, shortAnswer = true): EvalItem[] {
  const data = readJson(path);
  const subtype = isRecord(data) && typeof data.data_subtype === "string" ? data.data_subtype : null;
  if (subtype === null) throw new Error(`${path}: expected a VQAv2 questions file with "data_subtype"`);
  return arrayField(path, data, "questions").map((entry, i) => {
    const f = fields(path, `question ${i}`, entry);
    return {
      questionId: f.id("question_id"),
      image: cocoImageName(subtype, f.id("image_id")),
      text: questionText(f.string("question"), shortAnswer),
    };
  });
}
