// AVX-512 transposing pack: 16 source rows × 16 values at a time, transposed in registers, so both the
// reads (along a row) and the writes (along a panel row) stay contiguous.
#include <immintrin.h>

// GCC 12's AVX-512 headers build their "undefined" operands from self-initialised locals, which
// -Wmaybe-uninitialized reports at every inlined use (GCC bug 105593); the warning says nothing here.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#include <algorithm>
#include <type_traits>

#include "gemm_pack.h"

#define TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))

namespace lntune {

namespace {

TARGET inline __mmask16 first(int n) {
  return n >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << n) - 1);
}

// Loads the values selected by k (a prefix) as f32, zero elsewhere.
template <BType T>
TARGET inline __m512 load16(const void* p, __mmask16 k) {
  if constexpr (T == BType::F32) {
    return _mm512_maskz_loadu_ps(k, p);
  } else {
    const __m256i h = _mm256_maskz_loadu_epi16(k, p);
    if constexpr (T == BType::F16) return _mm512_cvtph_ps(h);
    // bf16 is the top half of an f32.
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
  }
}

// In place: v[c] becomes column c of the 16×16 matrix whose rows are v[0..15].
TARGET inline void transpose16(__m512 v[16]) {
  __m512 a[16], b[16];
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
    const __m512 e0 = _mm512_shuffle_f32x4(b[j], b[4 + j], 0x88);
    const __m512 e1 = _mm512_shuffle_f32x4(b[j], b[4 + j], 0xdd);
    const __m512 f0 = _mm512_shuffle_f32x4(b[8 + j], b[12 + j], 0x88);
    const __m512 f1 = _mm512_shuffle_f32x4(b[8 + j], b[12 + j], 0xdd);
    v[j] = _mm512_shuffle_f32x4(e0, f0, 0x88);
    v[8 + j] = _mm512_shuffle_f32x4(e0, f0, 0xdd);
    v[4 + j] = _mm512_shuffle_f32x4(e1, f1, 0x88);
    v[12 + j] = _mm512_shuffle_f32x4(e1, f1, 0xdd);
  }
}

template <BType T>
TARGET void pack(const void* src, int64_t ld, int rows, int64_t kc, int w, float* out) {
  using Elem = std::conditional_t<T == BType::F32, float, uint16_t>;
  const Elem* s = static_cast<const Elem*>(src);
  for (int r0 = 0; r0 < w; r0 += 16) {
    const int n = std::clamp(rows - r0, 0, 16);
    const __mmask16 keep = first(w - r0);
    for (int64_t p0 = 0; p0 < kc; p0 += 16) {
      const int kn = static_cast<int>(std::min<int64_t>(16, kc - p0));
      const __mmask16 k = first(kn);
      __m512 v[16];
#pragma GCC unroll 16
      for (int i = 0; i < 16; i++) v[i] = i < n ? load16<T>(s + (r0 + i) * ld + p0, k) : _mm512_setzero_ps();
      transpose16(v);
      float* o = out + p0 * w + r0;
      for (int p = 0; p < kn; p++) _mm512_mask_storeu_ps(o + p * w, keep, v[p]);
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

PackT pack_t_avx512() { return pack_t; }

}  // namespace lntune
