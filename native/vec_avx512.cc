// AVX-512 row primitives with a polynomial exp (relative error about 2e-7, NaN/±Inf handled).
#include <immintrin.h>

// GCC 12's AVX-512 headers build their "undefined" operands from self-initialised locals, which
// -Wmaybe-uninitialized reports at every inlined use (GCC bug 105593); the warning says nothing here.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#include <cmath>

#include "vec.h"

#define TARGET __attribute__((target("avx512f,avx512dq")))

namespace lntune {

namespace {

// exp(x) = 2^n · e^r with n = round(x·log2 e), |r| <= ln2/2; e^r by a degree-7 Taylor polynomial.
// Clamping to ±200 keeps r finite for ±Inf while scalef still overflows to Inf / underflows to 0;
// max/min take the clamp as first operand so a NaN input passes through.
TARGET inline __m512 exp512(__m512 x) {
  x = _mm512_max_ps(_mm512_set1_ps(-200.0f), x);
  x = _mm512_min_ps(_mm512_set1_ps(200.0f), x);
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187e-06f), r);
  __m512 p = _mm512_set1_ps(1.0f / 5040);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

// Horizontal reductions in a fixed order.
TARGET inline float hsum(__m512 v) {
  alignas(64) float t[16];
  _mm512_store_ps(t, v);
  for (int w = 8; w > 0; w /= 2)
    for (int i = 0; i < w; i++) t[i] += t[i + w];
  return t[0];
}

TARGET inline float hmax(__m512 v) {
  alignas(64) float t[16];
  _mm512_store_ps(t, v);
  for (int w = 8; w > 0; w /= 2)
    for (int i = 0; i < w; i++) t[i] = t[i + w] > t[i] ? t[i + w] : t[i];
  return t[0];
}

TARGET inline __mmask16 tail_mask(int64_t left) {
  return left >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << left) - 1);
}

TARGET float max_row(const float* x, int64_t n) {
  __m512 m = _mm512_set1_ps(-INFINITY);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask(n - i);
    m = _mm512_mask_max_ps(m, k, m, _mm512_maskz_loadu_ps(k, x + i));
  }
  return hmax(m);
}

TARGET float exp_sum(const float* x, float shift, float* out, int64_t n) {
  const __m512 s = _mm512_set1_ps(shift);
  __m512 acc = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask(n - i);
    const __m512 e = exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(k, x + i), s));
    acc = _mm512_mask_add_ps(acc, k, acc, e);
    if (out) _mm512_mask_storeu_ps(out + i, k, e);
  }
  return hsum(acc);
}

TARGET void scale(float* x, float s, int64_t n) {
  const __m512 vs = _mm512_set1_ps(s);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask(n - i);
    _mm512_mask_storeu_ps(x + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, x + i), vs));
  }
}

TARGET float dot(const float* a, const float* b, int64_t n) {
  __m512 acc = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask(n - i);
    acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(k, a + i), _mm512_maskz_loadu_ps(k, b + i), acc);
  }
  return hsum(acc);
}

TARGET inline __m512 sigmoid512(__m512 g) {
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(one, _mm512_add_ps(one, exp512(_mm512_sub_ps(_mm512_setzero_ps(), g))));
}

TARGET void swiglu_forward(const float* gate, const float* up, float* out, int64_t n) {
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask(n - i);
    const __m512 g = _mm512_maskz_loadu_ps(k, gate + i);
    const __m512 silu = _mm512_mul_ps(g, sigmoid512(g));
    _mm512_mask_storeu_ps(out + i, k, _mm512_mul_ps(silu, _mm512_maskz_loadu_ps(k, up + i)));
  }
}

TARGET void swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                            int64_t n) {
  const __m512 one = _mm512_set1_ps(1.0f);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask(n - i);
    const __m512 g = _mm512_maskz_loadu_ps(k, gate + i);
    const __m512 d = _mm512_maskz_loadu_ps(k, dout + i);
    const __m512 sg = sigmoid512(g);
    _mm512_mask_storeu_ps(dup + i, k, _mm512_mul_ps(d, _mm512_mul_ps(g, sg)));
    // d·up·σ·(1 + g·(1 − σ))
    const __m512 t = _mm512_fmadd_ps(g, _mm512_sub_ps(one, sg), one);
    const __m512 du = _mm512_mul_ps(d, _mm512_maskz_loadu_ps(k, up + i));
    _mm512_mask_storeu_ps(dgate + i, k, _mm512_mul_ps(_mm512_mul_ps(du, sg), t));
  }
}

// σ of the GELU's inner argument: σ(1.702·x) for quick, σ(2u) for tanh (see vec.h).
TARGET inline __m512 gelu_sigmoid(__m512 x, GeluKind kind) {
  if (kind == GeluKind::Quick) return sigmoid512(_mm512_mul_ps(_mm512_set1_ps(kGeluQuick), x));
  const __m512 x2 = _mm512_mul_ps(x, x);
  const __m512 inner = _mm512_fmadd_ps(_mm512_set1_ps(kGeluTanhCoef), x2, _mm512_set1_ps(1.0f));
  return sigmoid512(_mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(2.0f * kGeluSqrt2OverPi), x), inner));
}

// The erf form stays on the scalar libm path: a vector erf accurate to f32 rounding is not worth it here.
TARGET void gelu_forward(const float* x, float* y, int64_t n, GeluKind kind) {
  if (kind == GeluKind::Erf) return vec_ops_scalar().gelu_forward(x, y, n, kind);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask(n - i);
    const __m512 v = _mm512_maskz_loadu_ps(k, x + i);
    _mm512_mask_storeu_ps(y + i, k, _mm512_mul_ps(v, gelu_sigmoid(v, kind)));
  }
}

// quick: s + 1.702·x·s·(1 − s); tanh: s + 2·x·s·(1 − s)·√(2/π)·(1 + 3·0.044715·x²).
TARGET void gelu_backward(const float* x, const float* dy, float* dx, int64_t n, GeluKind kind) {
  if (kind == GeluKind::Erf) return vec_ops_scalar().gelu_backward(x, dy, dx, n, kind);
  const __m512 one = _mm512_set1_ps(1.0f);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 k = tail_mask(n - i);
    const __m512 v = _mm512_maskz_loadu_ps(k, x + i);
    const __m512 s = gelu_sigmoid(v, kind);
    __m512 slope;
    if (kind == GeluKind::Quick) {
      slope = _mm512_set1_ps(kGeluQuick);
    } else {
      const __m512 x2 = _mm512_mul_ps(v, v);
      slope = _mm512_mul_ps(_mm512_set1_ps(2.0f * kGeluSqrt2OverPi),
                            _mm512_fmadd_ps(_mm512_set1_ps(3.0f * kGeluTanhCoef), x2, one));
    }
    const __m512 g = _mm512_fmadd_ps(_mm512_mul_ps(slope, v), _mm512_mul_ps(s, _mm512_sub_ps(one, s)), s);
    _mm512_mask_storeu_ps(dx + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, dy + i), g));
  }
}

}  // namespace

VecOps vec_ops_avx512() {
  return {max_row, exp_sum, scale, dot, swiglu_forward, swiglu_backward, gelu_forward, gelu_backward};
}

}  // namespace lntune
