// The GEMV of gemm_kernels.h written once over a vector trait S (see simd_common.h): C = alpha·A·Bᵀ + beta·C
// for a few rows of A and B stored [N, K] (a weight, as decoding multiplies it), over columns [j0, j1). Each
// group of W rows of B is read once, a block of each row at a time transposed in registers, so lane j
// accumulates column j over k one product at a time, in the GEMM's kc blocks, exactly as the microkernel does:
// the result is bit for bit the blocked GEMM's, without its packing.
#pragma once

#include "simd_common.h"

namespace lntune {
namespace {

// Writes C's row r at columns [jb, jb + n) of one kc block: alpha·acc + beta·C, as the microkernel's store.
template <class S>
void store_row(const Gemm& g, int64_t pc, int r, int64_t jb, int n, typename S::V acc) {
  using V = typename S::V;
  const float beta = pc == 0 ? g.beta : 1.0f;
  float* row = g.c + r * g.ldc + jb;
  const auto keep = S::mask(n);
  V out = S::mul(S::set1(g.alpha), acc);
  if (beta != 0.0f) out = S::fmadd(S::set1(beta), S::load(row, keep), out);
  S::store(row, keep, out);
}

// M: the rows of A, a template parameter so the accumulators stay in registers. f32 rows are transposed W
// values at a time; 16-bit rows 2·W values at a time as W lanes of pairs (a whole cache line per row on
// AVX-512), each transposed vector then widened into its even and odd k.
template <class S, Dtype T, int M>
void gemv_t(const Gemm& g, int64_t kc_block, int64_t j0, int64_t j1) {
  using V = typename S::V;
  using Elem = std::conditional_t<T == Dtype::F32, float, uint16_t>;
  constexpr int W = S::W;
  constexpr int step = T == Dtype::F32 ? W : 2 * W;  // values of a row per transposed block
  const Elem* b = static_cast<const Elem*>(g.b);
  const auto a_at = [&](int r, int64_t p) { return g.trans_a ? g.a[p * g.lda + r] : g.a[r * g.lda + p]; };
  for (int64_t jb = j0; jb < j1; jb += W) {
    const int n = static_cast<int>(std::min<int64_t>(W, j1 - jb));
    for (int64_t pc = 0; pc < g.k; pc += kc_block) {
      const int64_t kc = std::min<int64_t>(kc_block, g.k - pc);
      V acc[M];
#pragma GCC unroll 8
      for (int r = 0; r < M; r++) acc[r] = S::zero();
      for (int64_t p0 = 0; p0 < kc; p0 += step) {
        const int kn = static_cast<int>(std::min<int64_t>(step, kc - p0));
        const Elem* src = b + jb * g.ldb + pc + p0;
        V v[W];
        if constexpr (T == Dtype::F32) {
#pragma GCC unroll 16
          for (int i = 0; i < W; i++) v[i] = i < n ? S::template load_as_f32<T>(src + i * g.ldb, kn) : S::zero();
          S::transpose(v);
          for (int p = 0; p < kn; p++)
#pragma GCC unroll 8
            for (int r = 0; r < M; r++) acc[r] = S::fmadd(S::set1(a_at(r, pc + p0 + p)), v[p], acc[r]);
        } else {
#pragma GCC unroll 16
          for (int i = 0; i < W; i++) v[i] = i < n ? S::load_pairs(src + i * g.ldb, kn) : S::zero();
          S::transpose(v);
          for (int p = 0; 2 * p < kn; p++) {
            V even, odd;
            S::template split_pairs<T>(v[p], even, odd);
            const int64_t k0 = pc + p0 + 2 * p;
#pragma GCC unroll 8
            for (int r = 0; r < M; r++) acc[r] = S::fmadd(S::set1(a_at(r, k0)), even, acc[r]);
            if (2 * p + 1 < kn)
#pragma GCC unroll 8
              for (int r = 0; r < M; r++) acc[r] = S::fmadd(S::set1(a_at(r, k0 + 1)), odd, acc[r]);
          }
        }
      }
#pragma GCC unroll 8
      for (int r = 0; r < M; r++) store_row<S>(g, pc, r, jb, n, acc[r]);
    }
  }
}

template <class S, Dtype T>
void gemv_rows(const Gemm& g, int64_t kc_block, int64_t j0, int64_t j1) {
  static_assert(kGemvRows == 4);
  switch (g.m) {
    case 1: return gemv_t<S, T, 1>(g, kc_block, j0, j1);
    case 2: return gemv_t<S, T, 2>(g, kc_block, j0, j1);
    case 3: return gemv_t<S, T, 3>(g, kc_block, j0, j1);
    default: return gemv_t<S, T, 4>(g, kc_block, j0, j1);
  }
}

template <class S>
void gemv(const Gemm& g, int64_t kc_block, int64_t j0, int64_t j1) {
  switch (g.b_type) {
    case Dtype::F32: return gemv_rows<S, Dtype::F32>(g, kc_block, j0, j1);
    case Dtype::BF16: return gemv_rows<S, Dtype::BF16>(g, kc_block, j0, j1);
    case Dtype::F16: return gemv_rows<S, Dtype::F16>(g, kc_block, j0, j1);
    default: return;  // quantised B reaches the kernels decoded to f32
  }
}

}  // namespace
}  // namespace lntune
