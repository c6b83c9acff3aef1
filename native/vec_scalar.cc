// Portable row primitives (also the reference the vector versions are checked against).
#include <cmath>

#include "cpu.h"
#include "vec.h"

namespace lntune {

namespace {

float max_row(const float* x, int64_t n) {
  float m = -INFINITY;
  for (int64_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

float exp_sum(const float* x, float shift, float* out, int64_t n) {
  float s = 0.0f;
  for (int64_t i = 0; i < n; i++) {
    const float e = std::exp(x[i] - shift);
    if (out) out[i] = e;
    s += e;
  }
  return s;
}

void scale(float* x, float s, int64_t n) {
  for (int64_t i = 0; i < n; i++) x[i] *= s;
}

float dot(const float* a, const float* b, int64_t n) {
  float s = 0.0f;
  for (int64_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

void swiglu_forward(const float* gate, const float* up, float* out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

void swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                     int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const float g = gate[i];
    const float sg = 1.0f / (1.0f + std::exp(-g));
    const float d = dout[i];
    dup[i] = d * g * sg;
    dgate[i] = d * up[i] * sg * (1.0f + g * (1.0f - sg));
  }
}

}  // namespace

VecOps vec_ops_scalar() { return {max_row, exp_sum, scale, dot, swiglu_forward, swiglu_backward}; }

const VecOps& vec() {
  static const VecOps ops = detected_isa() == Isa::Avx512 ? vec_ops_avx512() : vec_ops_scalar();
  return ops;
}

}  // namespace lntune
