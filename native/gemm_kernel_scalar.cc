// Portable microkernel for CPUs without AVX2: a 4×8 tile the compiler can keep in SSE registers.
#include "gemm_kernels.h"

namespace lntune {

namespace {

constexpr int MR = 4;
constexpr int NR = 8;

void kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, float alpha, float beta, int m,
            int n) {
  float acc[MR][NR] = {};
  for (int64_t p = 0; p < kc; p++) {
#pragma GCC unroll 4
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 8
      for (int j = 0; j < NR; j++) acc[i][j] += a[i] * b[j];
    a += MR;
    b += NR;
  }
  for (int i = 0; i < m; i++) {
    float* row = c + i * ldc;
    for (int j = 0; j < n; j++) row[j] = beta != 0.0f ? alpha * acc[i][j] + beta * row[j] : alpha * acc[i][j];
  }
}

}  // namespace

GemmKernel gemm_kernel_scalar() { return {MR, NR, 128, 256, 1024, kernel, "scalar"}; }

}  // namespace lntune
