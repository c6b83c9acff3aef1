// Instruction data in LLaVA-Instruct's three kinds: conversations (several questions on colour, shape,
// count, position, existence, each answered in a sentence), detailed descriptions (a prompt asking for one),
// and complex reasoning (counts and relations, answers that explain themselves). Every answer is computed
// from the scene, so it is true of the image.
import type { Rng } from "../../tensor/rng.ts";
import { detailedDescription } from "./captions.ts";
import { above, leftOf, type Scene, type SceneObject, SHAPES } from "./scene.ts";
import {
  absentObject,
  anObject,
  capitalize,
  counted,
  howMany,
  list,
  noun,
  numberWord,
  POSITION_PHRASE,
  pick,
  shapesIn,
  theObject,
  thereAre,
  theShape,
  withArticle,
} from "./words.ts";

export interface QA {
  question: string;
  answer: string;
}

type Asker = (scene: Scene, rng: Rng) => QA | null;

const qa = (question: string, answer: string): QA => ({ question, answer: capitalize(answer) });

const CONVERSATION: Asker[] = [
  (s, r) => {
    const o = pick(r, s.objects);
    const ref = theShape(s, o);
    return qa(`What color is ${ref}?`, `${ref} is ${o.color}.`);
  },
  (s, r) => {
    const o = pick(r, s.objects);
    const q = pick(r, [
      `What shape is ${POSITION_PHRASE[o.position]}?`,
      `Which shape can you see ${POSITION_PHRASE[o.position]}?`,
    ]);
    return qa(q, `There is ${anObject(o, true)} ${POSITION_PHRASE[o.position]}.`);
  },
  (s, r) => {
    const q = pick(r, ["How many shapes are in the image?", "How many shapes can you see?"]);
    return qa(q, `${thereAre(s.objects.length)} in the image.`);
  },
  (s, r) => {
    const shape = pick(r, SHAPES);
    const n = howMany(s, (o) => o.shape === shape);
    return qa(`How many ${noun(2, shape)} are there?`, `${thereAre(n, shape)}.`);
  },
  (s, r) => {
    const { color, shape } = r.uniform() < 0.5 ? pick(r, s.objects) : absentObject(s, r);
    const matches = s.objects.filter((o) => o.color === color && o.shape === shape);
    const words = `${color} ${shape}`;
    const q = `Is there ${withArticle(words)} in the image?`;
    if (matches.length === 0) return qa(q, `No, there is no ${words} in the image.`);
    if (matches.length === 1)
      return qa(q, `Yes, there is ${withArticle(words)} ${POSITION_PHRASE[matches[0].position]}.`);
    const n = matches.length;
    return qa(q, `Yes, there are ${numberWord(n)} ${color} ${noun(n, matches[0].shape)}.`);
  },
  (s, r) => {
    const o = pick(r, s.objects);
    const ref = theObject(s, o, false);
    return ref ? qa(`Where is ${ref}?`, `${ref} is ${POSITION_PHRASE[o.position]}.`) : null;
  },
  (s) => qa("What color is the background?", `The background is ${s.background}.`),
  (s, r) => {
    const o = pick(r, s.objects);
    const ref = theObject(s, o)!;
    return qa(`Is ${ref} small or large?`, `${ref} is ${o.size}.`);
  },
];

/** Two to four questions of different kinds, asked one after another about the same image. */
export function conversation(scene: Scene, rng: Rng): QA[] {
  const turns = 2 + rng.int(3);
  const out: QA[] = [];
  for (const ask of rng.shuffle([...CONVERSATION])) {
    const turn = ask(scene, rng);
    if (turn) out.push(turn);
    if (out.length === turns) break;
  }
  return out;
}

/** Prompts asking for a detailed description, as detail_23k's questions do. */
export const DETAIL_PROMPTS = [
  "Describe the following image in detail.",
  "Provide a detailed description of the given image.",
  "Explain the visual content of the image in great detail.",
  "What are the key elements in this picture?",
  "Write a detailed description of the given image.",
  "Can you describe the main features of this image for me?",
] as const;

export function detailRequest(scene: Scene, rng: Rng): QA {
  return qa(pick(rng, DETAIL_PROMPTS), detailedDescription(scene, rng));
}

const RELATIONS: Array<{ words: string; holds: (a: SceneObject, b: SceneObject) => boolean }> = [
  { words: "to the left of", holds: leftOf },
  { words: "to the right of", holds: (a, b) => leftOf(b, a) },
  { words: "above", holds: above },
  { words: "below", holds: (a, b) => above(b, a) },
];

const where = (s: Scene, o: SceneObject) => `${theObject(s, o)} is ${POSITION_PHRASE[o.position]}`;

const REASONING: Asker[] = [
  // Which object stands in a relation to another.
  (s, r) => {
    const b = pick(r, s.objects);
    const rel = pick(r, RELATIONS);
    const found = s.objects.filter((a) => rel.holds(a, b));
    const tb = theObject(s, b)!;
    if (found.length !== 1) {
      const q = `How many shapes are ${rel.words} ${tb}?`;
      const names = found.map((a) => anObject(a));
      const which = found.length === 0 ? "" : `: ${list(names)}`;
      return qa(q, `${where(s, b)}, and ${thereAre(found.length)} ${rel.words} it${which}.`);
    }
    const a = found[0];
    return qa(
      `Which shape is ${rel.words} ${tb}?`,
      `${anObject(a)} is ${rel.words} ${tb}. ${capitalize(where(s, a))}, and ${where(s, b)}.`,
    );
  },
  // Whether a relation holds, with the positions as the reason.
  (s, r) => {
    if (s.objects.length < 2) return null;
    const [a, b] = r.shuffle([...s.objects]).slice(0, 2);
    const rel = pick(r, RELATIONS);
    const [ta, tb] = [theObject(s, a)!, theObject(s, b)!];
    const verdict = rel.holds(a, b) ? `Yes, ${ta} is` : `No, ${ta} is not`;
    return qa(
      `Is ${ta} ${rel.words} ${tb}?`,
      `${verdict} ${rel.words} ${tb}. ${capitalize(where(s, a))}, and ${where(s, b)}.`,
    );
  },
  // How many more of one shape than another.
  (s, r) => {
    const more = pick(r, shapesIn(s, true));
    const n1 = howMany(s, (o) => o.shape === more);
    const fewer = SHAPES.filter((t) => t !== more && howMany(s, (o) => o.shape === t) < n1);
    if (fewer.length === 0) return null;
    const less = pick(r, fewer);
    const n2 = howMany(s, (o) => o.shape === less);
    const d = n1 - n2;
    return qa(
      `How many more ${noun(2, more)} than ${noun(2, less)} are there?`,
      `There ${n1 === 1 ? "is" : "are"} ${counted(n1, more)} and ${counted(n2, less)}, so there ${d === 1 ? "is" : "are"} ${numberWord(d)} more ${noun(d, more)} than ${noun(2, less)}.`,
    );
  },
  // Removing one object.
  (s, r) => {
    const o = pick(r, s.objects);
    const n = s.objects.length;
    return qa(
      `If ${theObject(s, o)} were removed, how many shapes would be left?`,
      `The image has ${counted(n)}. Without ${theObject(s, o)}, ${counted(n - 1)} would be left.`,
    );
  },
  // Whether all objects share a colour.
  (s) => {
    if (s.objects.length < 2) return null;
    const colors = [...new Set(s.objects.map((o) => o.color))];
    const q = "Do all of the shapes have the same color?";
    if (colors.length === 1)
      return qa(q, `Yes, all ${numberWord(s.objects.length)} shapes are ${colors[0]}.`);
    return qa(q, `No, the shapes have ${numberWord(colors.length)} different colors: ${list(colors)}.`);
  },
];

/** One reasoning question with an explained answer. */
export function complexReasoning(scene: Scene, rng: Rng): QA {
  for (;;) {
    const answer = pick(rng, REASONING)(scene, rng);
    if (answer) return answer;
  }
}
