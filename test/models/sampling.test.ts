// Next-token choice: greedy is the argmax; sampling is seeded, honours top-k and top-p (nucleus) and
// temperature, in Hugging Face's order.
import assert from "node:assert/strict";
import { test } from "node:test";
import { argmax, pickToken } from "../../src/models/sampling.ts";
import { Rng } from "../../src/tensor/rng.ts";

// Probabilities 0.5, 0.25, 0.15, 0.1 at ids 2, 0, 3, 1.
const probs = [0.25, 0.1, 0.5, 0.15];
const logits = Float32Array.from(probs.map(Math.log));

function histogram(opts: Parameters<typeof pickToken>[1], n = 20000, seed = 1) {
  const rng = new Rng(seed);
  const counts = new Array(4).fill(0);
  for (let i = 0; i < n; i++) counts[pickToken(logits, opts, rng)]++;
  return counts.map((c) => c / n);
}

test("greedy picks the argmax (first on ties)", () => {
  assert.equal(argmax(logits), 2);
  assert.equal(argmax(Float32Array.of(1, 3, 3)), 1);
  assert.equal(pickToken(logits, { temperature: 0 }, new Rng(0)), 2);
});

test("sampling at temperature 1 follows the distribution; the same seed repeats the draws", () => {
  const h = histogram({ temperature: 1 });
  for (const [i, p] of h.entries()) assert.ok(Math.abs(p - probs[i]) < 0.015, `id ${i}: ${p} vs ${probs[i]}`);
  assert.deepEqual(histogram({ temperature: 1 }, 500, 7), histogram({ temperature: 1 }, 500, 7));
});

test("top-k keeps the k most likely tokens, renormalised", () => {
  const h = histogram({ temperature: 1, topK: 2 });
  assert.equal(h[1] + h[3], 0);
  assert.ok(Math.abs(h[2] - 0.5 / 0.75) < 0.015 && Math.abs(h[0] - 0.25 / 0.75) < 0.015);
  assert.deepEqual(histogram({ temperature: 1, topK: 1 }, 200), [0, 0, 1, 0]);
});

test("top-p keeps the smallest most-likely set reaching p (the top token always)", () => {
  // 0.5 < 0.7 → add 0.25 → 0.75 ≥ 0.7: ids 2 and 0 stay.
  const h = histogram({ temperature: 1, topP: 0.7 });
  assert.equal(h[1] + h[3], 0);
  assert.ok(Math.abs(h[2] - 2 / 3) < 0.015);
  assert.deepEqual(histogram({ temperature: 1, topP: 0.1 }, 200), [0, 0, 1, 0]);
});

test("temperature sharpens (below 1) and flattens (above 1)", () => {
  // At T = 0.5 the probabilities are proportional to p².
  const z = probs.reduce((s, p) => s + p * p, 0);
  const h = histogram({ temperature: 0.5 });
  for (const [i, p] of h.entries()) assert.ok(Math.abs(p - probs[i] ** 2 / z) < 0.015);
  assert.ok(histogram({ temperature: 5 })[1] > 0.2);
});
