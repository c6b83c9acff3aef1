// The world's grammar: noun phrases for objects, counts, plurals, articles, positions and lists, shared by
// every generator of sentences so the world speaks one small, consistent English.
import type { Rng } from "../../tensor/rng.ts";
import {
  COLORS,
  type Color,
  type Position,
  type Scene,
  type SceneObject,
  SHAPES,
  type Shape,
} from "./scene.ts";

export const NUMBER_WORDS = ["zero", "one", "two", "three", "four"] as const;

const PLURALS: Record<Shape, string> = {
  square: "squares",
  circle: "circles",
  triangle: "triangles",
  diamond: "diamonds",
  star: "stars",
  cross: "crosses",
};

/** Where an object is, as a prepositional phrase ("on the left"). */
export const POSITION_PHRASE: Record<Position, string> = {
  top: "at the top",
  left: "on the left",
  center: "in the center",
  right: "on the right",
  bottom: "at the bottom",
};

/** The noun for `n` of a shape, or "shape"/"shapes" without one. */
export function noun(n: number, shape?: Shape): string {
  if (shape === undefined) return n === 1 ? "shape" : "shapes";
  return n === 1 ? shape : PLURALS[shape];
}

export function numberWord(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= NUMBER_WORDS.length) throw new Error(`no number word for ${n}`);
  return NUMBER_WORDS[n];
}

/** "two circles", "one shape", "no squares". */
export function counted(n: number, shape?: Shape): string {
  return `${n === 0 ? "no" : numberWord(n)} ${noun(n, shape)}`;
}

/** "there is one circle", "there are no squares". */
export function thereAre(n: number, shape?: Shape): string {
  return `there ${n === 1 ? "is" : "are"} ${counted(n, shape)}`;
}

/** Adds "a" or "an" in front of a noun phrase. */
export function withArticle(phrase: string): string {
  return `${/^[aeiou]/.test(phrase) ? "an" : "a"} ${phrase}`;
}

/** "red circle", or "large red circle" with the size. */
function objectWords(o: SceneObject, size = false): string {
  return size ? `${o.size} ${o.color} ${o.shape}` : `${o.color} ${o.shape}`;
}

/** "a red circle", "an orange star", "a large red circle". */
export function anObject(o: SceneObject, size = false): string {
  return withArticle(objectWords(o, size));
}

/** "a", "a and b", "a, b and c". */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

export function capitalize(s: string): string {
  return s.length === 0 ? s : s[0].toUpperCase() + s.slice(1);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick from an empty list");
  return items[rng.int(items.length)];
}

/** The objects in a random order (the scene's own order is by position). */
export function shuffled(rng: Rng, scene: Scene): SceneObject[] {
  return rng.shuffle([...scene.objects]);
}

/** How many objects of the scene satisfy `test`. */
export function howMany(scene: Scene, test: (o: SceneObject) => boolean): number {
  return scene.objects.filter(test).length;
}

/**
 * The shortest definite description that singles `o` out in its scene: "the circle", "the red shape", "the red
 * circle", or, when no attribute does, "the circle on the left" (positions are unique). With
 * `allowPosition: false` it returns null instead of using the position.
 */
export function theObject(scene: Scene, o: SceneObject, allowPosition = true): string | null {
  if (howMany(scene, (p) => p.shape === o.shape) === 1) return `the ${o.shape}`;
  if (howMany(scene, (p) => p.color === o.color) === 1) return `the ${o.color} shape`;
  if (howMany(scene, (p) => p.color === o.color && p.shape === o.shape) === 1)
    return `the ${o.color} ${o.shape}`;
  return allowPosition ? `the ${o.shape} ${POSITION_PHRASE[o.position]}` : null;
}

/** Shapes in vocabulary order that the scene has / lacks. */
export function shapesIn(scene: Scene, present: boolean): Shape[] {
  return SHAPES.filter((s) => scene.objects.some((o) => o.shape === s) === present);
}

/** A definite description by shape alone: "the circle", or "the circle on the left" when there are several. */
export function theShape(scene: Scene, o: SceneObject): string {
  const unique = howMany(scene, (p) => p.shape === o.shape) === 1;
  return unique ? `the ${o.shape}` : `the ${o.shape} ${POSITION_PHRASE[o.position]}`;
}

/** A colour–shape pair that no object of the scene has. */
export function absentObject(scene: Scene, rng: Rng): { color: Color; shape: Shape } {
  for (;;) {
    const color = pick(rng, COLORS);
    const shape = pick(rng, SHAPES);
    if (!scene.objects.some((o) => o.color === color && o.shape === shape)) return { color, shape };
  }
}
