// Whether the LLM answers the world's short questions from the scene in words, as its text-only pretraining
// data asks them ("Scene: ...\n<question>\nAnswer the question using a single word or phrase."), greedily in
// the vicuna_v1 template.
import { answer } from "../../chat/chat.ts";
import { shortAnswerText } from "../../eval/harness/prompts.ts";
import type { Tokenizer } from "../../io/tokenizer.ts";
import type { LlamaForCausalLM } from "../../models/llama/model.ts";
import { Rng } from "../../tensor/rng.ts";
import { sceneInWords } from "../world/captions.ts";
import { sampleScene } from "../world/scene.ts";
import { shortQuestion } from "../world/short_questions.ts";
import { CHAT_TEMPLATE } from "./text_corpus.ts";

export interface TextAnswer {
  question: string;
  expected: string;
  answer: string;
}

/** Answers to `questions` short questions about seeded random scenes. */
export function textAnswers(
  llm: LlamaForCausalLM,
  tokenizer: Tokenizer,
  questions: number,
  seed: number,
): TextAnswer[] {
  const rng = new Rng(seed);
  return Array.from({ length: questions }, () => {
    const scene = sampleScene(rng, 64);
    const q = shortQuestion(scene, rng);
    const prompt = `${sceneInWords(scene)}\n${shortAnswerText(q.question)}`;
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
): number {
  const answers = textAnswers(llm, tokenizer, questions, seed);
  return answers.filter((a) => normalizeAnswer(a.answer) === normalizeAnswer(a.expected)).length / questions;
}
