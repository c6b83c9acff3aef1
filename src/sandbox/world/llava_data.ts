// Training samples in LLaVA's formats: stage-1 image–caption pairs (blip_laion_cc_sbu_558k.json: a brief-
// description prompt beside "<image>", the caption as the answer), LLaVA-Instruct samples of the three types,
// short-answer VQA samples as llava_v1_5_mix665k adds them, and text-only samples that put the scene in words
// where the image would be, for pretraining the LLM.
import { DEFAULT_IMAGE_TOKEN } from "../../data/constants.ts";
import { LLAVA_INSTRUCT_TYPES } from "../../data/data_types.ts";
import type { LlavaSample } from "../../data/sample.ts";
import { SHORT_ANSWER_PROMPT } from "../../eval/harness/prompts.ts";
import type { Rng } from "../../tensor/rng.ts";
import {
  BRIEF_PROMPTS,
  cocoCaptions,
  complexReasoning,
  conversation,
  detailRequest,
  flickrCaptions,
  type QA,
  sceneInWords,
  shortQuestion,
} from "./language.ts";
import type { Scene } from "./scene.ts";
import { capitalize, pick } from "./words.ts";

/** An image of a data set: its COCO-style numeric id, file name (relative to the image folder) and scene. */
export interface WorldImage {
  id: number;
  file: string;
  scene: Scene;
}

/** Instruction types: LLaVA-Instruct's three, and the short-answer VQA data of LLaVA-1.5's mix. */
export const SHORT_ANSWER_TYPE = "short_answer";
export type InstructType = (typeof LLAVA_INSTRUCT_TYPES)[number] | typeof SHORT_ANSWER_TYPE;
export const INSTRUCT_TYPES: readonly InstructType[] = [...LLAVA_INSTRUCT_TYPES, SHORT_ANSWER_TYPE];

/** LLaVA-Instruct's ids are the 12-digit COCO image id, shared by an image's samples of every type. */
const instructId = (id: number) => String(id).padStart(12, "0");

/** "<image>" on its own line, before or after the text, as both occur in LLaVA's data. */
const withImage = (text: string, rng: Rng) =>
  rng.uniform() < 0.5 ? `${DEFAULT_IMAGE_TOKEN}\n${text}` : `${text}\n${DEFAULT_IMAGE_TOKEN}`;

/** Turns from Q/A pairs; `first` is what the first question is prefixed with (the image or its words). */
function turns(pairs: readonly QA[], first: (q: string) => string): LlavaSample["conversations"] {
  return pairs.flatMap((p, i) => [
    { from: "human", value: i === 0 ? first(p.question) : p.question },
    { from: "gpt", value: p.answer },
  ]);
}

/** A caption in either style. */
function caption(scene: Scene, rng: Rng): string {
  return (rng.uniform() < 0.5 ? cocoCaptions : flickrCaptions)(scene, rng, 1)[0];
}

export function stage1Sample(image: WorldImage, rng: Rng): LlavaSample {
  return {
    id: String(image.id).padStart(9, "0"),
    image: image.file,
    conversations: [
      { from: "human", value: withImage(pick(rng, BRIEF_PROMPTS), rng) },
      { from: "gpt", value: caption(image.scene, rng) },
    ],
  };
}

/** One to three VQA questions with LLaVA-1.5's short-answer instruction, answered in one word. */
function shortAnswers(scene: Scene, rng: Rng): QA[] {
  const n = 1 + rng.int(3);
  return Array.from({ length: n }, () => {
    const q = shortQuestion(scene, rng);
    return { question: `${q.question}\n${SHORT_ANSWER_PROMPT}`, answer: capitalize(q.answer) };
  });
}

/** The Q/A pairs of one sample of a type. */
function instructPairs(type: InstructType, scene: Scene, rng: Rng): QA[] {
  switch (type) {
    case "conversation":
      return conversation(scene, rng);
    case "detail":
      return [detailRequest(scene, rng)];
    case "complex_reasoning":
      return [complexReasoning(scene, rng)];
    case SHORT_ANSWER_TYPE:
      return shortAnswers(scene, rng);
  }
}

export function instructSample(type: InstructType, image: WorldImage, rng: Rng): LlavaSample {
  return {
    id: instructId(image.id),
    image: image.file,
    conversations: turns(instructPairs(type, image.scene, rng), (q) => withImage(q, rng)),
  };
}

/** Text-only samples about a scene, one per kind (caption, the instruction types), the scene in words first. */
export function textSamples(scene: Scene, id: string, rng: Rng): LlavaSample[] {
  const words = (q: string) => `${sceneInWords(scene)}\n${q}`;
  const kinds: Array<[string, QA[]]> = [
    ["caption", [{ question: pick(rng, BRIEF_PROMPTS), answer: caption(scene, rng) }]],
    ...INSTRUCT_TYPES.map((t): [string, QA[]] => [t, instructPairs(t, scene, rng)]),
  ];
  return kinds.map(([kind, pairs]) => ({ id: `${id}-${kind}`, conversations: turns(pairs, words) }));
}
