import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decodeImage } from "../../../src/io/image.ts";
import {
  BACKGROUND_RGB,
  COLOR_RGB,
  MAX_OBJECTS,
  POSITION_CELL,
  POSITIONS,
  renderScene,
  type Scene,
  SHAPES,
  sampleScene,
  sceneAttributes,
  sceneJpeg,
  writeScenePng,
} from "../../../src/sandbox/world/scene.ts";
import { insideShape } from "../../../src/sandbox/world/shapes.ts";
import { Rng } from "../../../src/tensor/rng.ts";

const RED = [...COLOR_RGB.red];
const BLUE = [...COLOR_RGB.blue];
const WHITE = [...BACKGROUND_RGB.white];

/** Hand-placed objects (not on the sampling grid): the renderer only needs centres and half-sizes. */
const HAND: Scene = {
  size: 48,
  background: "white",
  objects: [
    { shape: "square", color: "red", size: "small", position: "top", cx: 10, cy: 10, radius: 3 },
    { shape: "circle", color: "blue", size: "small", position: "center", cx: 30, cy: 30, radius: 3 },
    { shape: "triangle", color: "red", size: "large", position: "left", cx: 10, cy: 30, radius: 4 },
    { shape: "diamond", color: "blue", size: "large", position: "right", cx: 30, cy: 10, radius: 4 },
  ],
};

const pixel = (px: Uint8Array, size: number, x: number, y: number) => [
  ...px.subarray((y * size + x) * 3, (y * size + x) * 3 + 3),
];

function countColor(
  px: Uint8Array,
  rgb: number[],
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  size: number,
) {
  let n = 0;
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) if (pixel(px, size, x, y).join() === rgb.join()) n++;
  return n;
}

test("renderScene colours exactly the pixels whose centres lie inside each shape (hand-computed)", () => {
  const px = renderScene(HAND);
  const at = (x: number, y: number) => pixel(px, 48, x, y);
  // Square at (10, 10), half-size 3: pixel centres x + 0.5 within [7, 13] → x = 7..12, a 6×6 block.
  assert.deepEqual(at(7, 7), RED);
  assert.deepEqual(at(12, 12), RED);
  assert.deepEqual(at(6, 7), WHITE);
  assert.deepEqual(at(13, 12), WHITE);
  assert.equal(countColor(px, RED, 0, 20, 0, 20, 48), 36);
  // Circle at (30, 30), radius 3: offsets ±0.5, ±1.5, ±2.5 with a² + b² ≤ 9 → 8 per quadrant, 32 pixels.
  assert.deepEqual(at(32, 30), BLUE); // 2.5² + 0.5² = 6.5
  assert.deepEqual(at(31, 32), BLUE); // 1.5² + 2.5² = 8.5
  assert.deepEqual(at(32, 32), WHITE); // 2.5² + 2.5² = 12.5
  assert.deepEqual(at(33, 30), WHITE);
  assert.equal(countColor(px, BLUE, 20, 40, 20, 40, 48), 32);
  // Triangle at (10, 30), half-size 4, apex up: at dy = -2.5 the half-width is 4·(1.5/8) = 0.75.
  assert.deepEqual(at(9, 27), RED); // dx = -0.5
  assert.deepEqual(at(11, 27), WHITE); // dx = 1.5
  assert.deepEqual(at(9, 26), WHITE); // dy = -3.5: half-width 0.25 < 0.5
  assert.deepEqual(at(6, 33), RED); // dy = 3.5: half-width 3.75 ≥ 3.5
  // Diamond at (30, 10), half-size 4: |dx| + |dy| ≤ 4.
  assert.deepEqual(at(30, 13), BLUE); // 0.5 + 3.5
  assert.deepEqual(at(31, 13), WHITE); // 1.5 + 3.5
  assert.deepEqual(at(0, 0), WHITE);
});

test("cross and star: arms and points are inside, the corners between them outside", () => {
  // Cross of half-size 3: arms 1 wide each side of the centre lines.
  assert.ok(insideShape("cross", 0.5, 2.5, 3));
  assert.ok(insideShape("cross", 2.5, 0.5, 3));
  assert.ok(!insideShape("cross", 2.5, 2.5, 3));
  // Star of radius 10, first point straight up: the tip region is inside, beside the tip is outside.
  assert.ok(insideShape("star", 0, -9, 10));
  assert.ok(insideShape("star", 0, 0, 10));
  assert.ok(!insideShape("star", 3, -8, 10));
  assert.ok(!insideShape("star", 0, 8, 10)); // straight down lies between the two lower points
});

test("sampleScene is a pure function of the Rng stream; other seeds give other scenes", () => {
  const scenes = (seed: number) => {
    const rng = new Rng(seed);
    return Array.from({ length: 50 }, () => sampleScene(rng, 64 + (seed % 33)));
  };
  assert.deepEqual(scenes(5), scenes(5));
  assert.deepEqual(renderScene(scenes(5)[7]), renderScene(scenes(5)[7]));
  assert.notDeepEqual(scenes(5), scenes(6));
});

test("sampled scenes: 1-4 objects in distinct regions, inside their grid cell, never touching", () => {
  const rng = new Rng(11);
  for (let i = 0; i < 3000; i++) {
    const size = 64 + (i % 33);
    const s = sampleScene(rng, size);
    assert.ok(s.objects.length >= 1 && s.objects.length <= MAX_OBJECTS);
    assert.equal(new Set(s.objects.map((o) => o.position)).size, s.objects.length);
    for (const o of s.objects) {
      const [col, row] = POSITION_CELL[o.position];
      // The bounding box lies strictly inside the object's own third of the image in both axes.
      assert.ok(
        o.cx - o.radius > (col * size) / 3 && o.cx + o.radius < ((col + 1) * size) / 3,
        `x in cell, scene ${i}`,
      );
      assert.ok(
        o.cy - o.radius > (row * size) / 3 && o.cy + o.radius < ((row + 1) * size) / 3,
        `y in cell, scene ${i}`,
      );
      assert.ok(o.cx - o.radius >= 0 && o.cx + o.radius <= size);
    }
  }
});

test("rendered objects cover disjoint, non-empty pixel sets of their own colour", () => {
  const rng = new Rng(12);
  for (let i = 0; i < 200; i++) {
    const s = sampleScene(rng, 64 + (i % 33));
    const owner = new Int8Array(s.size * s.size).fill(-1);
    s.objects.forEach((o, k) => {
      let covered = 0;
      for (let y = 0; y < s.size; y++)
        for (let x = 0; x < s.size; x++)
          if (insideShape(o.shape, x + 0.5 - o.cx, y + 0.5 - o.cy, o.radius)) {
            assert.equal(owner[y * s.size + x], -1, `pixel ${x},${y} of scene ${i} in two objects`);
            owner[y * s.size + x] = k;
            covered++;
          }
      assert.ok(covered > 0);
    });
    const px = renderScene(s);
    for (let p = 0; p < owner.length; p++) {
      const want = owner[p] < 0 ? BACKGROUND_RGB[s.background] : COLOR_RGB[s.objects[owner[p]].color];
      assert.deepEqual([...px.subarray(p * 3, p * 3 + 3)], [...want]);
    }
  }
});

test("sceneAttributes: per-region shape/colour/size indices, -1 where empty, count and multi-hots", () => {
  const a = sceneAttributes(HAND);
  assert.equal(a.count, 4);
  assert.equal(a.background, 0);
  // POSITIONS order: top, left, center, right, bottom.
  assert.deepEqual(POSITIONS, ["top", "left", "center", "right", "bottom"]);
  assert.deepEqual(a.shape, [0, 2, 1, 3, -1]);
  assert.deepEqual(a.color, [0, 0, 2, 2, -1]);
  assert.deepEqual(a.size, [0, 1, 0, 1, -1]);
  assert.deepEqual(a.shapesPresent, [1, 1, 1, 1, 0, 0]);
  assert.deepEqual(a.colorsPresent, [1, 0, 1, 0, 0, 0, 0, 0]);
  assert.equal(SHAPES.length, a.shapesPresent.length);
});

test("sampleScene and renderScene reject sizes outside 48-512 pixels", () => {
  assert.throws(() => sampleScene(new Rng(1), 20), /scene size must be an integer from 48 to 512/);
  assert.throws(() => renderScene({ ...HAND, size: 47.5 }), /scene size/);
});

test("the PNG decodes to renderScene's pixels; the JPEG stays close to them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "world-scene-"));
  try {
    const s = sampleScene(new Rng(3), 80);
    await writeScenePng(join(dir, "s.png"), s);
    const png = await decodeImage(join(dir, "s.png"));
    assert.deepEqual([png.width, png.height], [80, 80]);
    assert.deepEqual(png.data, renderScene(s));
    const jpeg = await decodeImage(await sceneJpeg(s));
    const px = renderScene(s);
    let err = 0;
    for (let i = 0; i < px.length; i++) err += Math.abs(px[i] - jpeg.data[i]);
    assert.ok(err / px.length < 2, `mean JPEG error ${err / px.length}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
