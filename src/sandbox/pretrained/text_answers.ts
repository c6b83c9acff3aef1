// Whether the LLM answers the world's short questions from the scene in words, as its text-only pretraining
// data asks them ("Scene: ...\n<question>\nAnswer the question using a single word or phrase."), greedily in
// the vicuna_v1 template: the share of exact answers (case and a final full stop aside).
import { answer } from "../../chat/chat.ts";
import { shortAnswerText } from "../../eval/harness/prompts.ts";
import type { Tokenizer } from "../../io/tokenizer.ts";
import type { LlamaForCausalLM } from "../../models/llama/model.ts";
import { Rng } from "../../tensor/rng.ts";
import { sceneInWords } from "../world/captions.ts";
import { sampleScene } from "../world/scene.ts";
import { shortQuestion } from "../world/short_questions.ts";
import { CHAT_TEMPLATE } from "./text_corpus.ts";

const normalize = (s: string) => s.trim().toLowerCase().replace(/\.$/, "");

export function textAnswerAccuracy(
  llm: LlamaForCausalLM,
  tokenizer: Tokenizer,
  questions: number,
  seed: number,
): number {
  const rng = new Rng(seed);
  let correct = 0;
  for (let i = 0; i < questions; i++) {
    const scene = sampleScene(rng, 64);
    const q = shortQuestion(scene, rng);
    const prompt = `${sceneInWords(scene)}\n${shortAnswerText(q.question)}`;
    const { text } = answer(llm, tokenizer, { prompt, template: CHAT_TEMPLATE, maxNewTokens: 6 });
    if (normalize(text) === normalize(q.answer)) correct++;
  }
  return correct / questions;
}
