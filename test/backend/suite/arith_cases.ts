// Element-wise arithmetic. Forward results are exact (each a single f32 rounding of the float64 operation);
// gradients are checked against finite differences, broadcast operands summing over their repeated positions
// into what the gradient buffers held. Strides are written out by hand here, independently of the tensor
// layer's broadcasting.
import type { BinaryOp } from "../../../src/backend/kernels.ts";
import { assertExact, assertGradient, type OpCase, rand, weighted } from "./harness.ts";

const OPS: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

interface Layout {
  name: string;
  shape: number[];
  /** Element strides of a and b over shape, and the elements each holds. */
  a: [strides: number[], size: number];
  b: [strides: number[], size: number];
}

const LAYOUTS: Layout[] = [
  { name: "same shape, 100003", shape: [100_003], a: [[1], 100_003], b: [[1], 100_003] },
  { name: "[2,3,4] with [4]", shape: [6, 4], a: [[4, 1], 24], b: [[0, 1], 4] },
  { name: "[2,1,4] with [3,1]", shape: [2, 3, 4], a: [[4, 0, 1], 8], b: [[0, 1, 0], 3] },
  { name: "scalar with [5,2]", shape: [10], a: [[0], 1], b: [[1], 10] },
  { name: "rank 0", shape: [], a: [[], 1], b: [[], 1] },
  { name: "zero extent", shape: [0, 3], a: [[3, 1], 0], b: [[0, 1], 3] },
  // a read transposed (its rows 3 apart): not contiguous along the last axis.
  { name: "[3,2] with a transposed view", shape: [3, 2], a: [[1, 3], 6], b: [[2, 1], 6] },
  { name: "[17] with a repeated value", shape: [17], a: [[1], 17], b: [[0], 1] },
];

/** Calls fn(k, ia, ib) for each flat output index k with the operands' offsets. */
function walk(shape: number[], sa: number[], sb: number[], fn: (k: number, ia: number, ib: number) => void) {
  const n = shape.reduce((p, d) => p * d, 1);
  for (let k = 0; k < n; k++) {
    let rem = k;
    let ia = 0;
    let ib = 0;
    for (let i = shape.length - 1; i >= 0; i--) {
      const at = rem % shape[i];
      rem = Math.floor(rem / shape[i]);
      ia += at * sa[i];
      ib += at * sb[i];
    }
    fn(k, ia, ib);
  }
}

const binaryCase = (op: BinaryOp, l: Layout, seed: number): OpCase => ({
  kernels: ["binaryForward", "binaryBackward"],
  name: `binary ${op} ${l.name}`,
  run(k) {
    const [sa, na] = l.a;
    const [sb, nb] = l.b;
    const a = rand(na, seed, -2, 2);
    const b = rand(nb, seed + 1, 0.5, 2);
    const n = l.shape.reduce((p, d) => p * d, 1);
    const dims = (s: number[]) => Int32Array.from(s);
    const out = new Float32Array(n);
    k.binaryForward(op, a, dims(sa), b, dims(sb), out, dims(l.shape));
    const ref = (x: ArrayLike<number>, y: ArrayLike<number>) => {
      const r = new Float64Array(n);
      walk(l.shape, sa, sb, (i, ia, ib) => {
        r[i] = OPS[op](x[ia], y[ib]);
      });
      return r;
    };
    assertExact(out, Float32Array.from(ref(a, b)), `${this.name} out`);
    const g = rand(n, seed + 2);
    const [ga0, gb0] = [rand(na, seed + 3), rand(nb, seed + 4)];
    const [ga, gb] = [ga0.slice(), gb0.slice()];
    k.binaryBackward(op, g, a, dims(sa), b, dims(sb), ga, gb, dims(l.shape));
    const added = (t: Float32Array, t0: Float32Array) => t.map((v, i) => v - t0[i]);
    assertGradient(added(ga, ga0), (x) => weighted(g, ref(x, b)), a, `${this.name} ga`, 1e-3, 1e-3);
    assertGradient(added(gb, gb0), (y) => weighted(g, ref(a, y)), b, `${this.name} gb`, 1e-3, 1e-3);
    const gbOnly = gb0.slice();
    k.binaryBackward(op, g, a, dims(sa), b, dims(sb), null, gbOnly, dims(l.shape));
    assertExact(gbOnly, gb, `${this.name} gb without ga`);
  },
});

const LENGTHS = [0, 1, 15, 16, 17, 100_001];

export const ARITH_CASES: OpCase[] = [
  ...(["add", "sub", "mul", "div"] as const).flatMap((op, i) =>
    LAYOUTS.map((l, j) => binaryCase(op, l, 100 * i + j)),
  ),
  ...LENGTHS.map(
    (n): OpCase => ({
      kernels: ["scale", "accumulate"],
      name: `scale and accumulate n ${n}`,
      run(k) {
        const x = rand(n, n + 1, -3, 3);
        const alpha = 1 / 3;
        const y = new Float32Array(n);
        k.scale(x, y, n, alpha);
        assertExact(
          y,
          x.map((v) => v * alpha),
          `${this.name}: y = alpha·x rounded once`,
        );
        const inPlace = x.slice();
        k.scale(inPlace, inPlace, n, alpha);
        assertExact(inPlace, y, `${this.name}: in place`);
        const dst = rand(n, 3);
        const expected = dst.map((v, i) => v + x[i]);
        k.accumulate(dst, x, n);
        assertExact(dst, expected, `${this.name}: dst + src`);
      },
    }),
  ),
];
