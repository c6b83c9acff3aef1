// AVX-512 microkernel: 14×32 tile, 28 zmm accumulators + 2 for B + 1 broadcast of A.
#include <immintrin.h>

#include "gemm_kernels.h"

namespace lntune {

namespace {

constexpr int MR = 14;
constexpr int NR = 32;

__attribute__((target("avx512f"))) void kernel(int64_t kc, const float* a, const float* b, float* c,
                                               int64_t ldc, float alpha, float beta, int m, int n) {
  __m512 acc0[MR], acc1[MR];
#pragma GCC unroll 14
  for (int i = 0; i < MR; i++) {
    acc0[i] = _mm512_setzero_ps();
    acc1[i] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_load_ps(b);
    const __m512 b1 = _mm512_load_ps(b + 16);
    _mm_prefetch(reinterpret_cast<const char*>(a + 8 * MR), _MM_HINT_T0);
#pragma GCC unroll 14
    for (int i = 0; i < MR; i++) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
      acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
    }
    a += MR;
    b += NR;
  }
  const __mmask16 k0 = n >= 16 ? 0xffff : static_cast<__mmask16>((1u << n) - 1);
  const __mmask16 k1 = n >= 32 ? 0xffff : n <= 16 ? 0 : static_cast<__mmask16>((1u << (n - 16)) - 1);
  const __m512 va = _mm512_set1_ps(alpha);
  const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 14
  for (int i = 0; i < MR; i++) {
    if (i >= m) break;
    float* row = c + i * ldc;
    __m512 r0 = _mm512_mul_ps(va, acc0[i]);
    __m512 r1 = _mm512_mul_ps(va, acc1[i]);
    if (beta != 0.0f) {
      r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k0, row), r0);
      r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k1, row + 16), r1);
    }
    _mm512_mask_storeu_ps(row, k0, r0);
    _mm512_mask_storeu_ps(row + 16, k1, r1);
  }
}

}  // namespace

// Blocking for a 1 MiB L2: a deep kc (few passes over C, which outgrows L2 on large shapes) with the
// A block (84×1024 floats, 336 KiB) and one B micro-panel (1024×32, 128 KiB) together well inside L2.
GemmKernel gemm_kernel_avx512() { return {MR, NR, 84, 1024, 2048, kernel, "avx512"}; }

}  // namespace lntune
