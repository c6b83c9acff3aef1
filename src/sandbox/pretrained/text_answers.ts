// Whether the LLM answers the world's short questions from the scene in words, as its text-only pretraining
// data asks them ("Scene: ...\n<question>\nAnswer the question using a single word or phrase."), greedily in
// the vicuna_v1 template; and whether it follows MME's request to answer yes or no.
import { answer } from "../../chat/chat.ts";
import { shortAnswerText } from "../../eval/harness/prompts.ts";
import type { Tokenizer } from "../../io/tokenizer.ts";
import type { LlamaForCausalLM } from "../../models/llama/model.ts";
import { Rng } from "../../tensor/rng.ts";
import { sceneInWords } from "../world/captions.ts";
import { sampleScene } from "../world/scene.ts";
import { shortQuestion, YES_NO_REQUEST } from "../world/short_questions.ts";
import { CHAT_TEMPLATE } from "./text_corpus.ts";

export interface TextAnswer {
  question: string;
  expected: string;
  answer: string;
}

/** Answers to `questions` short questions about seeded random scenes; with `yesNoRequest`, yes/no questions
 * only, each followed by MME's "Please answer yes or no." */
export function textAnswers(
  llm: LlamaForCausalLM,
  tokenizer: Tokenizer,
  questions: number,
  seed: number,
  yesNoRequest = false,
): TextAnswer[] {
  const rng = new Rng(seed);
  return Array.from({ length: questions }, () => {
    const scene = sampleScene(rng, 64);
    let q = shortQuestion(scene, rng);
    while (yesNoRequest && q.answerType !== "yes/no") q = shortQuestion(scene, rng);
    const asked = yesNoRequest ? `${q.question} ${YES_NO_REQUEST}` : q.question;
    const prompt = `${sceneInWords(scene)}\n${shortAnswerText(asked)}`;
    const { text } = answer(llm, tokenizer, { prompt, template: CHAT_TEMPLATE, maxNewTokens: 6 });
    return { question: q.question, expected: q.answer, answer: text };
  });
}

/** An answer as compared: trimmed, lower case, without a final full stop. */
export const normalizeAnswer = (s: string) => s.trim().toLowerCase().replace(/\.$/, "");

/** The share of exact answers (case and a final full stop aside). */
export function textAnswerAccuracy(
  llm: LlamaForCausalLM,
  tokenizer: Tokenizer,
  questions: number,
  seed: number,
  yesNoRequest = false,
): number {
  const answers = textAnswers(llm, tokenizer, questions, seed, yesNoRequest);
  return answers.filter((a) => normalizeAnswer(a.answer) === normalizeAnswer(a.expected)).length / questions;
}
