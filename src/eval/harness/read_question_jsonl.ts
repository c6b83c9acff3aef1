// LLaVA's question JSONL ({question_id, image, text[, category]}), the generic input: the text is used
// as it stands, as model_vqa_loader.py does (LLaVA's files already end with the answer instruction).
import { fields, readJsonLines } from "../read_input.ts";
import type { EvalItem } from "./types.ts";

export function readQuestionJsonl(path: string): EvalItem[] {
  return readJsonLines(path).map((entry, i) => {
    const f = fields(path, `line ${i + 1}`, entry);
    const item: EvalItem = {
      questionId: f.id("question_id"),
      image: f.string("image"),
      text: f.string("text"),
    };
    if (f.has("category")) item.category = f.string("category");
    return item;
  });
}
