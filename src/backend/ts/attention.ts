// Reference scaled-dot-product attention (token-major layouts, GQA, causal + key-padding masks).
// Forward saves only the per-row log-sum-exp; backward recomputes the probabilities from it.
import type { AttentionShape, KernelFns } from "../kernels.ts";

/** Whether query i may attend to key j in batch row b. */
function visible(s: AttentionShape, b: number, i: number, j: number): boolean {
  if (s.causal && j > s.qOffset + i) return false;
  return s.keyMask === null || s.keyMask[b * s.Tk + j] !== 0;
}

export const attentionForward: KernelFns["attentionForward"] = (q, k, v, o, lse, s) => {
  const { B, Tq, Tk, Hq, Hkv, D, scale } = s;
  const group = Hq / Hkv;
  const scores = new Float64Array(Tk);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < Hq; h++) {
      const kh = Math.floor(h / group);
      for (let i = 0; i < Tq; i++) {
        const qo = ((b * Tq + i) * Hq + h) * D;
        let m = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < Tk; j++) {
          if (!visible(s, b, i, j)) {
            scores[j] = Number.NEGATIVE_INFINITY;
            continue;
          }
          const ko = ((b * Tk + j) * Hkv + kh) * D;
          let d = 0;
          for (let c = 0; c < D; c++) d += q[qo + c] * k[ko + c];
          scores[j] = d * scale;
          if (scores[j] > m) m = scores[j];
        }
        const out = o.subarray(qo, qo + D);
        out.fill(0);
        const row = (b * Hq + h) * Tq + i;
        if (m === Number.NEGATIVE_INFINITY) {
          lse[row] = Number.NEGATIVE_INFINITY;
          continue;
        }
        let sum = 0;
        for (let j = 0; j < Tk; j++) sum += Math.exp(scores[j] - m);
        for (let j = 0; j < Tk; j++) {
          if (scores[j] === Number.NEGATIVE_INFINITY) continue;
          const p = Math.exp(scores[j] - m) / sum;
          const vo = ((b * Tk + j) * Hkv + kh) * D;
          for (let c = 0; c < D; c++) out[c] += p * v[vo + c];
        }
        lse[row] = m + Math.log(sum);
      }
    }
};

export const attentionBackward: KernelFns["attentionBackward"] = (q, k, v, o, lse, dO, dq, dk, dv, s) => {
  const { B, Tq, Tk, Hq, Hkv, D, scale } = s;
  const group = Hq / Hkv;
  dq.fill(0);
  dk.fill(0);
  dv.fill(0);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < Hq; h++) {
      const kh = Math.floor(h / group);
      for (let i = 0; i < Tq; i++) {
        const row = (b * Hq + h) * Tq + i;
        if (lse[row] === Number.NEGATIVE_INFINITY) continue;
        const qo = ((b * Tq + i) * Hq + h) * D;
        let rowDot = 0;
        for (let c = 0; c < D; c++) rowDot += dO[qo + c] * o[qo + c];
        for (let j = 0; j < Tk; j++) {
          if (!visible(s, b, i, j)) continue;
          const ko = ((b * Tk + j) * Hkv + kh) * D;
          let d = 0;
          let dp = 0;
          for (let c = 0; c < D; c++) {
            d += q[qo + c] * k[ko + c];
            dp += dO[qo + c] * v[ko + c];
          }
          const p = Math.exp(d * scale - lse[row]);
          const ds = p * (dp - rowDot) * scale;
          for (let c = 0; c < D; c++) {
            dq[qo + c] += ds * k[ko + c];
            dk[ko + c] += ds * q[qo + c];
            dv[ko + c] += p * dO[qo + c];
          }
        }
      }
    }
};
