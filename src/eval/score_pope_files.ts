// POPE metrics per split from question files (`coco_pope_{random,popular,adversarial}.json`, JSON
// lines with question_id and label) and one JSON-lines answer file.
//
// Answers are matched to questions by question_id; upstream pairs the n-th answer with the n-th
// label instead, which silently mis-scores when an answer is missing or out of order. The split
// files reuse ids 1..3000, so with several files an answer needs the split name in its `category`
// field (as in LLaVA's POPE answers), unless its id occurs in only one of the files.
import { basename } from "node:path";
import { type PopeMetrics, type PopePair, popeMetrics } from "./metrics/pope.ts";
import { fields, readJsonLines } from "./read_input.ts";

export interface PopeSplitReport extends PopeMetrics {
  /** Questions of the split without an answer; they are left out of the metrics. */
  unanswered: number;
}

export interface PopeReport {
  splits: Record<string, PopeSplitReport>;
  /** Answers whose category names a split that was not given; LLaVA ignores these too. */
  skippedAnswers: number;
}

/** "coco_pope_random.json" -> "random" (LLaVA's category naming); other names lose only the extension. */
export function popeSplitName(path: string): string {
  const stem = basename(path).replace(/\.jsonl?$/, "");
  const m = /pope_(.+)$/.exec(stem);
  return m ? m[1] : stem;
}

export function scorePopeFiles(questionPaths: readonly string[], answersPath: string): PopeReport {
  const splits = new Map<string, Map<string, { label: string; answer?: string }>>();
  for (const path of questionPaths) {
    const name = popeSplitName(path);
    if (splits.has(name)) throw new Error(`${path}: split "${name}" is given twice`);
    const questions = new Map<string, { label: string; answer?: string }>();
    readJsonLines(path).forEach((entry, i) => {
      const f = fields(path, `line ${i + 1}`, entry);
      const id = String(f.id("question_id"));
      if (questions.has(id)) throw new Error(`${path}: duplicate question_id ${id}`);
      questions.set(id, { label: f.string("label") });
    });
    if (questions.size === 0) throw new Error(`${path}: no questions`);
    splits.set(name, questions);
  }

  let skippedAnswers = 0;
  readJsonLines(answersPath).forEach((entry, i) => {
    const f = fields(answersPath, `line ${i + 1}`, entry);
    const id = String(f.id("question_id"));
    // POPE's own answer files use "answer", LLaVA's use "text".
    const answer = f.has("text") ? f.string("text") : f.string("answer");
    let candidates = [...splits.entries()];
    if (f.has("category")) {
      const category = f.string("category");
      candidates = candidates.filter(([name]) => name === category);
      if (candidates.length === 0) {
        skippedAnswers++;
        return;
      }
    }
    const matches = candidates.filter(([, questions]) => questions.has(id));
    if (matches.length === 0) throw new Error(`${answersPath}: line ${i + 1}: unknown question_id ${id}`);
    if (matches.length > 1) {
      throw new Error(
        `${answersPath}: line ${i + 1}: question_id ${id} occurs in several splits; add "category"`,
      );
    }
    const [name, questions] = matches[0];
    const question = questions.get(id)!;
    if (question.answer !== undefined) {
      throw new Error(
        `${answersPath}: line ${i + 1}: second answer for question_id ${id} of split "${name}"`,
      );
    }
    question.answer = answer;
  });

  const report: PopeReport = { splits: {}, skippedAnswers };
  for (const [name, questions] of splits) {
    const pairs: PopePair[] = [];
    for (const q of questions.values())
      if (q.answer !== undefined) pairs.push({ label: q.label, answer: q.answer });
    // Metrics over no answers would print as zeros, indistinguishable from a model that is always wrong.
    if (pairs.length === 0) throw new Error(`${answersPath}: no answers to the questions of split "${name}"`);
    report.splits[name] = { ...popeMetrics(pairs), unanswered: questions.size - pairs.length };
  }
  return report;
}
