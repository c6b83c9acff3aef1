// Row primitives shared by the softmax-like and activation kernels, with one implementation per ISA
// chosen at run time. Sums are accumulated in f32 lanes and combined in a fixed order, so results are
// deterministic.
#pragma once

#include <cstdint>

#include "gelu_kind.h"

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
  // y = gelu(x); dx = dy·gelu'(x)
  void (*gelu_forward)(const float* x, float* y, int64_t n, GeluKind kind);
  void (*gelu_backward)(const float* x, const float* dy, float* dx, int64_t n, GeluKind kind);
};

VecOps vec_ops_scalar();
VecOps vec_ops_avx2();
VecOps vec_ops_avx512();

const VecOps& vec();

// GELU constants; the tanh form is evaluated as x·σ(2u), u = √(2/π)·(x + 0.044715·x³), since
// 0.5·(1 + tanh(u)) = σ(2u): one exp and no cancellation near 0.
constexpr float kGeluSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluTanhCoef = 0.044715f;
constexpr float kGeluQuick = 1.702f;

}  // namespace lntune
