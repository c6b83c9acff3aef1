// The AVX2/FMA vector trait: 8 f32 lanes; full vectors use plain loads and stores, only a row's last partial
// vector is masked (see simd_common.h for the rules).
#pragma once

#include "simd_common.h"

namespace lntune {
namespace {

struct Avx2 {
  using V = __m256;
  using D = __m256d;  // 4 double lanes: half a V
  static constexpr int W = 8;

  // The lanes of a row's vector with `left` values still to go.
  struct M {
    bool full;
    __m256i bits;
  };
  static M mask(int64_t left) {
    if (left >= 8) return {true, _mm256_set1_epi32(-1)};
    const int l = left <= 0 ? 0 : static_cast<int>(left);
    return {false, _mm256_cmpgt_epi32(_mm256_set1_epi32(l), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))};
  }
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V load_aligned(const float* p) { return _mm256_load_ps(p); }
  // Lanes outside m read as `fill` (and touch no memory).
  static V load(const float* p, const M& m, V fill = _mm256_setzero_ps()) {
    if (m.full) return _mm256_loadu_ps(p);
    return _mm256_blendv_ps(fill, _mm256_maskload_ps(p, m.bits), _mm256_castsi256_ps(m.bits));
  }
  static void store(float* p, const M& m, V v) {
    if (m.full) _mm256_storeu_ps(p, v);
    else _mm256_maskstore_ps(p, m.bits, v);
  }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V fnmadd(V a, V b, V c) { return _mm256_fnmadd_ps(a, b, c); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  // m ? a : b, lane by lane.
  static V select(const M& m, V a, V b) { return m.full ? a : _mm256_blendv_ps(b, a, _mm256_castsi256_ps(m.bits)); }

  // exp(x) = 2^n · e^r (simd_common.h) without scalef: 2^n is built in the exponent field as two factors
  // 2^⌊n/2⌋ · 2^(n−⌊n/2⌋), each a normal float over the clamped range n ∈ [−150, 128], so overflow to Inf and
  // gradual underflow to 0 still come out of the final products. max/min take the clamp as first operand so
  // a NaN input passes through.
  static V exp(V x) {
    x = _mm256_max_ps(_mm256_set1_ps(-104.0f), x);
    x = _mm256_min_ps(_mm256_set1_ps(89.0f), x);
    const V n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    const V p = exp_taylor<Avx2>(x, n);
    const V h = _mm256_floor_ps(_mm256_mul_ps(n, _mm256_set1_ps(0.5f)));
    const __m256i bias = _mm256_set1_epi32(127);
    const V s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(h), bias), 23));
    const V s2 = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(_mm256_sub_ps(n, h)), bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
  }

  // Horizontal reductions in a fixed order.
  static float hsum(V v) {
    alignas(32) float t[8];
    _mm256_store_ps(t, v);
    for (int w = 4; w > 0; w /= 2)
      for (int i = 0; i < w; i++) t[i] += t[i + w];
    return t[0];
  }
  static float hmax(V v) {
    alignas(32) float t[8];
    _mm256_store_ps(t, v);
    for (int w = 4; w > 0; w /= 2)
      for (int i = 0; i < w; i++) t[i] = t[i + w] > t[i] ? t[i + w] : t[i];
    return t[0];
  }

  static D dzero() { return _mm256_setzero_pd(); }
  static D dadd(D a, D b) { return _mm256_add_pd(a, b); }
  static D dfmadd(D a, D b, D c) { return _mm256_fmadd_pd(a, b, c); }
  static D lo(V v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
  static D hi(V v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
  static double dhsum(D v) {
    alignas(32) double t[4];
    _mm256_store_pd(t, v);
    for (int w = 2; w > 0; w /= 2)
      for (int i = 0; i < w; i++) t[i] += t[i + w];
    return t[0];
  }

  // Loads the first n (<= 8) values stored as T as f32, zero elsewhere; a short tail goes through a zeroed
  // copy (AVX2 has no masked 16-bit load).
  template <Dtype T>
  static V load_as_f32(const void* p, int n) {
    using Elem = std::conditional_t<T == Dtype::F32, float, uint16_t>;
    Elem tail[8] = {};
    if (n < 8) {
      std::memcpy(tail, p, n * sizeof(Elem));
      p = tail;
    }
    if constexpr (T == Dtype::F32) {
      return _mm256_loadu_ps(static_cast<const float*>(p));
    } else {
      const __m128i h = _mm_loadu_si128(static_cast<const __m128i*>(p));
      if constexpr (T == Dtype::F16) return _mm256_cvtph_ps(h);
      // bf16 is the top half of an f32.
      return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
  }

  // The first n (<= 16) 16-bit values at p, two to a 32-bit lane (zero past n; a short tail through a copy).
  static V load_pairs(const void* p, int n) {
    uint16_t tail[16] = {};
    if (n < 16) {
      std::memcpy(tail, p, (n < 0 ? 0 : n) * sizeof(uint16_t));
      p = tail;
    }
    return _mm256_loadu_ps(static_cast<const float*>(p));
  }

  // The f32 values of a vector of 16-bit pairs stored as T (bf16 or f16): the low halves and the high halves.
  template <Dtype T>
  static void split_pairs(V pairs, V& lo, V& hi) {
    const __m256i x = _mm256_castps_si256(pairs);
    if constexpr (T == Dtype::BF16) {
      lo = _mm256_castsi256_ps(_mm256_slli_epi32(x, 16));
      hi = _mm256_castsi256_ps(_mm256_and_si256(x, _mm256_set1_epi32(static_cast<int>(0xffff0000u))));
    } else {
      // The 16-bit halves gathered into one 128-bit register: bytes 0-1, 4-5, 8-9, 12-13 of each 128-bit lane
      // (or 2-3, ... for the high halves), then the two lanes' low 64 bits side by side.
      const __m256i take_lo = _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1, 0, 1, 4, 5,
                                               8, 9, 12, 13, -1, -1, -1, -1, -1, -1, -1, -1);
      const __m256i take_hi = _mm256_setr_epi8(2, 3, 6, 7, 10, 11, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, 2, 3, 6,
                                               7, 10, 11, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1);
      const auto gather = [](__m256i v) {
        return _mm256_castsi256_si128(_mm256_permute4x64_epi64(v, 0x08));
      };
      lo = _mm256_cvtph_ps(gather(_mm256_shuffle_epi8(x, take_lo)));
      hi = _mm256_cvtph_ps(gather(_mm256_shuffle_epi8(x, take_hi)));
    }
  }

  // 8 int8 values at p as f32.
  static V load_i8(const void* p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(static_cast<const __m128i*>(p))));
  }

  // A table of 16 f32 values (two halves), and the values at the 8 four-bit indices of the 4 bytes at p (high
  // nibble first): each half permuted by the index's low 3 bits, the upper half taken where bit 3 is set.
  struct Table {
    V lo, hi;
  };
  static Table nf4_table(const float* levels) { return {_mm256_loadu_ps(levels), _mm256_loadu_ps(levels + 8)}; }
  static V lookup_nibbles(const Table& t, const uint8_t* p) {
    int32_t bytes;
    std::memcpy(&bytes, p, 4);
    const __m128i x = _mm_cvtsi32_si128(bytes);
    const __m128i low = _mm_set1_epi8(0x0f);
    const __m128i idx8 = _mm_unpacklo_epi8(_mm_and_si128(_mm_srli_epi16(x, 4), low), _mm_and_si128(x, low));
    return lookup(t, _mm256_cvtepu8_epi32(idx8));
  }
  // The values of the high and of the low nibbles of the 8 bytes at p.
  static void nibble_levels(const Table& t, const uint8_t* p, V& hi, V& lo) {
    const __m256i b = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    hi = lookup(t, _mm256_srli_epi32(b, 4));
    lo = lookup(t, _mm256_and_si256(b, _mm256_set1_epi32(15)));
  }
  static V lookup(const Table& t, __m256i idx) {
    const __m256i upper = _mm256_cmpgt_epi32(idx, _mm256_set1_epi32(7));
    return _mm256_blendv_ps(_mm256_permutevar8x32_ps(t.lo, idx), _mm256_permutevar8x32_ps(t.hi, idx),
                            _mm256_castsi256_ps(upper));
  }

  // In place: v[c] becomes column c of the 8×8 matrix whose rows are v[0..7].
  static void transpose(V v[8]) {
    V a[8], b[8];
    for (int i = 0; i < 8; i += 2) {
      a[i] = _mm256_unpacklo_ps(v[i], v[i + 1]);
      a[i + 1] = _mm256_unpackhi_ps(v[i], v[i + 1]);
    }
    // b[4g + j], 128-bit lane l: column 4l + j of rows 4g .. 4g+3.
    for (int g = 0; g < 8; g += 4) {
      b[g] = _mm256_shuffle_ps(a[g], a[g + 2], 0x44);
      b[g + 1] = _mm256_shuffle_ps(a[g], a[g + 2], 0xee);
      b[g + 2] = _mm256_shuffle_ps(a[g + 1], a[g + 3], 0x44);
      b[g + 3] = _mm256_shuffle_ps(a[g + 1], a[g + 3], 0xee);
    }
    for (int j = 0; j < 4; j++) {
      v[j] = _mm256_permute2f128_ps(b[j], b[4 + j], 0x20);
      v[4 + j] = _mm256_permute2f128_ps(b[j], b[4 + j], 0x31);
    }
  }

  static void prefetch(const void*) {}
};

}  // namespace
}  // namespace lntune
