// Reductions against float64 sums, including rows past one summation block (16384) and every axis layout.
import assert from "node:assert/strict";
import { assertClose, type OpCase, rand } from "./harness.ts";

const SUM_SQUARES = [0, 1, 17, 16384, 100_003];
const AXES: Array<[outer: number, n: number, inner: number]> = [
  [1, 0, 4],
  [0, 5, 3],
  [1, 1, 1],
  [3, 7, 5],
  [2, 300, 513],
  [7, 20_001, 1],
  [1, 100_003, 1],
  [1, 1024, 4096],
];

export const REDUCE_CASES: OpCase[] = [
  ...SUM_SQUARES.map(
    (n): OpCase => ({
      kernels: ["sumSquares"],
      name: `sumSquares n ${n}`,
      run(k) {
        const x = rand(n, n + 1, -3, 3);
        const expected = x.reduce((s, v) => s + v * v, 0);
        assertClose([k.sumSquares(x, n)], [expected], 1e-9, 1e-12, this.name);
      },
    }),
  ),
  {
    kernels: ["sumSquares"],
    name: "sumSquares is NaN or Infinity when an element is",
    run(k) {
      const x = rand(40_000, 1);
      x[39_999] = Number.POSITIVE_INFINITY;
      assert.equal(k.sumSquares(x, x.length), Number.POSITIVE_INFINITY);
      x[3] = Number.NaN;
      assert.ok(Number.isNaN(k.sumSquares(x, x.length)));
    },
  },
  ...AXES.map(
    ([outer, n, inner]): OpCase => ({
      kernels: ["sumAxis"],
      name: `sumAxis ${outer}x${n}x${inner}`,
      run(k) {
        const x = rand(outer * n * inner, n + inner, -2, 2);
        const alpha = 1 / 3;
        const out = new Float32Array(outer * inner).fill(Number.NaN);
        k.sumAxis(x, out, outer, n, inner, alpha);
        const expected = new Float64Array(outer * inner);
        for (let o = 0; o < outer; o++)
          for (let j = 0; j < n; j++)
            for (let i = 0; i < inner; i++) expected[o * inner + i] += x[(o * n + j) * inner + i] * alpha;
        assertClose(out, expected, 1e-7, 1e-6, this.name);
      },
    }),
  ),
];
