// RoPE, SwiGLU and the GELU family, parallel over chunks of elements.
#include <cmath>

#include "kernels.h"
#include "parallel.h"
#include "vec.h"

namespace lntune {

void rope(float* x, const float* cos, const float* sin, int64_t n, int64_t h, int64_t d, bool inverse) {
  const int64_t half = d / 2;
  const float sign = inverse ? -1.0f : 1.0f;
  parallel_for(n, 3.0 * h * d, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const float* c = cos + t * half;
      const float* s = sin + t * half;
      for (int64_t hh = 0; hh < h; hh++) {
        float* lo = x + (t * h + hh) * d;
        float* hi = lo + half;
        for (int64_t i = 0; i < half; i++) {
          const float a = lo[i], b = hi[i], si = sign * s[i];
          lo[i] = a * c[i] - b * si;
          hi[i] = b * c[i] + a * si;
        }
      }
    }
  });
}

void swiglu_forward(const float* gate, const float* up, float* out, int64_t n) {
  parallel_for(n, 10.0, [&](int64_t i0, int64_t i1) { vec().swiglu_forward(gate + i0, up + i0, out + i0, i1 - i0); });
}

void swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup, int64_t n) {
  parallel_for(n, 12.0, [&](int64_t i0, int64_t i1) {
    vec().swiglu_backward(gate + i0, up + i0, dout + i0, dgate + i0, dup + i0, i1 - i0);
  });
}

namespace {

constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kInvSqrt2 = 0.7071067811865476f;
constexpr float kInvSqrt2Pi = 0.3989422804014327f;
constexpr float kTanhCoef = 0.044715f;
constexpr float kQuick = 1.702f;

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

float gelu(float x, GeluKind kind) {
  switch (kind) {
    case GeluKind::Erf: return 0.5f * x * (1.0f + std::erf(x * kInvSqrt2));
    case GeluKind::Tanh: return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + kTanhCoef * x * x * x)));
    default: return x * sigmoid(kQuick * x);
  }
}

float gelu_grad(float x, GeluKind kind) {
  switch (kind) {
    case GeluKind::Erf: return 0.5f * (1.0f + std::erf(x * kInvSqrt2)) + x * std::exp(-0.5f * x * x) * kInvSqrt2Pi;
    case GeluKind::Tanh: {
      const float t = std::tanh(kSqrt2OverPi * (x + kTanhCoef * x * x * x));
      return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * kSqrt2OverPi * (1.0f + 3.0f * kTanhCoef * x * x);
    }
    default: {
      const float s = sigmoid(kQuick * x);
      return s + kQuick * x * s * (1.0f - s);
    }
  }
}

}  // namespace

void gelu_forward(const float* x, float* y, int64_t n, GeluKind kind) {
  parallel_for(n, 20.0, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) y[i] = gelu(x[i], kind);
  });
}

void gelu_backward(const float* x, const float* dy, float* dx, int64_t n, GeluKind kind) {
  parallel_for(n, 25.0, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) dx[i] = dy[i] * gelu_grad(x[i], kind);
  });
}

}  // namespace lntune
