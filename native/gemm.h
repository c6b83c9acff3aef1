// GEMM with f32 accumulation: C = alpha·op(A)·op(B) + beta·C, row-major, with B optionally stored as bf16/f16,
// and the operands optionally rounded to bf16 first (the bf16 compute of the gemm_bf16 kernel).
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
  // Both operands' values rounded to bf16 (nearest even) before they are multiplied.
  bool bf16 = false;
  float beta = 0.0f;
  float* c = nullptr;
  int64_t ldc = 0;
};

// Splits large problems over the thread pool (the kernel sgemm of kernels.generated.h calls this).
void sgemm(const Gemm& g);
// Runs on the calling thread only (for use inside other parallel kernels).
void sgemm_serial(const Gemm& g);

}  // namespace lntune
