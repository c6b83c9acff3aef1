// Pairs the benchmark's items with the answers in the predictions file.
import { type AnswerRecord, answerKey, recordKey } from "./predictions_file.ts";
import type { EvalItem } from "./types.ts";

export interface Answered {
  item: EvalItem;
  record: AnswerRecord;
}

/** The items that have an answer, in item order. */
export function pairAnswers(items: readonly EvalItem[], records: readonly AnswerRecord[]): Answered[] {
  const byKey = new Map(records.map((r) => [recordKey(r), r]));
  const out: Answered[] = [];
  for (const item of items) {
    const record = byKey.get(answerKey(item.questionId, item.text, item.category));
    if (record) out.push({ item, record });
  }
  return out;
}
