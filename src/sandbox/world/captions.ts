// Descriptions of a scene: short captions in two styles (plain COCO-like sentences and Flickr30k-like ones
// with sizes, positions and relations), multi-sentence detailed descriptions, and the fixed wording that
// stands in for the image in text-only data. Each caption set draws distinct templates, so an image's
// references are paraphrases of each other.
import type { Rng } from "../../tensor/rng.ts";
import { above, leftOf, type Scene, type SceneObject } from "./scene.ts";
import {
  anObject,
  capitalize,
  counted,
  list,
  noun,
  numberWord,
  POSITION_PHRASE,
  pick,
  shuffled,
  theObject,
} from "./words.ts";

/** Reference captions per image, as in COCO and Flickr30k. */
export const CAPTIONS_PER_IMAGE = 5;

type Template = (scene: Scene, rng: Rng) => string;

const objects = (scene: Scene, rng: Rng, size = false) =>
  list(shuffled(rng, scene).map((o) => anObject(o, size)));
const bg = (scene: Scene) => `a ${scene.background} background`;

const COCO: Template[] = [
  (s, r) => `${objects(s, r)} on ${bg(s)}.`,
  (s, r) => `There is ${objects(s, r)} on ${bg(s)}.`,
  (s, r) => `A picture of ${objects(s, r)}.`,
  (s, r) => `An image of ${objects(s, r)} on ${bg(s)}.`,
  (s) => `${counted(s.objects.length)} on ${bg(s)}.`,
  (s, r) => `${bg(s)} with ${objects(s, r)}.`,
  (s, r) => `${objects(s, r)} against ${bg(s)}.`,
  (s, r) => `A simple drawing of ${objects(s, r)}.`,
];

/** "a large red circle on the left". */
const placed = (o: SceneObject) => `${anObject(o, true)} ${POSITION_PHRASE[o.position]}`;
const placedList = (s: Scene, r: Rng) => list(shuffled(r, s).map(placed));
const backdrop = (s: Scene) => `a ${s.background} backdrop`;
const be = (s: Scene) => (s.objects.length === 1 ? "is" : "are");

/** "a large red circle sits left of a small blue square", or where the only object sits. */
function relation(s: Scene, r: Rng): string {
  const pairs: string[] = [];
  for (const a of s.objects)
    for (const b of s.objects) {
      if (leftOf(a, b)) pairs.push(`${anObject(a, true)} sits left of ${anObject(b, true)}`);
      if (above(a, b)) pairs.push(`${anObject(a, true)} sits above ${anObject(b, true)}`);
    }
  // Two objects in different cells always differ in column or row, so only a lone object has no relation.
  if (pairs.length > 0) return pick(r, pairs);
  const o = s.objects[0];
  return `${anObject(o, true)} sits ${POSITION_PHRASE[o.position]}`;
}

const FLICKR: Template[] = [
  (s, r) => `${numberWord(s.objects.length)} ${noun(s.objects.length)}: ${relation(s, r)}.`,
  (s, r) => `${backdrop(s)} with ${placedList(s, r)}.`,
  (s, r) => `${objects(s, r, true)} ${be(s)} arranged on ${backdrop(s)}.`,
  (s) =>
    `${numberWord(s.objects.length)} colorful ${noun(s.objects.length)} ${be(s)} drawn on ${backdrop(s)}.`,
  (s, r) => `Someone drew ${objects(s, r, true)} on ${backdrop(s)}.`,
  (s, r) => `${placedList(s, r)} can be seen in this picture.`,
  (s, r) => `A ${s.background} scene showing ${placedList(s, r)}.`,
];

function captions(templates: readonly Template[], scene: Scene, rng: Rng, n: number): string[] {
  if (n > templates.length)
    throw new Error(`at most ${templates.length} distinct captions per image, asked ${n}`);
  return rng
    .shuffle([...templates])
    .slice(0, n)
    .map((t) => capitalize(t(scene, rng)));
}

/** Short plain captions ("A red circle and a blue square on a white background."), each from another template. */
export function cocoCaptions(scene: Scene, rng: Rng, n = CAPTIONS_PER_IMAGE): string[] {
  return captions(COCO, scene, rng, n);
}

/** Captions with sizes, positions and relations ("Two shapes: a large red circle sits left of a small blue square."). */
export function flickrCaptions(scene: Scene, rng: Rng, n = CAPTIONS_PER_IMAGE): string[] {
  return captions(FLICKR, scene, rng, n);
}

const OPENINGS: Template[] = [
  (s) => `The image shows ${counted(s.objects.length)} on ${bg(s)}.`,
  (s) => `This picture contains ${counted(s.objects.length)} drawn on ${bg(s)}.`,
  (s) => `In this image, there ${be(s)} ${counted(s.objects.length)} on ${bg(s)}.`,
];

const OBJECT_SENTENCES: Array<(o: SceneObject) => string> = [
  (o) => `${POSITION_PHRASE[o.position]}, there is ${anObject(o, true)}.`,
  (o) => `${anObject(o, true)} is ${POSITION_PHRASE[o.position]}.`,
  (o) => `There is ${anObject(o, true)} ${POSITION_PHRASE[o.position]}.`,
];

/** A sentence on how two objects lie relative to each other, or null for one object. */
function relationSentence(s: Scene, r: Rng): string | null {
  const facts: string[] = [];
  for (const a of s.objects)
    for (const b of s.objects) {
      const [ta, tb] = [theObject(s, a), theObject(s, b)];
      if (leftOf(a, b)) facts.push(`${ta} is to the left of ${tb}.`);
      if (above(a, b)) facts.push(`${ta} is above ${tb}.`);
    }
  return facts.length > 0 ? pick(r, facts) : null;
}

function colorSentence(s: Scene): string {
  const colors = [...new Set(s.objects.map((o) => o.color))];
  if (s.objects.length === 1) return `The shape is ${colors[0]}.`;
  if (colors.length === 1) return `All of the shapes are ${colors[0]}.`;
  return `The shapes are ${list(colors)}.`;
}

/** Several sentences: how many shapes on what, each object with size, colour and place, a relation, colours. */
export function detailedDescription(scene: Scene, rng: Rng): string {
  const sentences = [pick(rng, OPENINGS)(scene, rng)];
  for (const o of scene.objects) sentences.push(pick(rng, OBJECT_SENTENCES)(o));
  const rel = relationSentence(scene, rng);
  if (rel) sentences.push(rel);
  sentences.push(colorSentence(scene));
  return sentences.map(capitalize).join(" ");
}

/** The scene in words, always worded the same way: what text-only data puts where an image would be. */
export function sceneInWords(scene: Scene): string {
  return `Scene: ${list(scene.objects.map(placed))}, on ${bg(scene)}.`;
}
