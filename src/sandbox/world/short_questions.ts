// Questions with one-word answers, as the benchmarks ask them: VQAv2-style questions of three answer types
// (with the ten human answers' realistic disagreement), POPE's object-existence question, and MME's yes/no
// pairs for the existence, count, position and color subtasks.
import type { Rng } from "../../tensor/rng.ts";
import {
  above,
  BACKGROUNDS,
  COLORS,
  leftOf,
  POSITIONS,
  type Scene,
  type SceneObject,
  SHAPES,
  SIZES,
} from "./scene.ts";
import {
  absentObject,
  howMany,
  noun,
  numberWord,
  POSITION_PHRASE,
  pick,
  theObject,
  theShape,
  withArticle,
} from "./words.ts";

export const VQA_ANSWER_TYPES = ["yes/no", "number", "other"] as const;
export type VqaAnswerType = (typeof VQA_ANSWER_TYPES)[number];

export interface ShortQuestion {
  question: string;
  /** The answer, lower case as VQAv2's annotators mostly write it (digits for numbers). */
  answer: string;
  answerType: VqaAnswerType;
  /** VQAv2's question type: the question's opening words. */
  questionType: string;
  /** Plausible wrong answers an annotator might give. */
  confusions: string[];
}

const yesNo = (question: string, questionType: string, yes: boolean): ShortQuestion => ({
  question,
  answer: yes ? "yes" : "no",
  answerType: "yes/no",
  questionType,
  confusions: [yes ? "no" : "yes"],
});

const number = (question: string, n: number): ShortQuestion => ({
  question,
  answer: String(n),
  answerType: "number",
  questionType: "how many",
  // Spelled numbers are the same answer to VQA's normalisation; off-by-one counts are real disagreement.
  confusions: [numberWord(n), String(n + 1), ...(n > 0 ? [String(n - 1)] : [])],
});

const other = (question: string, questionType: string, answer: string, vocab: readonly string[]) => ({
  question,
  answer,
  answerType: "other" as const,
  questionType,
  confusions: vocab.filter((v) => v !== answer),
});

/** "Is there only one circle" / "Are there two shapes": a count asked as a yes/no question. */
const countPhrase = (n: number, shape?: (typeof SHAPES)[number]) =>
  n === 1 ? `Is there only one ${noun(1, shape)}` : `Are there ${numberWord(n)} ${noun(n, shape)}`;

/** Spatial relations between two objects, each with its opposite. */
const OPPOSITE: Array<[string, (a: SceneObject, b: SceneObject) => boolean, string]> = [
  ["to the left of", leftOf, "to the right of"],
  ["to the right of", (a, b) => leftOf(b, a), "to the left of"],
  ["above", above, "below"],
  ["below", (a, b) => above(b, a), "above"],
];

/** The first other object that `a` stands in some relation of OPPOSITE to, with the relations that hold. */
function relatedTo(scene: Scene, a: SceneObject) {
  const b = scene.objects.find((p) => p !== a && OPPOSITE.some(([, holds]) => holds(a, p)));
  return b ? { b, relations: OPPOSITE.filter(([, holds]) => holds(a, b)) } : null;
}

// VQAv2's and GQA's question kinds (both in LLaVA-1.5's mix): yes/no questions about existence, colour,
// count and spatial relations, counts, and "other" answers (colour, shape, position, size).
const ASKERS: Array<(s: Scene, r: Rng) => ShortQuestion | null> = [
  (s, r) => {
    const o = r.uniform() < 0.5 ? pick(r, s.objects) : { color: pick(r, COLORS), shape: pick(r, SHAPES) };
    const yes = s.objects.some((p) => p.color === o.color && p.shape === o.shape);
    return yesNo(`Is there ${withArticle(`${o.color} ${o.shape}`)} in the image?`, "is there a", yes);
  },
  (s, r) => {
    const o = pick(r, s.objects);
    const color = r.uniform() < 0.5 ? o.color : pick(r, COLORS);
    return yesNo(`Is ${theShape(s, o)} ${color}?`, "is the", color === o.color);
  },
  (s, r) => {
    const bg = pick(r, BACKGROUNDS);
    return yesNo(`Is the background ${bg}?`, "is the", bg === s.background);
  },
  (s, r) => {
    const shape = pick(r, SHAPES);
    return yesNo(
      `Are there any ${noun(2, shape)}?`,
      "are there any",
      howMany(s, (o) => o.shape === shape) > 0,
    );
  },
  (s, r) => {
    const shape = r.uniform() < 0.5 ? pick(r, s.objects).shape : undefined;
    const n = howMany(s, (o) => shape === undefined || o.shape === shape);
    const asked = r.uniform() < 0.5 ? n : pick(r, [1, 2, 3, 4]);
    return yesNo(`${countPhrase(asked, shape)}?`, asked === 1 ? "is there" : "are there", asked === n);
  },
  (s, r) => {
    const a = pick(r, s.objects);
    const related = relatedTo(s, a);
    if (!related) return null;
    const [rel, , opposite] = pick(r, related.relations);
    const yes = r.uniform() < 0.5;
    return yesNo(`Is ${theObject(s, a)} ${yes ? rel : opposite} ${theObject(s, related.b)}?`, "is the", yes);
  },
  (s) => number("How many shapes are there?", s.objects.length),
  (s, r) => {
    const shape = pick(r, s.objects).shape;
    return number(
      `How many ${noun(2, shape)} are there?`,
      howMany(s, (o) => o.shape === shape),
    );
  },
  (s, r) => {
    const color = pick(r, s.objects).color;
    return number(
      `How many ${color} shapes are there?`,
      howMany(s, (o) => o.color === color),
    );
  },
  (s, r) => {
    const o = pick(r, s.objects);
    return other(`What color is ${theShape(s, o)}?`, "what color is the", o.color, COLORS);
  },
  (s, r) => {
    const o = pick(r, s.objects);
    return other(`What shape is ${POSITION_PHRASE[o.position]}?`, "what shape is", o.shape, SHAPES);
  },
  (s) => other("What color is the background?", "what color is the", s.background, BACKGROUNDS),
  (s, r) => {
    const o = pick(r, s.objects);
    const ref = theObject(s, o, false);
    return ref ? other(`Where is ${ref}?`, "where is the", o.position, POSITIONS) : null;
  },
  (s, r) => {
    const o = pick(r, s.objects);
    return other(`What size is ${theObject(s, o)}?`, "what size is the", o.size, SIZES);
  },
];

/** One VQAv2-style question about the scene with its true answer. */
export function shortQuestion(scene: Scene, rng: Rng): ShortQuestion {
  for (;;) {
    const q = pick(rng, ASKERS)(scene, rng);
    if (q) return q;
  }
}

/** Human answers per VQAv2 question. */
export const VQA_ANSWERS_PER_QUESTION = 10;
/** At most this many annotators disagree, so the true answer always scores full VQA accuracy. */
const MAX_DISAGREEING = 3;

/** Ten annotators' answers: mostly the true one, a few confusions (each annotator strays with p = 0.15). */
export function humanAnswers(q: ShortQuestion, rng: Rng): string[] {
  let strays = 0;
  return Array.from({ length: VQA_ANSWERS_PER_QUESTION }, () => {
    if (strays < MAX_DISAGREEING && rng.uniform() < 0.15) {
      strays++;
      return pick(rng, q.confusions);
    }
    return q.answer;
  });
}

/** POPE's question about an object ("red circle"). */
export function popeQuestion(object: string): string {
  return `Is there ${withArticle(object)} in the image?`;
}

/** The objects as POPE names them: "red circle", each once, in scene order. */
export function sceneObjectNames(scene: Scene): string[] {
  return [...new Set(scene.objects.map((o) => `${o.color} ${o.shape}`))];
}

export const MME_WORLD_SUBTASKS = ["existence", "count", "position", "color"] as const;
export type MmeWorldSubtask = (typeof MME_WORLD_SUBTASKS)[number];

/** MME's request after each question, which a chat LLM follows from its language training alone. */
export const YES_NO_REQUEST = "Please answer yes or no.";

const IN_IMAGE: Record<(typeof POSITIONS)[number], string> = {
  top: "at the top of the image",
  left: "on the left side of the image",
  center: "in the center of the image",
  right: "on the right side of the image",
  bottom: "at the bottom of the image",
};

const countQuestion = (n: number, shape?: (typeof SHAPES)[number]) =>
  `${countPhrase(n, shape)} in this image?`;

/** MME's pair for one image: a question whose answer is yes, then one whose answer is no. */
export function mmePair(scene: Scene, subtask: MmeWorldSubtask, rng: Rng): [string, string] {
  const o = pick(rng, scene.objects);
  let pair: [string, string];
  switch (subtask) {
    case "existence": {
      const absent = absentObject(scene, rng);
      const ask = (x: { color: string; shape: string }) =>
        `Is there ${withArticle(`${x.color} ${x.shape}`)} in this image?`;
      pair = [ask(o), ask(absent)];
      break;
    }
    case "count": {
      const shape = rng.uniform() < 0.5 ? o.shape : undefined;
      const n = shape ? howMany(scene, (p) => p.shape === shape) : scene.objects.length;
      const wrong = pick(
        rng,
        [1, 2, 3, 4].filter((m) => m !== n),
      );
      pair = [countQuestion(n, shape), countQuestion(wrong, shape)];
      break;
    }
    case "position": {
      const related = relatedTo(scene, o);
      if (related) {
        const [rel, , opposite] = pick(rng, related.relations);
        const [ta, tb] = [theObject(scene, o), theObject(scene, related.b)];
        pair = [`Is ${ta} ${rel} ${tb}?`, `Is ${ta} ${opposite} ${tb}?`];
      } else {
        const elsewhere = pick(
          rng,
          POSITIONS.filter((p) => p !== o.position),
        );
        const ask = (p: (typeof POSITIONS)[number]) => `Is the ${o.shape} ${IN_IMAGE[p]}?`;
        pair = [ask(o.position), ask(elsewhere)];
      }
      break;
    }
    case "color": {
      const wrong = pick(
        rng,
        COLORS.filter((c) => c !== o.color),
      );
      const ref = theShape(scene, o);
      pair = [`Is ${ref} ${o.color}?`, `Is ${ref} ${wrong}?`];
      break;
    }
  }
  return [`${pair[0]} ${YES_NO_REQUEST}`, `${pair[1]} ${YES_NO_REQUEST}`];
}
