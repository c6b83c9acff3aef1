// VQA accuracy from the official VQAv2 question/annotation files and a `[{question_id, answer}]` list.
//
// Unlike the official tool, which insists that the results cover every annotated question, the
// questions present in the results are scored (the paper scores a 5,000-question sample); every
// result must name a known question, once.
import { type VqaItem, type VqaScores, vqaAccuracy } from "./metrics/vqa_accuracy.ts";
import { arrayField, fields, readJson } from "./read_input.ts";

export interface VqaReport extends VqaScores {
  /** Questions scored, and questions in the annotation file. */
  questions: number;
  annotated: number;
}

export function scoreVqaFiles(
  questionsPath: string,
  annotationsPath: string,
  resultsPath: string,
): VqaReport {
  const questionIds = new Set<string>();
  arrayField(questionsPath, readJson(questionsPath), "questions").forEach((entry, i) => {
    const id = String(fields(questionsPath, `question ${i}`, entry).id("question_id"));
    if (questionIds.has(id)) throw new Error(`${questionsPath}: duplicate question_id ${id}`);
    questionIds.add(id);
  });

  const annotations = new Map<string, Omit<VqaItem, "prediction">>();
  arrayField(annotationsPath, readJson(annotationsPath), "annotations").forEach((entry, i) => {
    const where = `annotation ${i}`;
    const f = fields(annotationsPath, where, entry);
    const questionId = f.id("question_id");
    const key = String(questionId);
    if (annotations.has(key)) throw new Error(`${annotationsPath}: duplicate question_id ${key}`);
    if (!questionIds.has(key)) {
      throw new Error(`${annotationsPath}: question_id ${key} is not in the questions file ${questionsPath}`);
    }
    const humanAnswers = f
      .array("answers")
      .map((a, j) => fields(annotationsPath, `${where} answer ${j}`, a).string("answer"));
    if (humanAnswers.length === 0) throw new Error(`${annotationsPath}: ${where} has no answers`);
    annotations.set(key, {
      questionId,
      questionType: f.string("question_type"),
      answerType: f.string("answer_type"),
      humanAnswers,
    });
  });

  const predictions = new Map<string, string>();
  arrayField(resultsPath, readJson(resultsPath)).forEach((entry, i) => {
    const f = fields(resultsPath, `result ${i}`, entry);
    const key = String(f.id("question_id"));
    if (predictions.has(key)) throw new Error(`${resultsPath}: duplicate question_id ${key}`);
    if (!annotations.has(key))
      throw new Error(`${resultsPath}: question_id ${key} is not in ${annotationsPath}`);
    predictions.set(key, f.string("answer"));
  });
  if (predictions.size === 0) throw new Error(`${resultsPath}: no results`);

  // Annotation-file order, as the official tool iterates, so sums are accumulated identically.
  const items: VqaItem[] = [];
  for (const [key, annotation] of annotations) {
    const prediction = predictions.get(key);
    if (prediction !== undefined) items.push({ ...annotation, prediction });
  }
  return { ...vqaAccuracy(items), questions: items.length, annotated: annotations.size };
}
