// AVX2/FMA microkernel: 6×16 tile, 12 ymm accumulators.
#include <immintrin.h>

#include "gemm_kernels.h"

namespace lntune {

namespace {

constexpr int MR = 6;
constexpr int NR = 16;

__attribute__((target("avx2,fma"))) void kernel(int64_t kc, const float* a, const float* b, float* c,
                                                int64_t ldc, float alpha, float beta, int m, int n) {
  __m256 acc0[MR], acc1[MR];
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++) {
    acc0[i] = _mm256_setzero_ps();
    acc1[i] = _mm256_setzero_ps();
  }
  for (int64_t p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_load_ps(b);
    const __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
      acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
    }
    a += MR;
    b += NR;
  }
  const __m256 va = _mm256_set1_ps(alpha);
  const __m256 vb = _mm256_set1_ps(beta);
  if (m == MR && n == NR) {
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      float* row = c + i * ldc;
      __m256 r0 = _mm256_mul_ps(va, acc0[i]);
      __m256 r1 = _mm256_mul_ps(va, acc1[i]);
      if (beta != 0.0f) {
        r0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), r0);
        r1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), r1);
      }
      _mm256_storeu_ps(row, r0);
      _mm256_storeu_ps(row + 8, r1);
    }
    return;
  }
  // Edge tile: spill the accumulators and update only the m×n corner.
  alignas(32) float tile[MR * NR];
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++) {
    _mm256_store_ps(tile + i * NR, _mm256_mul_ps(va, acc0[i]));
    _mm256_store_ps(tile + i * NR + 8, _mm256_mul_ps(va, acc1[i]));
  }
  for (int i = 0; i < m; i++) {
    float* row = c + i * ldc;
    for (int j = 0; j < n; j++) row[j] = beta != 0.0f ? tile[i * NR + j] + beta * row[j] : tile[i * NR + j];
  }
}

}  // namespace

// The A block is 144×512 floats (288 KiB, in L2); one B micro-panel 512×16 (32 KiB, in L1/L2).
GemmKernel gemm_kernel_avx2() { return {MR, NR, 144, 512, 2048, kernel, "avx2"}; }

}  // namespace lntune
