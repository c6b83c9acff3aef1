// Sandbox evaluation: answer held-out questions about unseen images (greedy, short answers) and score exact
// matches of the first word, case-insensitively.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { processImage } from "../data/clip_preprocess.ts";
import { getTemplate } from "../data/templates/index.ts";
import { tokenizerImageToken } from "../data/tokenizer_image_token.ts";
import type { CLIPImageProcessorConfig } from "../io/config/clip_preprocessor_config.ts";
import { decodeImage } from "../io/image.ts";
import type { Tokenizer } from "../io/tokenizer.ts";
import { generate } from "../models/generation.ts";
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
  const template = getTemplate("vicuna_v1");
  const wasTraining = model.training;
  model.eval();
  let correct = 0;
  for (const q of questions) {
    const prompt = template.render(
      [
        { role: "user", content: `<image>\n${q.text}` },
        { role: "assistant", content: null },
      ],
      { image: true },
    );
    const ids = Int32Array.from(tokenizerImageToken(prompt, tokenizer));
    const img = processImage(await decodeImage(join(images, q.image)), processor, "square");
    const { embeds, plan } = model.embedMultimodal({
      inputIds: ids,
      batch: 1,
      seqLen: ids.length,
      pixelValues: img.pixelValues,
    });
    const [out] = generate(
      model,
      { batch: 1, seqLen: plan.seqLen, inputsEmbeds: embeds, attentionMask: plan.attentionMask },
      { maxNewTokens: 4, eosTokenIds: [tokenizer.eosTokenId!] },
    );
    if (firstWord(tokenizer.decode(out, { skipSpecialTokens: true })) === firstWord(answers[q.question_id]))
      correct++;
  }
  model.train(wasTraining);
  return correct / questions.length;
}
