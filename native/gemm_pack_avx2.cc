// AVX2 transposing pack: 8 source rows × 8 values at a time, transposed in registers.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "gemm_pack.h"

#define TARGET __attribute__((target("avx2,fma,f16c")))

namespace lntune {

namespace {

// Loads the first n (<= 8) values as f32, zero elsewhere; a short tail goes through a zeroed copy.
template <BType T>
TARGET inline __m256 load8(const void* p, int n) {
  using Elem = std::conditional_t<T == BType::F32, float, uint16_t>;
  Elem tail[8] = {};
  if (n < 8) {
    std::memcpy(tail, p, n * sizeof(Elem));
    p = tail;
  }
  if constexpr (T == BType::F32) {
    return _mm256_loadu_ps(static_cast<const float*>(p));
  } else {
    const __m128i h = _mm_loadu_si128(static_cast<const __m128i*>(p));
    if constexpr (T == BType::F16) return _mm256_cvtph_ps(h);
    // bf16 is the top half of an f32.
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
}

// In place: v[c] becomes column c of the 8×8 matrix whose rows are v[0..7].
TARGET inline void transpose8(__m256 v[8]) {
  __m256 a[8], b[8];
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

template <BType T>
TARGET void pack(const void* src, int64_t ld, int rows, int64_t kc, int w, float* out) {
  using Elem = std::conditional_t<T == BType::F32, float, uint16_t>;
  const Elem* s = static_cast<const Elem*>(src);
  for (int r0 = 0; r0 < w; r0 += 8) {
    const int n = std::clamp(rows - r0, 0, 8);
    const int cols = std::min(w - r0, 8);
    const __m256i keep = _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (int64_t p0 = 0; p0 < kc; p0 += 8) {
      const int kn = static_cast<int>(std::min<int64_t>(8, kc - p0));
      __m256 v[8];
#pragma GCC unroll 8
      for (int i = 0; i < 8; i++) v[i] = i < n ? load8<T>(s + (r0 + i) * ld + p0, kn) : _mm256_setzero_ps();
      transpose8(v);
      float* o = out + p0 * w + r0;
      if (cols == 8) {
        for (int p = 0; p < kn; p++) _mm256_storeu_ps(o + p * w, v[p]);
      } else {
        for (int p = 0; p < kn; p++) _mm256_maskstore_ps(o + p * w, keep, v[p]);
      }
    }
  }
}

TARGET void pack_t(const void* src, BType type, int64_t ld, int rows, int64_t kc, int w, float* out) {
  switch (type) {
    case BType::F32: return pack<BType::F32>(src, ld, rows, kc, w, out);
    case BType::BF16: return pack<BType::BF16>(src, ld, rows, kc, w, out);
    case BType::F16: return pack<BType::F16>(src, ld, rows, kc, w, out);
  }
}

}  // namespace

PackT pack_t_avx2() { return pack_t; }

}  // namespace lntune
