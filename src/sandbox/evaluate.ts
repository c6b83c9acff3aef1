// Sandbox evaluation: answer held-out questions about unseen images (greedy, short answers, vicuna_v1 as in
// training) and score exact matches of the first word, case-insensitively.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { answer } from "../chat/chat.ts";
import { processImage } from "../data/clip_preprocess.ts";
import type { CLIPImageProcessorConfig } from "../io/config/clip_preprocessor_config.ts";
import { decodeImage } from "../io/image.ts";
import type { Tokenizer } from "../io/tokenizer.ts";
import type { LlavaForConditionalGeneration } from "../models/llava/model.ts";

interface Question {
  question_id: string;
  image: string;
  text: string;
}

const firstWord = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean)[0] ?? "";

export async function sandboxAccuracy(
  model: LlavaForConditionalGeneration,
  tokenizer: Tokenizer,
  processor: CLIPImageProcessorConfig,
  questionsFile: string,
  answersFile: string,
  images: string,
): Promise<number> {
  const questions = readFileSync(questionsFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Question);
  const answers = JSON.parse(readFileSync(answersFile, "utf8")) as Record<string, string>;
  let correct = 0;
  for (const q of questions) {
    const image = processImage(await decodeImage(join(images, q.image)), processor, "square").pixelValues;
    const { text } = answer(model, tokenizer, { prompt: q.text, image, maxNewTokens: 4 });
    if (firstWord(text) === firstWord(answers[q.question_id])) correct++;
  }
  return correct / questions.length;
}
