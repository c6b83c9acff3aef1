// A VQAv2-style set in the official files' format: the questions file (v2_OpenEnded_mscoco_<subtype>_questions
// .json) and the annotations file (v2_mscoco_<subtype>_annotations.json) with ten human answers per question.
import type { Rng } from "../../tensor/rng.ts";
import { humanAnswers, shortQuestion } from "./language.ts";
import type { WorldImage } from "./llava_data.ts";

/** The subtype the world's evaluation images are named by (COCO_val2014_<id>.jpg). */
export const VQA_SUBTYPE = "val2014";

export interface VqaSet {
  questions: {
    info: object;
    task_type: "Open-Ended";
    data_type: "mscoco";
    data_subtype: string;
    license: object;
    questions: Array<{ image_id: number; question: string; question_id: number }>;
  };
  annotations: {
    info: object;
    data_type: "mscoco";
    data_subtype: string;
    license: object;
    annotations: Array<{
      question_type: string;
      multiple_choice_answer: string;
      answers: Array<{ answer: string; answer_confidence: "yes" | "maybe"; answer_id: number }>;
      image_id: number;
      answer_type: string;
      question_id: number;
    }>;
  };
}

/** The most frequent answer, the earliest on ties (VQAv2's multiple_choice_answer is the annotators' mode). */
function mode(answers: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts].reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** `perImage` questions per image, question ids image_id × 1000 + k as in VQAv2. Questions repeated within an
 * image are asked once. */
export function vqaSet(images: readonly WorldImage[], perImage: number, rng: Rng): VqaSet {
  const head = { info: {}, data_type: "mscoco" as const, data_subtype: VQA_SUBTYPE, license: {} };
  const set: VqaSet = {
    questions: { ...head, task_type: "Open-Ended", questions: [] },
    annotations: { ...head, annotations: [] },
  };
  for (const image of images) {
    const asked = new Set<string>();
    for (let k = 0; k < perImage; k++) {
      const q = shortQuestion(image.scene, rng);
      if (asked.has(q.question)) continue;
      asked.add(q.question);
      const questionId = image.id * 1000 + k;
      const answers = humanAnswers(q, rng);
      set.questions.questions.push({ image_id: image.id, question: q.question, question_id: questionId });
      set.annotations.annotations.push({
        question_type: q.questionType,
        multiple_choice_answer: mode(answers),
        answers: answers.map((answer, j) => ({
          answer,
          answer_confidence: answer === q.answer ? "yes" : "maybe",
          answer_id: j + 1,
        })),
        image_id: image.id,
        answer_type: q.answerType,
        question_id: questionId,
      });
    }
  }
  return set;
}
