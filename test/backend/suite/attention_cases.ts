// Scaled-dot-product attention: forward (o and lse) against a float64 reference, backward against finite
// differences of it; grouped-query heads, causal masks with a decoding offset, key padding, rows that see no
// key at all (o = 0, lse = −Infinity, zero gradients).
import type { AttentionShape } from "../../../src/backend/kernels.ts";
import { assertClose, assertGradient, type OpCase, rand, weighted } from "./harness.ts";

function attentionRef(q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>, s: AttentionShape) {
  const { B, Tq, Tk, Hq, Hkv, D } = s;
  const o = new Float64Array(B * Tq * Hq * D);
  const lse = new Float64Array(B * Hq * Tq).fill(Number.NEGATIVE_INFINITY);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < Hq; h++) {
      const kh = Math.floor(h / (Hq / Hkv));
      for (let i = 0; i < Tq; i++) {
        const scores: number[] = [];
        for (let j = 0; j < Tk; j++) {
          const hidden =
            (s.causal && j > s.qOffset + i) || (s.keyMask !== null && s.keyMask[b * Tk + j] === 0);
          let d = 0;
          for (let c = 0; c < D; c++)
            d += q[((b * Tq + i) * Hq + h) * D + c] * k[((b * Tk + j) * Hkv + kh) * D + c];
          scores.push(hidden ? Number.NEGATIVE_INFINITY : d * s.scale);
        }
        const m = Math.max(...scores);
        if (m === Number.NEGATIVE_INFINITY) continue;
        const e = scores.map((x) => Math.exp(x - m));
        const z = e.reduce((p, x) => p + x, 0);
        lse[(b * Hq + h) * Tq + i] = m + Math.log(z);
        for (let j = 0; j < Tk; j++)
          for (let c = 0; c < D; c++)
            o[((b * Tq + i) * Hq + h) * D + c] += (e[j] / z) * v[((b * Tk + j) * Hkv + kh) * D + c];
      }
    }
  return { o, lse };
}

function padding(B: number, Tk: number, padded: number[]): Uint8Array {
  const m = new Uint8Array(B * Tk).fill(1);
  for (let b = 0; b < B; b++) m.fill(0, b * Tk, b * Tk + padded[b]);
  return m;
}

const base = { scale: 0.3, qOffset: 0, keyMask: null };
const SHAPES: AttentionShape[] = [
  { ...base, B: 2, Tq: 70, Tk: 70, Hq: 4, Hkv: 2, D: 16, causal: true },
  { ...base, B: 1, Tq: 1, Tk: 1, Hq: 1, Hkv: 1, D: 1, causal: false },
  { ...base, B: 2, Tq: 5, Tk: 33, Hq: 4, Hkv: 1, D: 8, causal: true, qOffset: 28 },
  {
    ...base,
    B: 2,
    Tq: 7,
    Tk: 33,
    Hq: 6,
    Hkv: 3,
    D: 8,
    causal: true,
    qOffset: 26,
    keyMask: padding(2, 33, [4, 0]),
  },
  { ...base, B: 2, Tq: 130, Tk: 65, Hq: 3, Hkv: 3, D: 24, causal: false, keyMask: padding(2, 65, [0, 9]) },
  // Rows that see no key: a negative offset, and a batch row that is all padding.
  { ...base, B: 1, Tq: 7, Tk: 7, Hq: 2, Hkv: 2, D: 4, causal: true, qOffset: -2 },
  { ...base, B: 2, Tq: 3, Tk: 5, Hq: 2, Hkv: 1, D: 4, causal: false, keyMask: padding(2, 5, [5, 2]) },
  { ...base, B: 0, Tq: 3, Tk: 3, Hq: 2, Hkv: 1, D: 4, causal: true },
];

const attentionCase = (s: AttentionShape, seed: number): OpCase => ({
  kernels: ["attentionForward", "attentionBackward"],
  name: `attention B${s.B} Tq${s.Tq} Tk${s.Tk} H${s.Hq}/${s.Hkv} D${s.D} causal ${s.causal} offset ${s.qOffset}${s.keyMask ? " padded" : ""}`,
  run(kern) {
    const qLen = s.B * s.Tq * s.Hq * s.D;
    const kvLen = s.B * s.Tk * s.Hkv * s.D;
    const [q, k, v] = [rand(qLen, seed, -2, 2), rand(kvLen, seed + 1, -2, 2), rand(kvLen, seed + 2)];
    const o = new Float32Array(qLen).fill(Number.NaN);
    const lse = new Float32Array(s.B * s.Hq * s.Tq).fill(Number.NaN);
    kern.attentionForward(q, k, v, o, lse, s);
    const ref = attentionRef(q, k, v, s);
    assertClose(o, ref.o, 2e-5, 1e-4, `${this.name} o`);
    assertClose(lse, ref.lse, 2e-5, 1e-5, `${this.name} lse`);
    const dO = rand(qLen, seed + 3);
    const [dq, dk, dv] = [qLen, kvLen, kvLen].map((n) => new Float32Array(n).fill(Number.NaN));
    kern.attentionBackward(q, k, v, o, lse, dO, dq, dk, dv, s);
    const loss = (qs: ArrayLike<number>, ks: ArrayLike<number>, vs: ArrayLike<number>) =>
      weighted(dO, attentionRef(qs, ks, vs, s).o);
    // Fewer coordinates on the large shapes: each difference recomputes the whole reference.
    const coords = qLen > 5000 ? 6 : 24;
    assertGradient(dq, (x) => loss(x, k, v), q, `${this.name} dq`, 2e-4, 2e-3, coords);
    assertGradient(dk, (x) => loss(q, x, v), k, `${this.name} dk`, 2e-4, 2e-3, coords);
    assertGradient(dv, (x) => loss(q, k, x), v, `${this.name} dv`, 2e-4, 2e-3, coords);
  },
});

export const ATTENTION_CASES: OpCase[] = SHAPES.map((s, i) => attentionCase(s, 10 * i + 1));
