// Row primitives shared by the softmax-like kernels, with one implementation per ISA chosen at run time.
// Sums are accumulated in f32 lanes and combined in a fixed order, so results are deterministic.
#pragma once

#include <cstdint>

namespace lntune {

struct VecOps {
  float (*max)(const float* x, int64_t n);
  // out[i] = exp(x[i] - shift) (out may alias x, or be null to only sum); returns Σ exp(x[i] - shift).
  float (*exp_sum)(const float* x, float shift, float* out, int64_t n);
  void (*scale)(float* x, float s, int64_t n);
  float (*dot)(const float* a, const float* b, int64_t n);
  // out = silu(gate)·up
  void (*swiglu_forward)(const float* gate, const float* up, float* out, int64_t n);
  void (*swiglu_backward)(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                          int64_t n);
};

VecOps vec_ops_scalar();
VecOps vec_ops_avx512();

const VecOps& vec();

}  // namespace lntune
