// RoPE, SwiGLU and the GELU family: forward against float64 references, backward (RoPE's inverse rotation is
// its backward) against finite differences; lengths around the vector widths and past them.
import assert from "node:assert/strict";
import type { GeluKind } from "../../../src/backend/kernels.ts";
import { erf } from "../../../src/backend/ts/erf.ts";
import {
  assertClose,
  assertElementwiseGradient,
  assertGradient,
  type OpCase,
  rand,
  weighted,
} from "./harness.ts";

const LENGTHS = [0, 1, 7, 8, 15, 16, 17, 33, 100_001];

function ropeRef(
  x: ArrayLike<number>,
  cos: Float32Array,
  sin: Float32Array,
  N: number,
  H: number,
  D: number,
) {
  const half = D / 2;
  const y = new Float64Array(N * H * D);
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++)
      for (let d = 0; d < D; d++) {
        const o = (n * H + h) * D;
        const i = d % half;
        const rot = d < half ? -x[o + d + half] : x[o + d - half];
        y[o + d] = x[o + d] * cos[n * half + i] + rot * sin[n * half + i];
      }
  return y;
}

const ropeCase = ([N, H, D]: [number, number, number]): OpCase => ({
  kernels: ["rope"],
  name: `rope ${N}x${H}x${D} and its inverse`,
  run(k) {
    const x = rand(N * H * D, D);
    const angles = rand((N * D) / 2, 1, -3, 3);
    const cos = angles.map(Math.cos);
    const sin = angles.map(Math.sin);
    const y = x.slice();
    k.rope(y, cos, sin, N, H, D, false);
    assertClose(y, ropeRef(x, cos, sin, N, H, D), 1e-6, 1e-5, `${this.name} forward`);
    const w = rand(x.length, 3);
    const g = w.slice();
    k.rope(g, cos, sin, N, H, D, true);
    assertGradient(g, (xs) => weighted(w, ropeRef(xs, cos, sin, N, H, D)), x, `${this.name} inverse`);
  },
});

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

const swigluCase = (n: number): OpCase => ({
  kernels: ["swigluForward", "swigluBackward"],
  name: `swiglu n ${n}`,
  run(k) {
    const gate = rand(n, n + 1, -12, 12);
    if (n > 1) gate[0] = -100;
    const up = rand(n, 2);
    const silu = (v: number) => v * sigmoid(v);
    const out = new Float32Array(n);
    k.swigluForward(gate, up, out, n);
    assertClose(
      out,
      Float64Array.from(gate, (v, i) => silu(v) * up[i]),
      1e-7,
      1e-5,
      `${this.name} out`,
    );
    const dout = rand(n, 3);
    const [dgate, dup] = [new Float32Array(n), new Float32Array(n)];
    k.swigluBackward(gate, up, dout, dgate, dup, n);
    assertElementwiseGradient(dgate, (g, i) => silu(g) * up[i], dout, gate, `${this.name} dgate`);
    assertElementwiseGradient(dup, (u, i) => silu(gate[i]) * u, dout, up, `${this.name} dup`);
  },
});

const GELU: Record<GeluKind, (v: number) => number> = {
  erf: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  tanh: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
  quick: (v) => v * sigmoid(1.702 * v),
};

const geluCase = (n: number, kind: GeluKind): OpCase => ({
  kernels: ["geluForward", "geluBackward"],
  name: `gelu ${kind} n ${n}`,
  run(k) {
    const x = rand(n, n + 5, -12, 12);
    const y = new Float32Array(n);
    k.geluForward(x, y, n, kind);
    assertClose(y, Float64Array.from(x, GELU[kind]), 1e-6, 1e-5, `${this.name} y`);
    const dy = rand(n, 3);
    const dx = new Float32Array(n);
    k.geluBackward(x, dy, dx, n, kind);
    assertElementwiseGradient(dx, GELU[kind], dy, x, `${this.name} dx`);
  },
});

export const ACTIVATION_CASES: OpCase[] = [
  ...(
    [
      [0, 2, 4],
      [1, 1, 2],
      [7, 3, 10],
      [33, 4, 64],
    ] as const
  ).map((s) => ropeCase([...s])),
  ...LENGTHS.map(swigluCase),
  ...LENGTHS.flatMap((n) => (["erf", "tanh", "quick"] as const).map((kind) => geluCase(n, kind))),
  {
    kernels: ["geluForward"],
    name: "the reference erf matches Abramowitz & Stegun's table",
    run() {
      assert.ok(Math.abs(erf(0.5) - 0.5204998778130465) < 1e-15);
      assert.ok(Math.abs(erf(2.7) - 0.9998656672600594) < 1e-15);
      assert.ok(Math.abs(erf(-1.2) + 0.9103139782296353) < 1e-15);
    },
  },
];
