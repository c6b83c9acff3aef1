// The autograd contract: gradients accumulate across backward passes, a consumed graph is freed (and using
// it again is an error), no-grad records nothing, and frozen leaves get no gradient.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as T from "../../src/tensor/index.ts";

const leaf = (values: number[], requiresGrad = true) => {
  const t = T.tensor(values);
  t.requiresGrad = requiresGrad;
  return t;
};

test("gradients accumulate into leaves across backward passes", () => {
  const x = leaf([1, 2, 3]);
  T.backward(T.sum(T.mul(x, x)));
  assert.deepEqual(Array.from(x.grad!), [2, 4, 6]);
  T.backward(T.sum(T.scale(x, 3)));
  assert.deepEqual(Array.from(x.grad!), [5, 7, 9]);
});

test("backward frees the graph: saved activations are dropped and a second backward is refused", () => {
  const x = leaf([1, 2]);
  const h = T.mul(x, x);
  const y = T.sum(h);
  assert.ok(h.node && y.node);
  T.backward(y);
  for (const t of [h, y]) assert.ok(t.node!.backward === null && t.node!.inputs.length === 0);
  assert.throws(() => T.backward(y), /second time/);
});

test("no-grad records nothing; frozen leaves get no gradient; a shared input sums its two paths", () => {
  const x = leaf([2]);
  const y = T.noGrad(() => T.mul(x, x));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.node, null);
  const frozen = leaf([5], false);
  const z = T.add(T.mul(x, frozen), T.mul(x, x));
  T.backward(T.sum(z));
  assert.deepEqual(Array.from(x.grad!), [5 + 4]);
  assert.equal(frozen.grad, null);
  assert.throws(() => T.backward(T.sum(T.mul(frozen, frozen))), /does not require a gradient/);
  const v = leaf([1, 2]);
  assert.throws(() => T.backward(T.mul(v, v)), /needs a scalar/);
});
