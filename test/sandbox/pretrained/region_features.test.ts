import assert from "node:assert/strict";
import { test } from "node:test";
import { regionFeatures, regionPoolMatrix } from "../../../src/sandbox/pretrained/region_features.ts";
import { Tensor } from "../../../src/tensor/tensor.ts";

test("regionPoolMatrix(8): patch columns/rows 0–2, 3–4, 5–7 form the grid cells; rows average their patches", () => {
  const m = regionPoolMatrix(8).readF32();
  const members = (r: number) => [...m.subarray(r * 64, (r + 1) * 64)].flatMap((v, k) => (v > 0 ? [k] : []));
  // Regions in order top, left, center, right, bottom; patch index = row · 8 + column.
  const cells = (cols: number[], rows: number[]) => rows.flatMap((y) => cols.map((x) => y * 8 + x));
  assert.deepEqual(members(0), cells([3, 4], [0, 1, 2]));
  assert.deepEqual(members(1), cells([0, 1, 2], [3, 4]));
  assert.deepEqual(members(2), cells([3, 4], [3, 4]));
  assert.deepEqual(members(3), cells([5, 6, 7], [3, 4]));
  assert.deepEqual(members(4), cells([3, 4], [5, 6, 7]));
  assert.equal(m[2 * 64 + 27], 1 / 4);
  assert.equal(m[0 * 64 + 3], Math.fround(1 / 6));
});

test("regionFeatures: the CLS token is skipped and each region gets the mean of its patch tokens", () => {
  // 2×2 patch grid would leave regions empty, so use grid 3: one patch per cell.
  const pool = regionPoolMatrix(3);
  const D = 2;
  // Token t (0 = CLS) has features [t, 10·t].
  const hidden = new Tensor(
    Float32Array.from({ length: 10 * D }, (_, i) => (i % 2 ? 10 : 1) * Math.floor(i / 2)),
    [1, 10, D],
  );
  // Patch k is token k + 1; top = cell (1, 0) = patch 1, left = patch 3, center 4, right 5, bottom 7.
  assert.deepEqual([...regionFeatures(hidden, pool).readF32()], [2, 20, 4, 40, 5, 50, 6, 60, 8, 80]);
  assert.throws(() => regionPoolMatrix(2), /no patch in region/);
});
