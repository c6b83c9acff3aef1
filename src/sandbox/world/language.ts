// All the English the sandbox world speaks, in one place: the caption, instruction and benchmark-question
// generators (re-exported here), LLaVA's stage-1 prompts, and the whole language listed for training a
// tokenizer: `worldLanguage()` gives sentences using every word and sentence pattern, `worldWords()` the words.
import { DEFAULT_CAPTION_PROMPT, SHORT_ANSWER_PROMPT } from "../../eval/harness/prompts.ts";
import { Rng } from "../../tensor/rng.ts";
import { cocoCaptions, detailedDescription, flickrCaptions, sceneInWords } from "./captions.ts";
import { complexReasoning, conversation, DETAIL_PROMPTS } from "./instructions.ts";
import { BACKGROUNDS, COLORS, POSITIONS, SHAPES, SIZES, sampleScene } from "./scene.ts";
import {
  MME_WORLD_SUBTASKS,
  mmePair,
  popeQuestion,
  sceneObjectNames,
  shortQuestion,
} from "./short_questions.ts";
import { NUMBER_WORDS } from "./words.ts";

export {
  CAPTIONS_PER_IMAGE,
  cocoCaptions,
  detailedDescription,
  flickrCaptions,
  sceneInWords,
} from "./captions.ts";
export { complexReasoning, conversation, DETAIL_PROMPTS, detailRequest, type QA } from "./instructions.ts";
export {
  humanAnswers,
  MME_WORLD_SUBTASKS,
  type MmeWorldSubtask,
  mmePair,
  popeQuestion,
  type ShortQuestion,
  sceneObjectNames,
  shortQuestion,
  VQA_ANSWER_TYPES,
  VQA_ANSWERS_PER_QUESTION,
  type VqaAnswerType,
} from "./short_questions.ts";

/** LLaVA's brief-description instructions, which its stage-1 data (blip_laion_cc_sbu_558k) pairs with captions. */
export const BRIEF_PROMPTS = [
  "Describe the image concisely.",
  "Provide a brief description of the given image.",
  "Offer a succinct explanation of the picture presented.",
  "Summarize the visual content of the image.",
  "Give a short and clear explanation of the subsequent image.",
  "Share a concise interpretation of the image provided.",
  "Present a compact description of the photo's key features.",
  "Relay a brief, clear account of the picture shown.",
  "Render a clear and concise summary of the photo.",
  "Write a terse but informative summary of the picture.",
  "Create a compact narrative representing the image presented.",
] as const;

/** Scenes the language listing draws from: enough that every template and phrase occurs (checked by a test). */
const LISTING_SCENES = 600;
const LISTING_SEED = 0x5eed;

let cached: string[] | null = null;

/**
 * Every sentence pattern the world uses, with every word: the fixed prompts, the vocabularies, and the
 * generators' output for a fixed set of scenes, one text per entry, deduplicated, in a fixed order.
 */
export function worldLanguage(): string[] {
  if (cached) return cached;
  const rng = new Rng(LISTING_SEED);
  const lines = new Set<string>([
    ...BRIEF_PROMPTS,
    ...DETAIL_PROMPTS,
    SHORT_ANSWER_PROMPT,
    DEFAULT_CAPTION_PROMPT,
    [...SHAPES, ...COLORS, ...SIZES, ...POSITIONS, ...BACKGROUNDS, ...NUMBER_WORDS, "yes", "no"].join(" "),
    "0 1 2 3 4 5 6 7 8 9",
  ]);
  for (let i = 0; i < LISTING_SCENES; i++) {
    const scene = sampleScene(rng, 64);
    const texts = [
      sceneInWords(scene),
      ...cocoCaptions(scene, rng),
      ...flickrCaptions(scene, rng),
      detailedDescription(scene, rng),
      ...conversation(scene, rng).flatMap((t) => [t.question, t.answer]),
      ...Object.values(complexReasoning(scene, rng)),
      shortQuestion(scene, rng).question,
      ...sceneObjectNames(scene).map(popeQuestion),
      ...MME_WORLD_SUBTASKS.flatMap((t) => mmePair(scene, t, rng)),
    ];
    for (const t of texts) lines.add(t);
  }
  cached = [...lines];
  return cached;
}

/** The words of a text, lower case, without punctuation ("photo's" stays one word). */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
}

/** Every distinct word the world uses, sorted. */
export function worldWords(): string[] {
  return [...new Set(worldLanguage().flatMap(wordsOf))].sort();
}
