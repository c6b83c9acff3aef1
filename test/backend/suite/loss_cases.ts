// Cross-entropy (with ignore_index, invalid labels, in place) against float64 log-sum-exp and finite
// differences; AdamW against PyTorch's update formula in float64.
import assert from "node:assert/strict";
import { assertClose, assertGradient, type OpCase, rand } from "./harness.ts";

const IGNORE = -100;

function ceRef(logits: ArrayLike<number>, labels: Int32Array, rows: number, V: number) {
  const loss = new Float64Array(rows);
  const lse = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < V; c++) m = Math.max(m, logits[r * V + c]);
    let s = 0;
    for (let c = 0; c < V; c++) s += Math.exp(logits[r * V + c] - m);
    lse[r] = m + Math.log(s);
    loss[r] = labels[r] === IGNORE ? 0 : lse[r] - logits[r * V + labels[r]];
  }
  return { loss, lse };
}

const ceCase = ([rows, V]: [number, number]): OpCase => ({
  kernels: ["crossEntropyForward", "crossEntropyBackward"],
  name: `crossEntropy ${rows}x${V}`,
  run(k) {
    const logits = rand(rows * V, V, -10, 10);
    const pick = rand(rows, 77, 0, V);
    const labels = Int32Array.from({ length: rows }, (_, i) => (i % 4 === 3 ? IGNORE : Math.floor(pick[i])));
    const [loss, lse] = [new Float32Array(rows), new Float32Array(rows)];
    assert.equal(k.crossEntropyForward(logits, labels, loss, lse, rows, V, IGNORE), -1);
    const ref = ceRef(logits, labels, rows, V);
    assertClose(loss, ref.loss, 1e-5, 1e-5, `${this.name} loss`);
    assertClose(lse, ref.lse, 1e-5, 1e-6, `${this.name} lse`);
    const scale = 1 / 7;
    const total = (x: ArrayLike<number>) => scale * ceRef(x, labels, rows, V).loss.reduce((p, v) => p + v, 0);
    const dlogits = new Float32Array(rows * V).fill(Number.NaN);
    k.crossEntropyBackward(logits, labels, lse, dlogits, scale, rows, V, IGNORE);
    assertGradient(dlogits, total, logits, `${this.name} dlogits`, 1e-6, 1e-3, 40);
    const inPlace = logits.slice();
    k.crossEntropyBackward(inPlace, labels, lse, inPlace, scale, rows, V, IGNORE);
    assertClose(inPlace, dlogits, 0, 0, `${this.name} dlogits in place`);
  },
});

export const LOSS_CASES: OpCase[] = [
  ...(
    [
      [0, 5],
      [1, 1],
      [9, 1001],
      [64, 3000],
    ] as const
  ).map((s) => ceCase([...s])),
  {
    kernels: ["crossEntropyForward", "crossEntropyBackward"],
    name: "crossEntropy: a label outside [0, V) is reported and computes nothing; backward zeroes its row",
    run(k) {
      const logits = rand(12, 1);
      const loss = new Float32Array(4).fill(7);
      const lse = new Float32Array(4).fill(7);
      assert.equal(k.crossEntropyForward(logits, Int32Array.of(0, IGNORE, 3, 1), loss, lse, 4, 3, IGNORE), 2);
      assert.equal(k.crossEntropyForward(logits, Int32Array.of(-1, 0, 0, 0), loss, lse, 4, 3, IGNORE), 0);
      assert.deepEqual([...loss, ...lse], new Array(8).fill(7));
      const d = new Float32Array(12).fill(Number.NaN);
      k.crossEntropyBackward(logits, Int32Array.of(5, 0, 0, 0), new Float32Array(4), d, 1, 4, 3, IGNORE);
      assert.deepEqual([...d.subarray(0, 3)], [0, 0, 0]);
    },
  },
  {
    kernels: ["adamw"],
    name: "adamw: three steps of PyTorch's AdamW in float64",
    run(k) {
      const n = 1001;
      const [lr, b1, b2, eps, wd] = [1e-3, 0.9, 0.999, 1e-8, 0.01];
      const p = rand(n, 1);
      const [m, v] = [new Float32Array(n), new Float32Array(n)];
      const ref = { p: Float64Array.from(p), m: new Float64Array(n), v: new Float64Array(n) };
      for (let step = 1; step <= 3; step++) {
        const g = rand(n, 10 + step);
        k.adamw(p, g, m, v, n, lr, b1, b2, eps, wd, step);
        for (let i = 0; i < n; i++) {
          ref.p[i] *= 1 - lr * wd;
          ref.m[i] = b1 * ref.m[i] + (1 - b1) * g[i];
          ref.v[i] = b2 * ref.v[i] + (1 - b2) * g[i] * g[i];
          const denom = Math.sqrt(ref.v[i]) / Math.sqrt(1 - b2 ** step) + eps;
          ref.p[i] -= (lr / (1 - b1 ** step)) * (ref.m[i] / denom);
        }
      }
      assertClose(p, ref.p, 1e-7, 1e-6, "adamw param");
      assertClose(m, ref.m, 1e-8, 1e-5, "adamw m");
      assertClose(v, ref.v, 1e-9, 1e-5, "adamw v");
    },
  },
];
