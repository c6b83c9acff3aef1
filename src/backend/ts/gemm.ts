// Reference GEMMs: plain loops with strided access. Correctness first; the native addon is the fast path.
import { DTYPES, storageValues } from "../dtypes.ts";
import { bf16BitsToF32, f32ToBf16Bits } from "../half.ts";
import type { F32, KernelFns } from "../kernels.ts";

export const sgemm: KernelFns["sgemm"] = (
  transA,
  transB,
  M,
  N,
  K,
  alpha,
  A,
  lda,
  B,
  ldb,
  bDtype,
  beta,
  C,
  ldc,
) => {
  const b = bDtype === "f32" ? (B as F32) : decodeAll(B, bDtype);
  for (let i = 0; i < M; i++) {
    const c = i * ldc;
    if (beta === 0) C.fill(0, c, c + N);
    else if (beta !== 1) for (let j = 0; j < N; j++) C[c + j] *= beta;
  }
  if (!transB) {
    for (let i = 0; i < M; i++) {
      const c = i * ldc;
      for (let p = 0; p < K; p++) {
        const a = alpha * (transA ? A[p * lda + i] : A[i * lda + p]);
        const r = p * ldb;
        for (let j = 0; j < N; j++) C[c + j] += a * b[r + j];
      }
    }
    return;
  }
  for (let i = 0; i < M; i++) {
    const c = i * ldc;
    for (let j = 0; j < N; j++) {
      const r = j * ldb;
      let s = 0;
      if (transA) for (let p = 0; p < K; p++) s += A[p * lda + i] * b[r + p];
      else {
        const a = i * lda;
        for (let p = 0; p < K; p++) s += A[a + p] * b[r + p];
      }
      C[c + j] += alpha * s;
    }
  }
};

/** Every value a stored buffer holds, as f32. */
function decodeAll(B: Parameters<KernelFns["sgemm"]>[8], dtype: Parameters<KernelFns["sgemm"]>[10]): F32 {
  const n = storageValues(dtype, B.length);
  const out = new Float32Array(n);
  DTYPES[dtype].toF32(B, out, n);
  return out;
}

/** x's values rounded to bf16 (nearest even), as f32. */
function roundedToBf16(x: F32): F32 {
  return x.map((v) => bf16BitsToF32(f32ToBf16Bits(v)));
}

/** sgemm on copies of A and B rounded to bf16. */
export const gemmBf16: KernelFns["gemmBf16"] = (
  transA,
  transB,
  M,
  N,
  K,
  alpha,
  A,
  lda,
  B,
  ldb,
  bDtype,
  beta,
  C,
  ldc,
) => {
  const b = decodeAll(B, bDtype);
  sgemm(transA, transB, M, N, K, alpha, roundedToBf16(A), lda, roundedToBf16(b), ldb, "f32", beta, C, ldc);
};
