// An independent reading of the world's English for the tests: resolves definite descriptions and answers
// the short questions by parsing their words and looking at the scene, without the generators' code.
import assert from "node:assert/strict";
import type { Scene, SceneObject } from "../../../src/sandbox/world/scene.ts";

export const PHRASE_POSITION: Record<string, string> = {
  "at the top": "top",
  "on the left": "left",
  "in the center": "center",
  "on the right": "right",
  "at the bottom": "bottom",
};

const SINGULAR: Record<string, string> = {
  squares: "square",
  circles: "circle",
  triangles: "triangle",
  diamonds: "diamond",
  stars: "star",
  crosses: "cross",
};

export const singular = (plural: string) => {
  assert.ok(plural in SINGULAR, `not a plural shape: ${plural}`);
  return SINGULAR[plural];
};

export const NUMBERS: Record<string, number> = { no: 0, zero: 0, one: 1, two: 2, three: 3, four: 4 };

/** The single object a definite description ("the circle", "the red shape", "the red circle", "the circle
 * on the left") picks out; fails unless exactly one object fits. */
export function resolve(scene: Scene, ref: string): SceneObject {
  const m = /^the (?:(\w+) )?(\w+)(?: ((?:at|on|in) the \w+))?$/.exec(ref);
  assert.ok(m, `not a definite description: ${ref}`);
  const [, color, noun, where] = m;
  const fits = scene.objects.filter(
    (o) =>
      (color === undefined || o.color === color) &&
      (noun === "shape" || o.shape === noun) &&
      (where === undefined || o.position === PHRASE_POSITION[where]),
  );
  assert.equal(fits.length, 1, `"${ref}" fits ${fits.length} objects of ${JSON.stringify(scene.objects)}`);
  return fits[0];
}

const count = (scene: Scene, test: (o: SceneObject) => boolean) => scene.objects.filter(test).length;
const yn = (b: boolean) => (b ? "yes" : "no");

/** The answer to a VQA-style question, read from the scene. */
export function answerShortQuestion(scene: Scene, q: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^Is there an? (\w+) (\w+) in the image\?$/.exec(q)))
    return yn(scene.objects.some((o) => o.color === m![1] && o.shape === m![2]));
  if ((m = /^Is the background (\w+)\?$/.exec(q))) return yn(scene.background === m[1]);
  if ((m = /^Is there only one (\w+)\?$/.exec(q)))
    return yn(count(scene, (o) => m![1] === "shape" || o.shape === m![1]) === 1);
  if ((m = /^Are there (one|two|three|four) (\w+)\?$/.exec(q)))
    return yn(count(scene, (o) => m![2] === "shapes" || o.shape === singular(m![2])) === NUMBERS[m[1]]);
  if ((m = /^Is (the .+?) (to the left of|to the right of|above|below) (the .+)\?$/.exec(q)))
    return yn(relationHolds(m[2], resolve(scene, m[1]), resolve(scene, m[3])));
  if ((m = /^Is (the .+) (\w+)\?$/.exec(q))) return yn(resolve(scene, m[1]).color === m[2]);
  if ((m = /^Are there any (\w+)\?$/.exec(q)))
    return yn(count(scene, (o) => o.shape === singular(m![1])) > 0);
  if (q === "How many shapes are there?") return String(scene.objects.length);
  if ((m = /^How many (\w+) shapes are there\?$/.exec(q)))
    return String(count(scene, (o) => o.color === m![1]));
  if ((m = /^How many (\w+) are there\?$/.exec(q)))
    return String(count(scene, (o) => o.shape === singular(m![1])));
  if (q === "What color is the background?") return scene.background;
  if ((m = /^What color is (the .+)\?$/.exec(q))) return resolve(scene, m[1]).color;
  if ((m = /^What shape is ((?:at|on|in) the \w+)\?$/.exec(q))) {
    const o = scene.objects.find((p) => p.position === PHRASE_POSITION[m![1]]);
    assert.ok(o, `nothing ${m[1]}`);
    return o.shape;
  }
  if ((m = /^Where is (the .+)\?$/.exec(q))) return resolve(scene, m[1]).position;
  if ((m = /^What size is (the .+)\?$/.exec(q))) return resolve(scene, m[1]).size;
  assert.fail(`unknown question: ${q}`);
}

const RELATIONS: Record<string, (a: SceneObject, b: SceneObject) => boolean> = {
  "to the left of": (a, b) => col(a) < col(b),
  "to the right of": (a, b) => col(a) > col(b),
  above: (a, b) => row(a) < row(b),
  below: (a, b) => row(a) > row(b),
};
const GRID: Record<string, [number, number]> = {
  top: [1, 0],
  left: [0, 1],
  center: [1, 1],
  right: [2, 1],
  bottom: [1, 2],
};
const col = (o: SceneObject) => GRID[o.position][0];
const row = (o: SceneObject) => GRID[o.position][1];

export function relationHolds(rel: string, a: SceneObject, b: SceneObject): boolean {
  assert.ok(rel in RELATIONS, `unknown relation ${rel}`);
  return RELATIONS[rel](a, b);
}

const IN_IMAGE: Record<string, string> = {
  "at the top of the image": "top",
  "on the left side of the image": "left",
  "in the center of the image": "center",
  "on the right side of the image": "right",
  "at the bottom of the image": "bottom",
};

/** Whether an MME question (without its "Please answer yes or no.") is true of the scene. */
export function mmeTruth(scene: Scene, q: string): boolean {
  let m: RegExpExecArray | null;
  if ((m = /^Is there an? (\w+) (\w+) in this image\?$/.exec(q)))
    return scene.objects.some((o) => o.color === m![1] && o.shape === m![2]);
  if ((m = /^Is there only one (\w+) in this image\?$/.exec(q)))
    return count(scene, (o) => m![1] === "shape" || o.shape === m![1]) === 1;
  if ((m = /^Are there (\w+) (\w+) in this image\?$/.exec(q)))
    return count(scene, (o) => m![2] === "shapes" || o.shape === singular(m![2])) === NUMBERS[m[1]];
  if ((m = /^Is the (\w+) ((?:at|on|in) the \w+(?: side)? of the image)\?$/.exec(q)))
    return resolve(scene, `the ${m[1]}`).position === IN_IMAGE[m[2]];
  if ((m = /^Is (the .+?) (to the left of|to the right of|above|below) (the .+)\?$/.exec(q)))
    return relationHolds(m[2], resolve(scene, m[1]), resolve(scene, m[3]));
  if ((m = /^Is (the .+) (\w+)\?$/.exec(q))) return resolve(scene, m[1]).color === m[2];
  assert.fail(`unknown MME question: ${q}`);
}
