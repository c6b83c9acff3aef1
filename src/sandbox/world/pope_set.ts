// POPE's three splits, built the way POPE's own generator (RUCAIBox/POPE, utils.py) builds them. POPE's
// objects here are coloured shapes ("red circle"): an image's objects are its distinct colour–shape names in
// scene order. POPE keeps images with at least `sampleNum` (3) objects, samples `imageCount` of them, and for
// each asks about its first `sampleNum` objects (label yes), each followed by one absent object (label no),
// never repeating an object within an image:
//   random       any object of the selected images, uniformly;
//   popular      the most frequent object over the selected images;
//   adversarial  the object that co-occurs most often with the positive one (counted over the selected images);
// both falling back to a random object when none qualifies. Counts sort descending with ties in order of first
// appearance, as Python's stable sort of insertion-ordered dicts does. Questions use the correct article
// ("an orange star"), which POPE's own template substitution garbles.
import type { Rng } from "../../tensor/rng.ts";
import { popeQuestion, sceneObjectNames } from "./language.ts";
import type { WorldImage } from "./llava_data.ts";
import { pick } from "./words.ts";

export const POPE_STRATEGIES = ["random", "popular", "adversarial"] as const;
export type PopeStrategy = (typeof POPE_STRATEGIES)[number];
/** Positive (and negative) questions per image, POPE's default sample_num. */
export const POPE_SAMPLE_NUM = 3;

export interface PopeQuestion {
  question_id: number;
  image: string;
  text: string;
  label: "yes" | "no";
}

/** POPE's image selection: images with at least `sampleNum` objects, `count` of them sampled at random. */
export function popeImages(
  images: readonly WorldImage[],
  count: number,
  rng: Rng,
  sampleNum = POPE_SAMPLE_NUM,
) {
  const eligible = images.filter((im) => sceneObjectNames(im.scene).length >= sampleNum);
  return rng.shuffle([...eligible]).slice(0, count);
}

/** Keys by count, descending, ties in insertion order. */
const byCount = (counts: Map<string, number>) =>
  [...counts].sort((a, b) => b[1] - a[1]).map(([name]) => name);

/** Objects by how many selected images have them. */
function popularObjects(images: readonly WorldImage[]): string[] {
  const counts = new Map<string, number>();
  for (const im of images)
    for (const o of sceneObjectNames(im.scene)) counts.set(o, (counts.get(o) ?? 0) + 1);
  return byCount(counts);
}

/** For each object, the others by how many selected images have both. */
function coOccurringObjects(images: readonly WorldImage[]): Map<string, string[]> {
  const counts = new Map<string, Map<string, number>>();
  for (const im of images) {
    const names = sceneObjectNames(im.scene);
    for (const o of names) {
      const row = counts.get(o) ?? new Map<string, number>();
      counts.set(o, row);
      for (const other of names) if (other !== o) row.set(other, (row.get(other) ?? 0) + 1);
    }
  }
  return new Map([...counts].map(([o, row]) => [o, byCount(row)]));
}

/** One split's questions, question ids from 1, for images already selected by `popeImages`. */
export function popeSplit(
  strategy: PopeStrategy,
  images: readonly WorldImage[],
  rng: Rng,
  sampleNum = POPE_SAMPLE_NUM,
): PopeQuestion[] {
  const all = popularObjects(images);
  const coOccurring = coOccurringObjects(images);
  const questions: PopeQuestion[] = [];
  const ask = (image: WorldImage, object: string, label: "yes" | "no") =>
    questions.push({
      question_id: questions.length + 1,
      image: image.file,
      text: popeQuestion(object),
      label,
    });
  for (const image of images) {
    const objects = sceneObjectNames(image.scene);
    const asked: string[] = [];
    const allowed = (o: string) => !asked.includes(o) && !objects.includes(o);
    for (const positive of objects.slice(0, sampleNum)) {
      asked.push(positive);
      ask(image, positive, "yes");
      const ranked =
        strategy === "popular" ? all : strategy === "adversarial" ? (coOccurring.get(positive) ?? []) : [];
      let negative = ranked.find(allowed);
      if (negative === undefined) {
        const candidates = all.filter(allowed);
        if (candidates.length === 0)
          throw new Error(`POPE: too few distinct objects in ${images.length} images to find a negative`);
        negative = pick(rng, candidates);
      }
      asked.push(negative);
      ask(image, negative, "no");
    }
  }
  return questions;
}
