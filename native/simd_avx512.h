// The AVX-512 vector trait: 16 f32 lanes, mask registers for row tails (see simd_common.h for the rules).
#pragma once

#include "simd_common.h"

namespace lntune {
namespace {

struct Avx512 {
  using V = __m512;
  using M = __mmask16;
  using D = __m512d;  // 8 double lanes: half a V
  static constexpr int W = 16;

  // The lanes of a row's vector with `left` values still to go.
  static M mask(int64_t left) {
    return left >= 16 ? static_cast<M>(0xffff) : left <= 0 ? static_cast<M>(0) : static_cast<M>((1u << left) - 1);
  }
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V load_aligned(const float* p) { return _mm512_load_ps(p); }
  // Lanes outside m read as `fill` (and touch no memory).
  static V load(const float* p, M m, V fill = _mm512_setzero_ps()) { return _mm512_mask_loadu_ps(fill, m, p); }
  static void store(float* p, M m, V v) { _mm512_mask_storeu_ps(p, m, v); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm512_fnmadd_ps(a, b, c); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  // m ? a : b, lane by lane.
  static V select(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }

  // exp(x) = 2^n · e^r (simd_common.h), 2^n applied by scalef. Clamping to ±200 keeps r finite for ±Inf while
  // scalef still overflows to Inf and underflows to 0; max/min take the clamp as first operand so a NaN input
  // passes through.
  static V exp(V x) {
    x = _mm512_max_ps(_mm512_set1_ps(-200.0f), x);
    x = _mm512_min_ps(_mm512_set1_ps(200.0f), x);
    const V n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    return _mm512_scalef_ps(exp_taylor<Avx512>(x, n), n);
  }

  // Horizontal reductions in a fixed order.
  static float hsum(V v) {
    alignas(64) float t[16];
    _mm512_store_ps(t, v);
    for (int w = 8; w > 0; w /= 2)
      for (int i = 0; i < w; i++) t[i] += t[i + w];
    return t[0];
  }
  static float hmax(V v) {
    alignas(64) float t[16];
    _mm512_store_ps(t, v);
    for (int w = 8; w > 0; w /= 2)
      for (int i = 0; i < w; i++) t[i] = t[i + w] > t[i] ? t[i + w] : t[i];
    return t[0];
  }

  static D dzero() { return _mm512_setzero_pd(); }
  static D dadd(D a, D b) { return _mm512_add_pd(a, b); }
  static D dfmadd(D a, D b, D c) { return _mm512_fmadd_pd(a, b, c); }
  static D lo(V v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
  static D hi(V v) { return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1))); }
  static double dhsum(D v) {
    alignas(64) double t[8];
    _mm512_store_pd(t, v);
    for (int w = 4; w > 0; w /= 2)
      for (int i = 0; i < w; i++) t[i] += t[i + w];
    return t[0];
  }

  // Loads the first n (<= 16) values stored as T as f32, zero elsewhere.
  template <Dtype T>
  static V load_as_f32(const void* p, int n) {
    const M k = mask(n);
    if constexpr (T == Dtype::F32) {
      return _mm512_maskz_loadu_ps(k, p);
    } else {
      const __m256i h = _mm256_maskz_loadu_epi16(k, p);
      if constexpr (T == Dtype::F16) return _mm512_cvtph_ps(h);
      // bf16 is the top half of an f32.
      return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    }
  }

  // The first n (<= 32) 16-bit values at p, two to a 32-bit lane (zero past n).
  static V load_pairs(const void* p, int n) {
    const __mmask32 k = n >= 32 ? ~__mmask32{0} : n <= 0 ? __mmask32{0} : static_cast<__mmask32>((1u << n) - 1);
    return _mm512_castsi512_ps(_mm512_maskz_loadu_epi16(k, p));
  }

  // The f32 values of a vector of 16-bit pairs stored as T (bf16 or f16): the low halves and the high halves.
  template <Dtype T>
  static void split_pairs(V pairs, V& lo, V& hi) {
    const __m512i x = _mm512_castps_si512(pairs);
    if constexpr (T == Dtype::BF16) {
      lo = _mm512_castsi512_ps(_mm512_slli_epi32(x, 16));
      hi = _mm512_castsi512_ps(_mm512_and_si512(x, _mm512_set1_epi32(static_cast<int>(0xffff0000u))));
    } else {
      lo = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(x));
      hi = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(x, 16)));
    }
  }

  // 16 int8 values at p as f32.
  static V load_i8(const void* p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(p))));
  }

  // A table of 16 f32 values, and the values at the 16 four-bit indices of the 8 bytes at p (high nibble
  // first).
  using Table = V;
  static Table nf4_table(const float* levels) { return _mm512_loadu_ps(levels); }
  static V lookup_nibbles(const Table& t, const uint8_t* p) {
    const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    const __m128i low = _mm_set1_epi8(0x0f);
    const __m128i idx = _mm_unpacklo_epi8(_mm_and_si128(_mm_srli_epi16(x, 4), low), _mm_and_si128(x, low));
    return _mm512_permutexvar_ps(_mm512_cvtepu8_epi32(idx), t);
  }

  // The values of the high and of the low nibbles of the 16 bytes at p (vpermps reads an index's low 4 bits).
  static void nibble_levels(const Table& t, const uint8_t* p, V& hi, V& lo) {
    const __m512i b = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    hi = _mm512_permutexvar_ps(_mm512_srli_epi32(b, 4), t);
    lo = _mm512_permutexvar_ps(b, t);
  }

  // In place: v[c] becomes column c of the 16×16 matrix whose rows are v[0..15].
  static void transpose(V v[16]) {
    V a[16], b[16];
    for (int i = 0; i < 16; i += 2) {
      a[i] = _mm512_unpacklo_ps(v[i], v[i + 1]);
      a[i + 1] = _mm512_unpackhi_ps(v[i], v[i + 1]);
    }
    // b[4g + j], 128-bit lane l: column 4l + j of rows 4g .. 4g+3.
    for (int g = 0; g < 16; g += 4) {
      b[g] = _mm512_shuffle_ps(a[g], a[g + 2], 0x44);
      b[g + 1] = _mm512_shuffle_ps(a[g], a[g + 2], 0xee);
      b[g + 2] = _mm512_shuffle_ps(a[g + 1], a[g + 3], 0x44);
      b[g + 3] = _mm512_shuffle_ps(a[g + 1], a[g + 3], 0xee);
    }
    for (int j = 0; j < 4; j++) {
      const V e0 = _mm512_shuffle_f32x4(b[j], b[4 + j], 0x88);
      const V e1 = _mm512_shuffle_f32x4(b[j], b[4 + j], 0xdd);
      const V f0 = _mm512_shuffle_f32x4(b[8 + j], b[12 + j], 0x88);
      const V f1 = _mm512_shuffle_f32x4(b[8 + j], b[12 + j], 0xdd);
      v[j] = _mm512_shuffle_f32x4(e0, f0, 0x88);
      v[8 + j] = _mm512_shuffle_f32x4(e0, f0, 0xdd);
      v[4 + j] = _mm512_shuffle_f32x4(e1, f1, 0x88);
      v[12 + j] = _mm512_shuffle_f32x4(e1, f1, 0xdd);
    }
  }

  static void prefetch(const void* p) { _mm_prefetch(static_cast<const char*>(p), _MM_HINT_T0); }

};

}  // namespace
}  // namespace lntune
