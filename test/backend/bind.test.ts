// A backend may implement a subset of the kernels: the rest run the TypeScript reference, and the spec's
// argument checks guard its own kernels as every other backend's.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bindKernels } from "../../src/backend/bind.ts";
import type { KernelFns } from "../../src/backend/kernels.ts";
import { referenceKernels, tsKernels } from "../../src/backend/ts/index.ts";

function partialBackend() {
  const calls: number[] = [];
  const own: Partial<KernelFns> = {
    scale(x, y, n, alpha) {
      calls.push(n);
      for (let i = 0; i < n; i++) y[i] = x[i] * alpha * 2;
    },
  };
  return {
    calls,
    k: bindKernels({ name: "half-done", threads: () => 1, setThreads: () => {} }, own, referenceKernels),
  };
}

test("supports() names the kernels a backend runs itself; the others fall back to the reference", () => {
  const { calls, k } = partialBackend();
  assert.equal(k.name, "half-done");
  assert.ok(k.supports("scale"));
  assert.ok(!k.supports("sgemm"));
  const y = new Float32Array(2);
  k.scale(Float32Array.of(1, 2), y, 2, 1);
  assert.deepEqual([...y], [2, 4]);
  assert.deepEqual(calls, [2]);
  const [c1, c2] = [new Float32Array(4), new Float32Array(4)];
  const a = Float32Array.of(1, 2, 3, 4);
  k.sgemm(false, false, 2, 2, 2, 1, a, 2, a, 2, "f32", 0, c1, 2);
  tsKernels.sgemm(false, false, 2, 2, 2, 1, a, 2, a, 2, "f32", 0, c2, 2);
  assert.deepEqual([...c1], [...c2]);
  assert.deepEqual([...c1], [7, 10, 15, 22]);
});

test("a backend's own kernel is never called with arguments the spec rejects", () => {
  const { calls, k } = partialBackend();
  assert.throws(
    () => k.scale(new Float32Array(2), new Float32Array(1), 2, 1),
    /scale: y has 1 elements, needs 2/,
  );
  assert.throws(
    () => k.scale(new Float32Array(2), new Float32Array(2), -1, 1),
    /n must be a non-negative integer/,
  );
  assert.throws(() => k.setThreads(-2), /threads must be a non-negative integer/);
  assert.deepEqual(calls, []);
});
