// The GEMM microkernel of gemm_kernels.h written once over a vector trait S (see simd_common.h): an MR×NR
// tile, NR = 2 vectors, kept in 2·MR accumulators.
#pragma once

#include "simd_common.h"

namespace lntune {
namespace {

// Writes the m×n corner of an accumulated tile to C as C = alpha·acc + beta·C (beta == 0 never reads C).
template <class S, int MR>
void store_tile(const typename S::V* acc0, const typename S::V* acc1, float* c, int64_t ldc, float alpha,
                float beta, int m, int n) {
  using V = typename S::V;
  constexpr int W = S::W;
  const V va = S::set1(alpha);
  const V vb = S::set1(beta);
  // Edge tiles update only the m×n corner.
  const auto k0 = S::mask(n);
  const auto k1 = S::mask(n - W);
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    if (i >= m) break;
    float* row = c + i * ldc;
    V r0 = S::mul(va, acc0[i]);
    V r1 = S::mul(va, acc1[i]);
    if (beta != 0.0f) {
      r0 = S::fmadd(vb, S::load(row, k0), r0);
      r1 = S::fmadd(vb, S::load(row + W, k1), r1);
    }
    S::store(row, k0, r0);
    S::store(row + W, k1, r1);
  }
}

template <class S, int MR>
void microkernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta, int m,
                 int n) {
  using V = typename S::V;
  constexpr int W = S::W;
  constexpr int NR = 2 * W;
  V acc0[MR], acc1[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    acc0[i] = S::zero();
    acc1[i] = S::zero();
  }
  for (int64_t p = 0; p < kc; p++) {
    const V b0 = S::load_aligned(b);
    const V b1 = S::load_aligned(b + W);
    S::prefetch(a + 8 * MR);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const V ai = S::set1(a[i]);
      acc0[i] = S::fmadd(ai, b0, acc0[i]);
      acc1[i] = S::fmadd(ai, b1, acc1[i]);
    }
    a += MR;
    b += NR;
  }
  store_tile<S, MR>(acc0, acc1, c, ldc, alpha, beta, m, n);
}

}  // namespace
}  // namespace lntune
