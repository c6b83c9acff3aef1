// The sandbox LLM's pretraining text: general English passages, plain descriptions of world scenes, and
// text-only conversations about world scenes (the scene in words where an image would be) in the vicuna_v1
// chat format the demo uses, so the LLM knows the world's words and answer formats before it sees an image,
// and yes/no questions with the request to answer yes or no, as a chat LLM follows it.
import { DEFAULT_IMAGE_TOKEN } from "../../data/constants.ts";
import { preprocess } from "../../data/preprocess.ts";
import { type Turn, toMessages } from "../../data/sample.ts";
import { vicunaV1 } from "../../data/templates/vicuna_v1.ts";
import type { TokenizedSample } from "../../data/tokenized_sample.ts";
import { shortAnswerText } from "../../eval/harness/prompts.ts";
import type { Tokenizer } from "../../io/tokenizer.ts";
import { Rng } from "../../tensor/rng.ts";
import { cocoCaptions, detailedDescription, sceneInWords } from "../world/captions.ts";
import { instructSample, SHORT_ANSWER_TYPE, textSamples } from "../world/llava_data.ts";
import { type Scene, sampleScene } from "../world/scene.ts";
import { shortQuestion, YES_NO_REQUEST } from "../world/short_questions.ts";
import { capitalize } from "../world/words.ts";

/** Plain text (every token is a target) or a conversation (only the assistant's turns are, as LLaVA masks). */
export type Doc = { kind: "text"; text: string } | { kind: "chat"; turns: Turn[] };

export const CHAT_TEMPLATE = vicunaV1;

/** Short-answer conversations per scene on top of textSamples' one: the demo's held-out questions are short
 * answers, and a one-word answer is a small share of a conversation's target tokens. */
const EXTRA_SHORT_ANSWER_DOCS = 1;

/** One to three yes/no questions about the scene in words, each followed by "Please answer yes or no." (and
 * half of them by LLaVA's short-answer instruction too), answered "Yes" or "No": the general instruction
 * following that a chat LLM brings to LLaVA, and that MME's questions rely on. */
function yesNoRequests(scene: Scene, rng: Rng): Turn[] {
  const n = 1 + rng.int(3);
  const turns: Turn[] = [];
  while (turns.length < 2 * n) {
    const q = shortQuestion(scene, rng);
    if (q.answerType !== "yes/no") continue;
    const asked = `${q.question} ${YES_NO_REQUEST}`;
    const text = rng.uniform() < 0.5 ? shortAnswerText(asked) : asked;
    turns.push(
      { from: "human", value: turns.length === 0 ? `${sceneInWords(scene)}\n${text}` : text },
      { from: "gpt", value: capitalize(q.answer) },
    );
  }
  return turns;
}

/** For each of `scenes` random scenes: its text-only conversations (one per task kind), more short-answer
 * ones (LLaVA-1.5's short-answer samples with the scene in words where "<image>" stands), and one plain
 * description ("Scene: ..." followed by a caption and a detailed description). */
export function worldDocuments(scenes: number, sceneSize: number, seed: number): Doc[] {
  const rng = new Rng(seed);
  const docs: Doc[] = [];
  for (let i = 0; i < scenes; i++) {
    const scene = sampleScene(rng, sceneSize);
    for (const s of textSamples(scene, `text-${i}`, rng)) docs.push({ kind: "chat", turns: s.conversations });
    const words = sceneInWords(scene);
    for (let k = 0; k < EXTRA_SHORT_ANSWER_DOCS; k++) {
      const s = instructSample(SHORT_ANSWER_TYPE, { id: i, file: "", scene }, rng);
      docs.push({
        kind: "chat",
        turns: s.conversations.map((t) => ({ ...t, value: t.value.replace(DEFAULT_IMAGE_TOKEN, words) })),
      });
    }
    docs.push({ kind: "chat", turns: yesNoRequests(scene, rng) });
    const plain = [sceneInWords(scene), cocoCaptions(scene, rng, 1)[0], detailedDescription(scene, rng)];
    docs.push({ kind: "text", text: plain.join(" ") });
  }
  return docs;
}

/** A document as the tokenizer trainer sees it: conversations rendered with the chat template. */
export function docText(d: Doc): string {
  return d.kind === "text" ? d.text : CHAT_TEMPLATE.render(toMessages(d.turns));
}

/** Ids and labels: BOS + text + EOS for plain text, LLaVA's preprocessing for conversations. */
export function tokenizeDoc(d: Doc, tokenizer: Tokenizer): TokenizedSample {
  if (d.kind === "chat") return preprocess(d.turns, tokenizer, CHAT_TEMPLATE, { hasImage: false });
  const ids = tokenizer.encode(d.text);
  if (tokenizer.eosTokenId !== null) ids.push(tokenizer.eosTokenId);
  return { inputIds: ids, labels: [...ids], numImages: 0, mismatch: false };
}
