// Portable row primitives (also the reference the vector versions are checked against).
#include <cmath>

#include "cpu.h"
#include "vec.h"

namespace lntune {

namespace {

constexpr float kInvSqrt2 = 0.7071067811865476f;
constexpr float kInvSqrt2Pi = 0.3989422804014327f;

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

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

float gelu(float x, GeluKind kind) {
  switch (kind) {
    case GeluKind::Erf: return 0.5f * x * (1.0f + std::erf(x * kInvSqrt2));
    case GeluKind::Tanh:
      return 0.5f * x * (1.0f + std::tanh(kGeluSqrt2OverPi * (x + kGeluTanhCoef * x * x * x)));
    default: return x * sigmoid(kGeluQuick * x);
  }
}

float gelu_grad(float x, GeluKind kind) {
  switch (kind) {
    case GeluKind::Erf: return 0.5f * (1.0f + std::erf(x * kInvSqrt2)) + x * std::exp(-0.5f * x * x) * kInvSqrt2Pi;
    case GeluKind::Tanh: {
      const float t = std::tanh(kGeluSqrt2OverPi * (x + kGeluTanhCoef * x * x * x));
      return 0.5f * (1.0f + t) +
             0.5f * x * (1.0f - t * t) * kGeluSqrt2OverPi * (1.0f + 3.0f * kGeluTanhCoef * x * x);
    }
    default: {
      const float s = sigmoid(kGeluQuick * x);
      return s + kGeluQuick * x * s * (1.0f - s);
    }
  }
}

void gelu_forward(const float* x, float* y, int64_t n, GeluKind kind) {
  for (int64_t i = 0; i < n; i++) y[i] = gelu(x[i], kind);
}

void gelu_backward(const float* x, const float* dy, float* dx, int64_t n, GeluKind kind) {
  for (int64_t i = 0; i < n; i++) dx[i] = dy[i] * gelu_grad(x[i], kind);
}

}  // namespace

VecOps vec_ops_scalar() {
  return {max_row, exp_sum, scale, dot, swiglu_forward, swiglu_backward, gelu_forward, gelu_backward};
}

const VecOps& vec() {
  static const VecOps ops = [] {
    switch (detected_isa()) {
      case Isa::Avx512: return vec_ops_avx512();
      case Isa::Avx2: return vec_ops_avx2();
      default: return vec_ops_scalar();
    }
  }();
  return ops;
}

}  // namespace lntune
