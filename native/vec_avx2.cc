// AVX2/FMA row primitives with a polynomial exp (relative error about 2e-7, NaN/±Inf handled). Full
// vectors use plain loads and stores; only a row's last partial vector is masked.
#include <immintrin.h>

#include <cmath>

#include "vec.h"

#define TARGET __attribute__((target("avx2,fma")))

namespace lntune {

namespace {

// The lanes of the vector at i that lie inside a row of n.
struct Lanes {
  bool full;
  __m256i mask;
};

TARGET inline Lanes lanes(int64_t left) {
  if (left >= 8) return {true, _mm256_set1_epi32(-1)};
  return {false, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(left)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))};
}

TARGET inline __m256 load(const float* p, const Lanes& l) {
  return l.full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, l.mask);
}

TARGET inline void store(float* p, const Lanes& l, __m256 v) {
  if (l.full) _mm256_storeu_ps(p, v);
  else _mm256_maskstore_ps(p, l.mask, v);
}

// exp(x) = 2^n · e^r as in the AVX-512 version, but without scalef: 2^n is built in the exponent field
// as two factors 2^⌊n/2⌋ · 2^(n−⌊n/2⌋), each a normal float over the clamped range n ∈ [−150, 128], so
// overflow to Inf and gradual underflow to 0 still come out of the final products. max/min take the
// clamp as first operand so a NaN input passes through.
TARGET inline __m256 exp256(__m256 x) {
  x = _mm256_max_ps(_mm256_set1_ps(-104.0f), x);
  x = _mm256_min_ps(_mm256_set1_ps(89.0f), x);
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606765330187e-06f), r);
  __m256 p = _mm256_set1_ps(1.0f / 5040);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  const __m256 h = _mm256_floor_ps(_mm256_mul_ps(n, _mm256_set1_ps(0.5f)));
  const __m256i bias = _mm256_set1_epi32(127);
  const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(h), bias), 23));
  const __m256 s2 = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(_mm256_sub_ps(n, h)), bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

// Horizontal reductions in a fixed order.
TARGET inline float hsum(__m256 v) {
  alignas(32) float t[8];
  _mm256_store_ps(t, v);
  for (int w = 4; w > 0; w /= 2)
    for (int i = 0; i < w; i++) t[i] += t[i + w];
  return t[0];
}

TARGET inline float hmax(__m256 v) {
  alignas(32) float t[8];
  _mm256_store_ps(t, v);
  for (int w = 4; w > 0; w /= 2)
    for (int i = 0; i < w; i++) t[i] = t[i + w] > t[i] ? t[i + w] : t[i];
  return t[0];
}

TARGET float max_row(const float* x, int64_t n) {
  const __m256 lowest = _mm256_set1_ps(-INFINITY);
  __m256 m = lowest;
  for (int64_t i = 0; i < n; i += 8) {
    const Lanes l = lanes(n - i);
    const __m256 v = load(x + i, l);
    m = _mm256_max_ps(m, l.full ? v : _mm256_blendv_ps(lowest, v, _mm256_castsi256_ps(l.mask)));
  }
  return hmax(m);
}

TARGET float exp_sum(const float* x, float shift, float* out, int64_t n) {
  const __m256 s = _mm256_set1_ps(shift);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t i = 0; i < n; i += 8) {
    const Lanes l = lanes(n - i);
    const __m256 e = exp256(_mm256_sub_ps(load(x + i, l), s));
    acc = _mm256_add_ps(acc, l.full ? e : _mm256_blendv_ps(_mm256_setzero_ps(), e, _mm256_castsi256_ps(l.mask)));
    if (out) store(out + i, l, e);
  }
  return hsum(acc);
}

TARGET void scale(float* x, float s, int64_t n) {
  const __m256 vs = _mm256_set1_ps(s);
  for (int64_t i = 0; i < n; i += 8) {
    const Lanes l = lanes(n - i);
    store(x + i, l, _mm256_mul_ps(load(x + i, l), vs));
  }
}

TARGET float dot(const float* a, const float* b, int64_t n) {
  __m256 acc = _mm256_setzero_ps();
  for (int64_t i = 0; i < n; i += 8) {
    const Lanes l = lanes(n - i);
    acc = _mm256_fmadd_ps(load(a + i, l), load(b + i, l), acc);
  }
  return hsum(acc);
}

TARGET inline __m256 sigmoid256(__m256 g) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, exp256(_mm256_sub_ps(_mm256_setzero_ps(), g))));
}

TARGET void swiglu_forward(const float* gate, const float* up, float* out, int64_t n) {
  for (int64_t i = 0; i < n; i += 8) {
    const Lanes l = lanes(n - i);
    const __m256 g = load(gate + i, l);
    store(out + i, l, _mm256_mul_ps(_mm256_mul_ps(g, sigmoid256(g)), load(up + i, l)));
  }
}

TARGET void swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                            int64_t n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  for (int64_t i = 0; i < n; i += 8) {
    const Lanes l = lanes(n - i);
    const __m256 g = load(gate + i, l);
    const __m256 d = load(dout + i, l);
    const __m256 sg = sigmoid256(g);
    store(dup + i, l, _mm256_mul_ps(d, _mm256_mul_ps(g, sg)));
    // d·up·σ·(1 + g·(1 − σ))
    const __m256 t = _mm256_fmadd_ps(g, _mm256_sub_ps(one, sg), one);
    const __m256 du = _mm256_mul_ps(d, load(up + i, l));
    store(dgate + i, l, _mm256_mul_ps(_mm256_mul_ps(du, sg), t));
  }
}

// σ of the GELU's inner argument: σ(1.702·x) for quick, σ(2u) for tanh (see vec.h).
TARGET inline __m256 gelu_sigmoid(__m256 x, GeluKind kind) {
  if (kind == GeluKind::Quick) return sigmoid256(_mm256_mul_ps(_mm256_set1_ps(kGeluQuick), x));
  const __m256 x2 = _mm256_mul_ps(x, x);
  const __m256 inner = _mm256_fmadd_ps(_mm256_set1_ps(kGeluTanhCoef), x2, _mm256_set1_ps(1.0f));
  return sigmoid256(_mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(2.0f * kGeluSqrt2OverPi), x), inner));
}

// The erf form stays on the scalar libm path: a vector erf accurate to f32 rounding is not worth it here.
TARGET void gelu_forward(const float* x, float* y, int64_t n, GeluKind kind) {
  if (kind == GeluKind::Erf) return vec_ops_scalar().gelu_forward(x, y, n, kind);
  for (int64_t i = 0; i < n; i += 8) {
    const Lanes l = lanes(n - i);
    const __m256 v = load(x + i, l);
    store(y + i, l, _mm256_mul_ps(v, gelu_sigmoid(v, kind)));
  }
}

// quick: s + 1.702·x·s·(1 − s); tanh: s + 2·x·s·(1 − s)·√(2/π)·(1 + 3·0.044715·x²).
TARGET void gelu_backward(const float* x, const float* dy, float* dx, int64_t n, GeluKind kind) {
  if (kind == GeluKind::Erf) return vec_ops_scalar().gelu_backward(x, dy, dx, n, kind);
  const __m256 one = _mm256_set1_ps(1.0f);
  for (int64_t i = 0; i < n; i += 8) {
    const Lanes l = lanes(n - i);
    const __m256 v = load(x + i, l);
    const __m256 s = gelu_sigmoid(v, kind);
    __m256 slope;
    if (kind == GeluKind::Quick) {
      slope = _mm256_set1_ps(kGeluQuick);
    } else {
      const __m256 x2 = _mm256_mul_ps(v, v);
      slope = _mm256_mul_ps(_mm256_set1_ps(2.0f * kGeluSqrt2OverPi),
                            _mm256_fmadd_ps(_mm256_set1_ps(3.0f * kGeluTanhCoef), x2, one));
    }
    const __m256 g = _mm256_fmadd_ps(_mm256_mul_ps(slope, v), _mm256_mul_ps(s, _mm256_sub_ps(one, s)), s);
    store(dx + i, l, _mm256_mul_ps(load(dy + i, l), g));
  }
}

}  // namespace

VecOps vec_ops_avx2() {
  return {max_row, exp_sum, scale, dot, swiglu_forward, swiglu_backward, gelu_forward, gelu_backward};
}

}  // namespace lntune
