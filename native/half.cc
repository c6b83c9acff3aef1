#include "half.h"

#include <immintrin.h>

#include <cstring>

#include "cpu.h"

namespace lntune {

namespace {

float bf16_to_f32(uint16_t h) {
  const uint32_t bits = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000 | (mant << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {
    // Subnormal f16: normalise the mantissa.
    int e = 113;
    while ((mant & 0x400) == 0) {
      mant <<= 1;
      e--;
    }
    bits = sign | (static_cast<uint32_t>(e) << 23) | ((mant & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

__attribute__((target("avx2,f16c"))) void f16_to_f32_f16c(const uint16_t* src, int64_t n, float* dst) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
  for (; i < n; i++) dst[i] = f16_to_f32(src[i]);
}

}  // namespace

void half_to_f32(const uint16_t* src, int64_t n, bool is_bf16, float* dst) {
  if (is_bf16) {
    for (int64_t i = 0; i < n; i++) dst[i] = bf16_to_f32(src[i]);
  } else if (detected_isa() != Isa::Scalar) {
    f16_to_f32_f16c(src, n, dst);
  } else {
    for (int64_t i = 0; i < n; i++) dst[i] = f16_to_f32(src[i]);
  }
}

}  // namespace lntune
