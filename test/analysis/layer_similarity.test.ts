// Layer-representation similarity against hand-computed cosines.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LayerSimilarity } from "../../src/analysis/layer_similarity.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);

test("two layers, two tokens: pooled and per-token cosines", () => {
  const s = new LayerSimilarity(2);
  // layer 0 tokens (1,0), (0,1) → pooled (0.5,0.5); layer 1 tokens (1,0), (1,0) → pooled (1,0).
  s.add([Float32Array.of(1, 0, 0, 1), Float32Array.of(1, 0, 1, 0)], 2, 2, [1, 1]);
  const r = s.result();
  close(r.pooled, Math.SQRT1_2);
  close(r.perToken, 0.5); // cos 1 at token 0, cos 0 at token 1
  close(r.matrix[0][1], Math.SQRT1_2);
  close(r.matrix[1][1], 1);
  assert.equal(r.samples, 1);
});

test("padding is left out; samples and layer pairs are averaged", () => {
  const s = new LayerSimilarity(3);
  // Only token 0 is real: layers (1,0), (1,0), (0,1) → pairs 1, 0, 0 → 1/3.
  s.add(
    [Float32Array.of(1, 0, 5, 5), Float32Array.of(1, 0, -5, 5), Float32Array.of(0, 1, 7, 7)],
    2,
    2,
    [1, 0],
  );
  // Identical layers → 1 for every pair.
  s.add([Float32Array.of(2, 3), Float32Array.of(2, 3), Float32Array.of(4, 6)], 1, 2, [1]);
  const r = s.result();
  close(r.pooled, (1 / 3 + 1) / 2);
  close(r.perToken, (1 / 3 + 1) / 2);
  assert.equal(r.samples, 2);
  s.add([new Float32Array(2), new Float32Array(2), new Float32Array(2)], 1, 2, [0]);
  assert.equal(s.result().samples, 2, "a sample without real tokens is not counted");
});
