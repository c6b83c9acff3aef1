// The sandbox's visual world: 1–4 coloured shapes on a plain background. The image is split into a 3×3 grid
// and objects sit in five of its cells (top, left, center, right, bottom), at most one per cell, so objects
// never overlap, position words are unambiguous, and "left of" / "above" follow from the cells alone. Every
// scene is a pure function of the Rng stream that sampled it, and every image a pure function of its scene.
import sharp from "sharp";
import { writeFileAtomic } from "../../io/atomic_write.ts";
import type { Rng } from "../../tensor/rng.ts";
import { insideShape, SHAPES, type Shape } from "./shapes.ts";

export { SHAPES, type Shape };

export const COLORS = ["red", "green", "blue", "yellow", "purple", "orange", "pink", "cyan"] as const;
export type Color = (typeof COLORS)[number];
export const COLOR_RGB: Record<Color, readonly [number, number, number]> = {
  red: [220, 40, 40],
  green: [40, 170, 60],
  blue: [40, 80, 220],
  yellow: [240, 210, 40],
  purple: [140, 60, 190],
  orange: [245, 140, 30],
  pink: [250, 140, 200],
  cyan: [40, 200, 220],
};

/** Background colours, none of them an object colour. */
export const BACKGROUNDS = ["white", "gray", "black"] as const;
export type Background = (typeof BACKGROUNDS)[number];
export const BACKGROUND_RGB: Record<Background, readonly [number, number, number]> = {
  white: [240, 240, 240],
  gray: [128, 128, 128],
  black: [24, 24, 24],
};

export const SIZES = ["small", "large"] as const;
export type Size = (typeof SIZES)[number];
/** Half-size of a shape as a fraction of a grid cell's side. */
const SIZE_FRACTION: Record<Size, number> = { small: 0.24, large: 0.42 };

/** The five regions, in reading order, with their grid cell (column, row). */
export const POSITIONS = ["top", "left", "center", "right", "bottom"] as const;
export type Position = (typeof POSITIONS)[number];
export const POSITION_CELL: Record<Position, readonly [number, number]> = {
  top: [1, 0],
  left: [0, 1],
  center: [1, 1],
  right: [2, 1],
  bottom: [1, 2],
};

/** Each shape's usual colour, which objects take more often than any other, and shapes that tend to appear
 * together: the world's objects have frequencies and co-occurrences, as objects in photographs do, which is
 * what POPE's popular and adversarial negatives probe (and what a model may hallucinate from). */
const USUAL_COLOR: Record<Shape, Color> = {
  square: "blue",
  circle: "red",
  triangle: "green",
  diamond: "purple",
  star: "yellow",
  cross: "orange",
};
const COMPANION: Record<Shape, Shape> = {
  square: "circle",
  circle: "square",
  triangle: "diamond",
  diamond: "triangle",
  star: "cross",
  cross: "star",
};
const P_USUAL_COLOR = 0.35;
const P_COMPANION = 0.3;

export const MAX_OBJECTS = 4;
export const MIN_SCENE_SIZE = 48;
export const MAX_SCENE_SIZE = 512;

export interface SceneObject {
  shape: Shape;
  color: Color;
  size: Size;
  position: Position;
  /** Centre and half-size in pixels; the shape lies within [cx - radius, cx + radius] × [cy - radius, cy + radius]. */
  cx: number;
  cy: number;
  radius: number;
}

export interface Scene {
  /** Image width and height in pixels. */
  size: number;
  background: Background;
  /** In POSITIONS order, at most one per position. */
  objects: SceneObject[];
}

/** The pixel range [start, end) of a grid cell along one axis. */
function cellSpan(index: number, size: number): [number, number] {
  return [Math.floor((index * size) / 3), Math.floor(((index + 1) * size) / 3)];
}

/** Half-size of a shape of this size class in an image of `imageSize` pixels, rounded to half a pixel. */
function shapeRadius(size: Size, imageSize: number): number {
  return Math.round(Math.floor(imageSize / 3) * SIZE_FRACTION[size] * 2) / 2;
}

/** A centre inside the cell span keeping the shape a pixel clear of the cell's edges. */
function placeInSpan(rng: Rng, [start, end]: [number, number], radius: number): number {
  const lo = Math.ceil(start + radius + 1);
  const hi = Math.floor(end - radius - 1);
  return lo + rng.int(hi - lo + 1);
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < MIN_SCENE_SIZE || size > MAX_SCENE_SIZE)
    throw new Error(
      `scene size must be an integer from ${MIN_SCENE_SIZE} to ${MAX_SCENE_SIZE} pixels, got ${size}`,
    );
}

/**
 * A random scene: 1–MAX_OBJECTS objects (uniform) in distinct positions (uniform), a uniform background and
 * size class. A shape is, with probability P_COMPANION, the companion of an earlier object's shape, else
 * uniform; a colour is, with probability P_USUAL_COLOR, the shape's usual colour, else uniform.
 */
export function sampleScene(rng: Rng, size: number): Scene {
  checkSize(size);
  const count = 1 + rng.int(MAX_OBJECTS);
  const positions = rng.shuffle([...POSITIONS]).slice(0, count);
  positions.sort((a, b) => POSITIONS.indexOf(a) - POSITIONS.indexOf(b));
  const background = BACKGROUNDS[rng.int(BACKGROUNDS.length)];
  const objects: SceneObject[] = [];
  for (const position of positions) {
    const shape =
      objects.length > 0 && rng.uniform() < P_COMPANION
        ? COMPANION[objects[rng.int(objects.length)].shape]
        : SHAPES[rng.int(SHAPES.length)];
    const color = rng.uniform() < P_USUAL_COLOR ? USUAL_COLOR[shape] : COLORS[rng.int(COLORS.length)];
    const sz = SIZES[rng.int(SIZES.length)];
    const radius = shapeRadius(sz, size);
    const [col, row] = POSITION_CELL[position];
    const cx = placeInSpan(rng, cellSpan(col, size), radius);
    const cy = placeInSpan(rng, cellSpan(row, size), radius);
    objects.push({ shape, color, size: sz, position, cx, cy, radius });
  }
  return { size, background, objects };
}

/** RGB pixels, row-major, 3 bytes per pixel. A pixel takes an object's colour when its centre is inside it. */
export function renderScene(scene: Scene): Uint8Array {
  checkSize(scene.size);
  const n = scene.size;
  const px = new Uint8Array(n * n * 3);
  const [r, g, b] = BACKGROUND_RGB[scene.background];
  for (let i = 0; i < px.length; i += 3) {
    px[i] = r;
    px[i + 1] = g;
    px[i + 2] = b;
  }
  for (const o of scene.objects) {
    const rgb = COLOR_RGB[o.color];
    const x0 = Math.max(0, Math.floor(o.cx - o.radius));
    const x1 = Math.min(n - 1, Math.ceil(o.cx + o.radius));
    const y0 = Math.max(0, Math.floor(o.cy - o.radius));
    const y1 = Math.min(n - 1, Math.ceil(o.cy + o.radius));
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++)
        if (insideShape(o.shape, x + 0.5 - o.cx, y + 0.5 - o.cy, o.radius)) px.set(rgb, (y * n + x) * 3);
  }
  return px;
}

/** The scene as PNG bytes (lossless, so a decoder gets renderScene's pixels back). */
export function scenePng(scene: Scene): Promise<Buffer> {
  const raw = { width: scene.size, height: scene.size, channels: 3 as const };
  return sharp(renderScene(scene), { raw }).png().toBuffer();
}

export async function writeScenePng(path: string, scene: Scene): Promise<void> {
  writeFileAtomic(path, await scenePng(scene));
}

/** The scene as JPEG bytes, for data sets whose formats name .jpg files (COCO's). At quality 95 without chroma
 * subsampling the mean error against renderScene is under one level; only pixels at edges ring, by at most a
 * few tens of levels. */
export function sceneJpeg(scene: Scene): Promise<Buffer> {
  const raw = { width: scene.size, height: scene.size, channels: 3 as const };
  return sharp(renderScene(scene), { raw }).jpeg({ quality: 95, chromaSubsampling: "4:4:4" }).toBuffer();
}

/**
 * Supervised targets for a vision tower, one record per scene. Indices point into the exported vocabularies.
 * - `count`: the number of objects (1–MAX_OBJECTS).
 * - `background`: index into BACKGROUNDS.
 * - `shape`, `color`, `size`: one entry per region in POSITIONS order: the index into SHAPES / COLORS / SIZES
 *   of the object in that region, or -1 when the region is empty (so each region is a classification target
 *   with an extra "empty" class, and a region's entries are the per-object targets).
 * - `shapesPresent`, `colorsPresent`: multi-hot over SHAPES / COLORS (1 when some object has it).
 */
export interface SceneAttributes {
  count: number;
  background: number;
  shape: number[];
  color: number[];
  size: number[];
  shapesPresent: number[];
  colorsPresent: number[];
}

export function sceneAttributes(scene: Scene): SceneAttributes {
  const at = (p: Position) => scene.objects.find((o) => o.position === p);
  const present = <T>(vocab: readonly T[], has: (v: T) => boolean) => vocab.map((v) => (has(v) ? 1 : 0));
  return {
    count: scene.objects.length,
    background: BACKGROUNDS.indexOf(scene.background),
    shape: POSITIONS.map((p) => (at(p) ? SHAPES.indexOf(at(p)!.shape) : -1)),
    color: POSITIONS.map((p) => (at(p) ? COLORS.indexOf(at(p)!.color) : -1)),
    size: POSITIONS.map((p) => (at(p) ? SIZES.indexOf(at(p)!.size) : -1)),
    shapesPresent: present(SHAPES, (s) => scene.objects.some((o) => o.shape === s)),
    colorsPresent: present(COLORS, (c) => scene.objects.some((o) => o.color === c)),
  };
}

/** Whether `a` is left of `b`: its grid column is further left (the cells keep the pixels apart too). */
export function leftOf(a: SceneObject, b: SceneObject): boolean {
  return POSITION_CELL[a.position][0] < POSITION_CELL[b.position][0];
}

/** Whether `a` is above `b`: its grid row is higher. */
export function above(a: SceneObject, b: SceneObject): boolean {
  return POSITION_CELL[a.position][1] < POSITION_CELL[b.position][1];
}
