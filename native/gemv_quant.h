// The GEMV of a block-quantised B (int8, nf4; quant.cc gives the formats) written once over a vector trait S:
// C = alpha·X·Bᵀ + beta·C for at most kGemvRows rows X and B stored [N, K], over C's columns [j0, j1). Decoding
// is memory-bound, so each row of B is read once and its blocks decoded in registers, never written out: a
// block's codes times the rows of X summed in k-lanes, each block's sums times the block's scale, the lanes added
// at the end. That order is not the blocked GEMM's (which multiplies the decoded values, code times scale, one k
// at a time), so the result matches it to rounding only; it is the same for any number of rows, since each row's
// sums are formed alone.
//
// X is prepared by the caller (gemm.cc): each row of A zero-padded to whole blocks, and for nf4 reordered within
// every 32 values as the bytes hold them, the 16 high nibbles' values (even k) then the 16 low ones' (odd k), so
// that a byte's two codes meet their values without a shuffle.
#pragma once

#include "simd_common.h"

namespace lntune {
namespace {

// Adds one block's sums times its scale to acc; x[r] points at the block's values of row r.
template <class S, Dtype T, int M>
void gemv_quant_block(const uint8_t* s, const float* const x[M], const typename S::Table& table,
                      typename S::V acc[M]) {
  using V = typename S::V;
  constexpr int W = S::W;
  const auto full = S::mask(W);
  V sum[M];
#pragma GCC unroll 4
  for (int r = 0; r < M; r++) sum[r] = S::zero();
  if constexpr (T == Dtype::INT8) {
#pragma GCC unroll 4
    for (int i = 0; i < 32; i += W) {
      const V codes = S::load_i8(s + 4 + i);
#pragma GCC unroll 4
      for (int r = 0; r < M; r++) sum[r] = S::fmadd(codes, S::load(x[r] + i, full), sum[r]);
    }
  } else {
    // 32 bytes: each 16 hold the codes of 32 values, high nibbles at x[32c + i], low ones at x[32c + 16 + i].
#pragma GCC unroll 4
    for (int i = 0; i < 32; i += W) {
      const int at = (i / 16) * 32 + i % 16;
      V hi, lo;
      S::nibble_levels(table, s + 4 + i, hi, lo);
#pragma GCC unroll 4
      for (int r = 0; r < M; r++) {
        sum[r] = S::fmadd(hi, S::load(x[r] + at, full), sum[r]);
        sum[r] = S::fmadd(lo, S::load(x[r] + at + 16, full), sum[r]);
      }
    }
  }
  float scale;
  std::memcpy(&scale, s, 4);
  const V vs = S::set1(scale);
#pragma GCC unroll 4
  for (int r = 0; r < M; r++) acc[r] = S::fmadd(vs, sum[r], acc[r]);
}

// ldx: the stride of X's rows, a whole number of blocks.
template <class S, Dtype T, int M>
void gemv_quant_rows(const Gemm& g, const float* xs, int64_t ldx, const float* levels, int64_t j0, int64_t j1) {
  using V = typename S::V;
  constexpr int64_t bs = T == Dtype::INT8 ? 32 : 64;  // values per 36-byte block: f32 scale, then codes
  constexpr int64_t bytes = 36;
  const auto table = S::nf4_table(levels);
  const int64_t blocks = (g.k + bs - 1) / bs;
  const uint8_t* base = static_cast<const uint8_t*>(g.b);
  for (int64_t j = j0; j < j1; j++) {
    const uint8_t* s = base + j * (g.ldb / bs) * bytes;
    V acc[M];
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) acc[r] = S::zero();
    for (int64_t blk = 0; blk < blocks; blk++, s += bytes) {
      const float* x[M];
#pragma GCC unroll 4
      for (int r = 0; r < M; r++) x[r] = xs + r * ldx + blk * bs;
      gemv_quant_block<S, T, M>(s, x, table, acc);
    }
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) {
      float* c = g.c + r * g.ldc + j;
      const float out = g.alpha * S::hsum(acc[r]);
      *c = g.beta == 0.0f ? out : g.beta * *c + out;
    }
  }
}

template <class S, Dtype T>
void gemv_quant_type(const Gemm& g, const float* x, int64_t ldx, const float* levels, int64_t j0, int64_t j1) {
  static_assert(kGemvRows == 4);
  switch (g.m) {
    case 1: return gemv_quant_rows<S, T, 1>(g, x, ldx, levels, j0, j1);
    case 2: return gemv_quant_rows<S, T, 2>(g, x, ldx, levels, j0, j1);
    case 3: return gemv_quant_rows<S, T, 3>(g, x, ldx, levels, j0, j1);
    default: return gemv_quant_rows<S, T, 4>(g, x, ldx, levels, j0, j1);
  }
}

template <class S>
void gemv_quant(const Gemm& g, const float* x, int64_t ldx, const float* levels, int64_t j0, int64_t j1) {
  if (g.b_type == Dtype::INT8) return gemv_quant_type<S, Dtype::INT8>(g, x, ldx, levels, j0, j1);
  return gemv_quant_type<S, Dtype::NF4>(g, x, ldx, levels, j0, j1);
}

}  // namespace
}  // namespace lntune
