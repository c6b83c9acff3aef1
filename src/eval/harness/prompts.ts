// Prompts as LLaVA's evaluation builds them (model_vqa_loader.py and the question files of eval.zip).
import { DEFAULT_IMAGE_TOKEN } from "../../data/constants.ts";
import type { ConversationTemplate, Message } from "../../data/templates/index.ts";
import type { Demo } from "./demos.ts";

/** LLaVA's short-answer instruction (VQAv2, POPE, MME), on its own line after the question. */
export const SHORT_ANSWER_PROMPT = "Answer the question using a single word or phrase.";

/** The caption instruction of the paper's harness for COCO and Flickr30k. */
export const DEFAULT_CAPTION_PROMPT = "Please provide a description of the picture.";

export function shortAnswerText(question: string): string {
  return `${question}\n${SHORT_ANSWER_PROMPT}`;
}

/** A benchmark question as asked: with LLaVA's short-answer instruction, or bare (the paper's protocol). */
export function questionText(question: string, shortAnswer: boolean): string {
  return shortAnswer ? shortAnswerText(question) : question;
}

/**
 * The full prompt string: text-only demo turns, if any, then the image (wrapped in <im_start>/<im_end> when
 * the model was trained so) on the first line of the user turn, then an empty assistant turn for the
 * generation prompt.
 */
export function renderPrompt(
  template: ConversationTemplate,
  text: string,
  imStartEnd = false,
  demos: readonly Demo[] = [],
): string {
  const image = imStartEnd ? `<im_start>${DEFAULT_IMAGE_TOKEN}<im_end>` : DEFAULT_IMAGE_TOKEN;
  return template.render([
    ...demos.flatMap((d): Message[] => [
      { role: "user", content: d.question },
      { role: "assistant", content: d.answer },
    ]),
    { role: "user", content: `${image}\n${text}` },
    { role: "assistant", content: null },
  ]);
}
