// Single-precision GEMM: C = alpha·op(A)·op(B) + beta·C, row-major, with B optionally stored as bf16/f16.
#pragma once

#include <cstdint>

#include "dtypes.generated.h"

namespace lntune {

struct Gemm {
  bool trans_a = false;
  bool trans_b = false;
  int64_t m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  const float* a = nullptr;
  int64_t lda = 0;
  const void* b = nullptr;
  int64_t ldb = 0;
  Dtype b_type = Dtype::F32;
  float beta = 0.0f;
  float* c = nullptr;
  int64_t ldc = 0;
};

// Splits large problems over the thread pool (the kernel sgemm of kernels.generated.h calls this).
void sgemm(const Gemm& g);
// Runs on the calling thread only (for use inside other parallel kernels).
void sgemm_serial(const Gemm& g);

}  // namespace lntune
