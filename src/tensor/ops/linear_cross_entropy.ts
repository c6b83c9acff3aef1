// The output head and the loss fused: cross-entropy of (x·Wᵀ) against labels, computed over blocks of rows so
// that the [rows, V] logits exist one block at a time. Each block's logits gradient is formed and consumed
// right away (into dx and dW), so neither the full logits nor their full gradient is ever held; with a 32000
// vocabulary and 8192 tokens that is 1 GiB each saved. The gradients are formed during forward (unscaled) and
// scaled in backward, so no logits are recomputed.
import { kernels } from "../../backend/index.ts";
import { isGradEnabled, record } from "../autograd.ts";
import { weightGemm } from "../compute_dtype.ts";
import { hostArray, hostF32 } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";
import { IGNORE_INDEX, throwOnBadLabel } from "./loss.ts";

/** Rows per block: bounds the block's logits to BLOCK_ROWS × V floats. */
const BLOCK_ROWS = 256;

/** Mean cross-entropy over non-ignored rows of x [N, H] (or [..., H]) · Wᵀ, W [V, H] (may be half-stored).
 * Equals crossEntropy(linear(x, W), labels); all-ignored gives 0. A frozen W is multiplied in the compute dtype. */
export function linearCrossEntropy(
  x: Tensor,
  w: Tensor,
  labels: Int32Array,
  ignoreIndex = IGNORE_INDEX,
): Tensor {
  const [V, H] = w.shape;
  const N = x.size / H;
  if (w.ndim !== 2 || x.shape[x.ndim - 1] !== H)
    throw new Error(`linearCrossEntropy: input [${x.shape}] and weight [${w.shape}]`);
  if (labels.length !== N) throw new Error(`linearCrossEntropy: ${labels.length} labels for ${N} rows`);
  const k = kernels();
  const xv = hostF32(x);
  const wData = hostArray(w);
  const gemm = weightGemm(w);
  // Gradients are formed here only when backward can follow.
  const wantX = isGradEnabled() && x.requiresGrad;
  const wantW = isGradEnabled() && w.requiresGrad;
  if (wantW && w.dtype !== "f32") throw new Error(`a trainable weight must be f32, got ${w.dtype}`);
  const dx = wantX ? new Float32Array(N * H) : null;
  const dw = wantW ? new Float32Array(V * H) : null;
  const logits = new Float32Array(Math.min(N, BLOCK_ROWS) * V);
  const perRow = new Float32Array(BLOCK_ROWS);
  const lse = new Float32Array(BLOCK_ROWS);
  let total = 0;
  let count = 0;
  for (let r0 = 0; r0 < N; r0 += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, N - r0);
    const xb = xv.subarray(r0 * H, (r0 + rows) * H);
    const lb = labels.subarray(r0, r0 + rows);
    const block = logits.subarray(0, rows * V);
    gemm(false, true, rows, V, H, 1, xb, H, wData, H, w.dtype, 0, block, V);
    throwOnBadLabel(k.crossEntropyForward(block, lb, perRow, lse, rows, V, ignoreIndex), lb, V);
    for (let r = 0; r < rows; r++) {
      if (lb[r] === ignoreIndex) continue;
      count++;
      total += perRow[r];
    }
    if (!dx && !dw) continue;
    // Unscaled gradient of the summed loss, in place over the block's logits.
    k.crossEntropyBackward(block, lb, lse, block, 1, rows, V, ignoreIndex);
    if (dx)
      gemm(
        false,
        false,
        rows,
        H,
        V,
        1,
        block,
        V,
        wData,
        H,
        w.dtype,
        0,
        dx.subarray(r0 * H, (r0 + rows) * H),
        H,
      );
    if (dw) k.sgemm(true, false, V, H, rows, 1, block, V, xb, H, "f32", 1, dw, H);
  }
  const divisor = Math.max(count, 1);
  const out = opResult(Float32Array.of(total / divisor), []);
  return record(
    "linearCrossEntropy",
    out,
    [x, w],
    () => (g) => {
      const s = g[0] / divisor;
      for (const d of [dx, dw]) if (d) k.scale(d, d, d.length, s);
      return [dx, dw];
    },
    { saved: [dx, dw] },
  );
}
