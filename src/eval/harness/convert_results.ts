// The files the scorers read, made from the answers (LLaVA's conversion scripts, as far as they exist).
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import type { Answered } from "./answered.ts";
import { evalAiAnswer } from "./evalai_answer.ts";

const json = (value: unknown) => `${JSON.stringify(value)}\n`;

/** VQAv2 results [{question_id, answer}], answers through EvalAIAnswerProcessor
 * (convert_vqav2_for_submission.py). */
export function writeVqaResults(path: string, answered: readonly Answered[]): void {
  writeFileAtomic(
    path,
    json(
      answered.map(({ item, record }) => ({
        question_id: item.questionId,
        answer: evalAiAnswer(record.text),
      })),
    ),
  );
}

/** Caption results [{image_id, caption}] (pycocoevalcap's result format); a caption item's id is its image's. */
export function writeCaptionResults(path: string, answered: readonly Answered[]): void {
  writeFileAtomic(
    path,
    json(answered.map(({ item, record }) => ({ image_id: item.questionId, caption: record.text }))),
  );
}

/** POPE answers as JSON lines {question_id, text, category}; the category names the split. */
export function writePopeAnswers(path: string, answered: readonly Answered[]): void {
  const lines = answered.map(({ item, record }) =>
    json({ question_id: item.questionId, text: record.text, category: item.category }),
  );
  writeFileAtomic(path, lines.join(""));
}

/**
 * MME's per-subtask `<subtask>.txt` files, lines `image \t question \t gt \t prediction`
 * (convert_answer_to_mme.py). An image whose two answers are not both present is left out, since the
 * official calculation pairs consecutive lines; their number is returned with the number of lines written.
 */
export function writeMmeResults(
  dir: string,
  answered: readonly Answered[],
): { lines: number; incompleteImages: number } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bySubtask = new Map<string, Map<string, Answered[]>>();
  for (const a of answered) {
    const { mme, category } = a.item;
    if (!mme || category === undefined) throw new Error(`MME item ${a.item.questionId} has no ground truth`);
    const images = bySubtask.get(category) ?? new Map<string, Answered[]>();
    images.set(mme.imageName, [...(images.get(mme.imageName) ?? []), a]);
    bySubtask.set(category, images);
  }
  let incompleteImages = 0;
  let written = 0;
  for (const [subtask, images] of bySubtask) {
    const lines: string[] = [];
    for (const pair of images.values()) {
      if (pair.length !== 2) {
        incompleteImages++;
        continue;
      }
      for (const { item, record } of pair) {
        const { imageName, question, answer } = item.mme!;
        // Tabs or newlines in an answer would break the line format.
        lines.push([imageName, question, answer, record.text.replace(/[\t\r\n]/g, " ")].join("\t"));
      }
    }
    written += lines.length;
    if (lines.length > 0) writeFileAtomic(join(dir, `${subtask}.txt`), lines.map((l) => `${l}\n`).join(""));
  }
  return { lines: written, incompleteImages };
}
