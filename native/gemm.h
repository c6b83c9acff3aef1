// Single-precision GEMM: C = alpha·op(A)·op(B) + beta·C, row-major, with B optionally stored as bf16/f16.
#pragma once

#include <cstdint>

namespace lntune {

enum class BType { F32, BF16, F16 };

struct Gemm {
  bool trans_a = false;
  bool trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  const float* a = nullptr;
  int64_t lda = 0;
  const void* b = nullptr;
  int64_t ldb = 0;
  BType b_type = BType::F32;
  float beta = 0.0f;
  float* c = nullptr;
  int64_t ldc = 0;
};

// Splits large problems over the thread pool.
void sgemm(const Gemm& g);
// Runs on the calling thread only (for use inside other parallel kernels).
void sgemm_serial(const Gemm& g);

}  // namespace lntune
