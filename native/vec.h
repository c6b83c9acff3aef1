// Row primitives shared by the kernels, with one implementation per ISA (the templates of vec_rows.h over a
// vector trait, instantiated in avx512.cc, avx2.cc and scalar.cc) chosen at run time. Sums are accumulated in
// vector lanes and combined in a fixed order, so results are deterministic.
#pragma once

#include <cstdint>

#include "kernels.generated.h"

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
  // out[i] = a[i·sa] op b[i·sb] for strides sa, sb of 0 or 1.
  void (*binary)(BinaryOp op, const float* a, int64_t sa, const float* b, int64_t sb, float* out, int64_t n);
  // ga[i·sa] += g[i]·∂(a op b)/∂a and gb[i·sb] += g[i]·∂(a op b)/∂b (a null target is skipped); strides 0 or
  // 1, a zero stride summing the row's contributions into one element.
  void (*binary_grad)(BinaryOp op, const float* g, const float* a, int64_t sa, const float* b, int64_t sb,
                      float* ga, float* gb, int64_t n);
  // y[i] = x[i]·alpha computed in double and rounded once; y may be x.
  void (*scale_f64)(const float* x, float* y, int64_t n, double alpha);
  // dst[i] += src[i]
  void (*accumulate)(float* dst, const float* src, int64_t n);
  // acc[i] += x[i], in double.
  void (*add_f64)(const float* x, double* acc, int64_t n);
  // Σ x[i] and Σ x[i]², in double.
  double (*sum_f64)(const float* x, int64_t n);
  double (*sum_sq_f64)(const float* x, int64_t n);
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
