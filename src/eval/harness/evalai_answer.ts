// EvalAIAnswerProcessor (llava/eval/m4c_evaluator.py), which LLaVA's convert_vqav2_for_submission.py maps
// every VQAv2 answer through: lowercase, "," and "?" dropped, "'s" split off, then the official VQA
// punctuation and digit/article passes.
import { pyStrip } from "../../data/py_string.ts";
import { processDigitArticle, processPunctuation } from "../metrics/vqa_accuracy.ts";

export function evalAiAnswer(answer: string): string {
  const word = answer.toLowerCase().replaceAll(",", "").replaceAll("?", "").replaceAll("'s", " 's");
  return processDigitArticle(processPunctuation(pyStrip(pyStrip(word).replace(/[\n\t]/g, " "))));
}
