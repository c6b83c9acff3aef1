// GEMM microkernels and their blocking. A microkernel multiplies a packed MR×kc panel of A (stored
// k-major: a[k·MR + i]) by a packed kc×NR panel of B (b[k·NR + j]) and writes the m×n corner of the
// tile to C as C = alpha·acc + beta·C; beta == 0 never reads C.
#pragma once

#include <cstdint>

#include "gemm.h"

namespace lntune {

using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha,
                             float beta, int m, int n);

struct GemmKernel {
  int mr, nr;          // register tile
  int mc, kc, nc;      // cache blocks: A block mc×kc lives in L2, B panel kc×nc in L2/L3
  MicroKernel run;
  const char* name;
};

GemmKernel gemm_kernel_avx512();
GemmKernel gemm_kernel_avx2();
GemmKernel gemm_kernel_scalar();

// The best kernel for this CPU.
const GemmKernel& gemm_kernel();

// The bf16 GEMM on CPUs with vdpbf16ps. Panels hold bf16 pairs along k: a[p·MR + i] has A[i, 2p] in its low
// half and A[i, 2p+1] in its high half (b[p·NR + j] likewise B[2p, j], B[2p+1, j]); an odd k's last pair has
// a zero high half. The microkernel runs over `pairs` pairs and accumulates in f32.
using Bf16MicroKernel = void (*)(int64_t pairs, const uint32_t* a, const uint32_t* b, float* c, int64_t ldc,
                                 float alpha, float beta, int m, int n);
// Packs `rows` rows of kc values each (row stride ld, in elements of `type`) as one panel of w pair-columns:
// out[p·w + r] = pair(src[r, 2p], src[r, 2p+1]), rows >= `rows` zero. How A and a transposed B are packed.
using PackPairsRows = void (*)(const void* src, Dtype type, int64_t ld, int rows, int64_t kc, int w,
                               uint32_t* out);
// Packs kc rows × `cols` columns (row stride ld) as one panel: out[p·w + c] = pair(src[2p, c], src[2p+1, c]),
// columns >= `cols` zero. How B and a transposed A are packed.
using PackPairsCols = void (*)(const void* src, Dtype type, int64_t ld, int64_t kc, int cols, int w,
                               uint32_t* out);

struct Bf16GemmKernel {
  int mr, nr;
  int mc, kc, nc;  // kc counts values (even), not pairs
  Bf16MicroKernel run;
  PackPairsRows pack_rows;
  PackPairsCols pack_cols;
};

Bf16GemmKernel gemm_kernel_avx512_bf16();

// GEMV: the product for at most kGemvRows rows of A with a transposed B, over C's columns [j0, j1) (gemv.h).
// kc is the blocked GEMM's kc (kc values for f32, of values in pairs for bf16), which the result matches bit for
// bit. Null where the ISA has none.
constexpr int kGemvRows = 4;
using GemvKernel = void (*)(const Gemm& g, int64_t kc, int64_t j0, int64_t j1);
GemvKernel gemv_avx512();
GemvKernel gemv_avx2();
GemvKernel gemv_avx512_bf16();
// GEMV of a block-quantised B (int8, nf4) whose rows start at a block, with A's rows prepared as X (gemv_quant.h
// says how; ldx is X's row stride): equal for any number of rows, equal to the blocked GEMM to rounding only.
// `levels` is NF4's table.
using QuantGemvKernel = void (*)(const Gemm& g, const float* x, int64_t ldx, const float* levels, int64_t j0,
                                 int64_t j1);
QuantGemvKernel gemv_quant_avx512();
QuantGemvKernel gemv_quant_avx2();

// Computes the block C[i0:i1, j0:j1] of a GEMM (k > 0) on the calling thread: f32 panels, or bf16 pairs
// (gemm_bf16.cc) when the operands are bf16 and the CPU has vdpbf16ps.
void gemm_block_f32(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1);
void gemm_block_bf16(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1);

}  // namespace lntune
