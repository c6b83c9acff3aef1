// GEMM microkernels and their blocking. A microkernel multiplies a packed MR×kc panel of A (stored
// k-major: a[k·MR + i]) by a packed kc×NR panel of B (b[k·NR + j]) and writes the m×n corner of the
// tile to C as C = alpha·acc + beta·C; beta == 0 never reads C.
#pragma once

#include <cstdint>

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

}  // namespace lntune
