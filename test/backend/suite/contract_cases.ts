// The contract every backend shares beyond the values: the spec's argument checks (the same errors whichever
// backend runs), repeatability, and reductions that do not depend on the thread count.
import assert from "node:assert/strict";
import type { Kernels } from "../../../src/backend/kernels.ts";
import { assertExact, type OpCase, rand } from "./harness.ts";

function withThreads<T>(k: Kernels, n: number, fn: () => T): T {
  const before = k.threads();
  k.setThreads(n);
  try {
    return fn();
  } finally {
    k.setThreads(before);
  }
}

export const CONTRACT_CASES: OpCase[] = [
  {
    kernels: [
      "sgemm",
      "softmaxForward",
      "rmsNormForward",
      "binaryForward",
      "indexSelect",
      "geluForward",
      "rope",
    ],
    name: "wrong lengths, types, counts, strides and ranks throw naming the kernel and argument",
    run(k) {
      const a = new Float32Array(6);
      assert.throws(
        () => k.sgemm(false, false, 2, 3, 4, 1, a, 4, new Float32Array(12), 3, "f32", 0, a, 3),
        /^RangeError: sgemm: A has 6 elements, needs 8$/,
      );
      assert.throws(
        () => k.sgemm(false, false, 2, 3, 3, 1, a, 2, a, 3, "f32", 0, a, 3),
        /sgemm: A stride 2 is smaller/,
      );
      assert.throws(
        () => k.sgemm(false, false, 1, 1, 1, 1, a, 1, new Uint16Array(1), 1, "f32", 0, a, 1),
        /^TypeError: sgemm: B must be a Float32Array for dtype f32$/,
      );
      assert.throws(
        () => k.softmaxForward(a, new Float32Array(5), 2, 3),
        /softmaxForward: y has 5 elements, needs 6/,
      );
      assert.throws(
        () => k.softmaxForward(a, a, -1, 3),
        /softmaxForward: rows must be a non-negative integer/,
      );
      assert.throws(() => k.softmaxForward(a, a, 1.5, 3), /rows must be a non-negative integer, got 1.5/);
      assert.throws(
        () => k.rmsNormForward(a, a, a, new Float32Array(1), 2, 3, 1e-5),
        /rmsNormForward: rstd has 1/,
      );
      assert.throws(() => k.rmsNormForward(a, null as never, a, a, 2, 3, 1e-5), /w must not be null/);
      assert.throws(
        () => k.geluForward(a, a, 6, "relu" as never),
        /geluForward: kind must be one of erf, tanh, quick/,
      );
      assert.throws(() => k.rope(a, a, a, 1, 1, 3, false), /rope needs an even head dim, got 3/);
      const dims = Int32Array.of(2, 3);
      assert.throws(
        () => k.binaryForward("add", a, Int32Array.of(3, 1), a, Int32Array.of(1), a, dims),
        /binaryForward: bStrides has 1 entries, the other dims have 2/,
      );
      assert.throws(
        () => k.binaryForward("add", a, Int32Array.of(3, 2), a, Int32Array.of(3, 1), a, dims),
        /binaryForward: a has 6 elements, needs 8/,
      );
      assert.throws(
        () => k.indexSelect(new Uint16Array(4), "f16", Int32Array.of(0), a, 1, 2, 3, 1),
        /indexSelect: x has 4 elements, needs 6/,
      );
      assert.throws(
        () => k.indexSelect(a, "f8" as never, Int32Array.of(0), a, 1, 2, 3, 1),
        /unknown dtype f8/,
      );
    },
  },
  {
    kernels: [
      "sgemm",
      "rmsNormBackward",
      "layerNormBackward",
      "attentionBackward",
      "binaryBackward",
      "indexAdd",
    ],
    name: "results repeat bit for bit on the same thread count",
    run(k) {
      const [rows, cols] = [96, 300];
      const x = rand(rows * cols, 1);
      const dy = rand(rows * cols, 2);
      const w = rand(cols, 3);
      const once = () => {
        const dw = new Float32Array(cols);
        k.rmsNormBackward(
          dy,
          x,
          w,
          new Float32Array(rows).fill(1.3),
          new Float32Array(rows * cols),
          dw,
          rows,
          cols,
        );
        const c = new Float32Array(96 * 96);
        k.sgemm(false, true, 96, 96, 300, 1, x, 300, dy, 300, "f32", 0, c, 96);
        const gb = new Float32Array(cols);
        k.binaryBackward(
          "mul",
          dy,
          x,
          Int32Array.of(cols, 1),
          w,
          Int32Array.of(0, 1),
          null,
          gb,
          Int32Array.of(rows, cols),
        );
        const gx = new Float32Array(10 * cols);
        k.indexAdd(
          dy,
          Int32Array.from({ length: rows }, (_, i) => i % 10),
          gx,
          1,
          10,
          cols,
          rows,
        );
        return [dw, c, gb, gx];
      };
      const [a, b] = [once(), once()];
      a.forEach((t, i) => {
        assertExact(t, b[i], `output ${i}`);
      });
    },
  },
  {
    kernels: ["sumSquares", "sumAxis"],
    name: "sumSquares and sumAxis give the same bits on 1 and 2 threads",
    run(k) {
      const x = rand(300_007, 4);
      const run = () => {
        const out = new Float32Array(7 * 3);
        k.sumAxis(x, out, 7, 20_001, 1, 1);
        const cols = new Float32Array(513);
        k.sumAxis(x, cols, 1, 500, 513, 0.5);
        return [Float64Array.of(k.sumSquares(x, x.length)), out, cols];
      };
      const [one, two] = [withThreads(k, 1, run), withThreads(k, 2, run)];
      one.forEach((t, i) => {
        assertExact(t, two[i], `output ${i}`);
      });
    },
  },
];
