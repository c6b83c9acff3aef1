// Matrix products on the SGEMM kernel: batched matmul and the linear layer y = x·Wᵀ + b.
// A frozen weight (requiresGrad false) costs no weight-gradient GEMM at all.
import { kernels } from "../../backend/index.ts";
import { gradBuffer, isGradEnabled, record } from "../autograd.ts";
import { weightGemm } from "../compute_dtype.ts";
import { hostArray, hostF32 } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";

/** a [..., M, K] @ b [..., K, N] with equal batch dims, or b [K, N] shared by every batch. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim < 2 || b.ndim < 2) throw new Error(`matmul needs rank ≥ 2, got [${a.shape}] and [${b.shape}]`);
  const M = a.shape[a.ndim - 2];
  const K = a.shape[a.ndim - 1];
  const N = b.shape[b.ndim - 1];
  if (b.shape[b.ndim - 2] !== K) throw new Error(`matmul inner dims differ: [${a.shape}] @ [${b.shape}]`);
  const batchShape = a.shape.slice(0, -2);
  const batch = batchShape.reduce((p, d) => p * d, 1);
  const shared = b.ndim === 2;
  if (!shared && (b.ndim !== a.ndim || b.shape.slice(0, -2).some((d, i) => d !== batchShape[i])))
    throw new Error(`matmul batch dims differ: [${a.shape}] @ [${b.shape}]`);
  const k = kernels();
  const av = hostF32(a);
  const bv = hostF32(b);
  const out = new Float32Array(batch * M * N);
  const aAt = (i: number) => av.subarray(i * M * K, (i + 1) * M * K);
  const bAt = (i: number) => (shared ? bv : bv.subarray(i * K * N, (i + 1) * K * N));
  const cAt = (c: Float32Array, i: number) => c.subarray(i * M * N, (i + 1) * M * N);
  if (shared) k.sgemm(false, false, batch * M, N, K, 1, av, K, bv, N, "f32", 0, out, N);
  else
    for (let i = 0; i < batch; i++)
      k.sgemm(false, false, M, N, K, 1, aAt(i), K, bAt(i), N, "f32", 0, cAt(out, i), N);
  return record("matmul", opResult(out, [...batchShape, M, N]), [a, b], () => (g) => {
    let ga: Float32Array | null = null;
    let gb: Float32Array | null = null;
    if (a.requiresGrad) {
      ga = new Float32Array(av.length);
      for (let i = 0; i < batch; i++)
        k.sgemm(false, true, M, K, N, 1, cAt(g, i), N, bAt(i), N, "f32", 0, aGrad(ga, i), K);
    }
    if (b.requiresGrad) {
      gb = new Float32Array(bv.length);
      if (shared) k.sgemm(true, false, K, N, batch * M, 1, av, K, g, N, "f32", 0, gb, N);
      else
        for (let i = 0; i < batch; i++)
          k.sgemm(
            true,
            false,
            K,
            N,
            M,
            1,
            aAt(i),
            K,
            cAt(g, i),
            N,
            "f32",
            0,
            gb.subarray(i * K * N, (i + 1) * K * N),
            N,
          );
    }
    return [ga, gb];
  });
  function aGrad(c: Float32Array, i: number) {
    return c.subarray(i * M * K, (i + 1) * M * K);
  }
}

/** y = x·Wᵀ + b over the last axis of x; W is [out, in] (HF nn.Linear layout). W and b may be stored
 * bf16/f16. A frozen W is multiplied in the compute dtype (compute_dtype.ts), in forward and backward. */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null): Tensor {
  const inF = w.shape[1];
  const outF = w.shape[0];
  if (w.ndim !== 2 || x.shape[x.ndim - 1] !== inF)
    throw new Error(`linear: input [${x.shape}] does not fit weight [${w.shape}]`);
  if (b && (b.ndim !== 1 || b.shape[0] !== outF))
    throw new Error(`linear: bias [${b.shape}] for ${outF} outputs`);
  const rows = x.size / inF;
  const k = kernels();
  const xv = hostF32(x);
  const out = new Float32Array(rows * outF);
  // The bias repeated over the rows, then the product added onto it.
  if (b)
    k.copyStrided(hostF32(b), Int32Array.of(0, 1), out, Int32Array.of(outF, 1), Int32Array.of(rows, outF));
  const gemm = weightGemm(w);
  gemm(false, true, rows, outF, inF, 1, xv, inF, hostArray(w), inF, w.dtype, b ? 1 : 0, out, outF);
  const inputs = b ? [x, w, b] : [x, w];
  return record("linear", opResult(out, [...x.shape.slice(0, -1), outF]), inputs, () => (g) => {
    let gx: Float32Array | null = null;
    let gw: Float32Array | null = null;
    let gbias: Float32Array | null = null;
    if (x.requiresGrad) {
      gx = new Float32Array(xv.length);
      gemm(false, false, rows, inF, outF, 1, g, outF, hostArray(w), inF, w.dtype, 0, gx, inF);
    }
    if (w.requiresGrad) {
      if (w.dtype !== "f32") throw new Error(`a trainable weight must be f32, got ${w.dtype}`);
      gw = gradBuffer(w);
      k.sgemm(true, false, outF, inF, rows, 1, g, outF, xv, inF, "f32", 0, gw, inF);
    }
    if (b?.requiresGrad) {
      gbias = gradBuffer(b);
      k.sumAxis(g, gbias, 1, rows, outF, 1);
    }
    return b ? [gx, gw, gbias] : [gx, gw];
  });
}

/** c + alpha · a·b for c [M, N], a [M, K], b [K, N] in one GEMM accumulating onto a copy of c (torch.addmm).
 * Inference only: it records no backward. */
export function addmm(c: Tensor, a: Tensor, b: Tensor, alpha: number): Tensor {
  const [M, K] = a.shape;
  const N = b.shape[1];
  if (
    a.ndim !== 2 ||
    b.ndim !== 2 ||
    c.ndim !== 2 ||
    b.shape[0] !== K ||
    c.shape[0] !== M ||
    c.shape[1] !== N
  )
    throw new Error(`addmm shapes do not fit: [${c.shape}] + [${a.shape}] @ [${b.shape}]`);
  if (isGradEnabled() && (a.requiresGrad || b.requiresGrad || c.requiresGrad))
    throw new Error("addmm has no backward; call it under noGrad");
  const out = Float32Array.from(hostF32(c));
  kernels().sgemm(false, false, M, N, K, alpha, hostF32(a), K, hostF32(b), N, "f32", 1, out, N);
  return opResult(out, [M, N]);
}
