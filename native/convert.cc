// The storage dtypes' conversions to and from f32 (the functions dtypes.generated.h's table points to), and the
// conversion kernels, parallel over chunks of whole blocks. Encoding rounds to nearest even as
// src/backend/half.ts does (and torch's .to()); NaN stays a quiet NaN.
#include <immintrin.h>

#include <cstring>

#include "cpu.h"
#include "kernels.generated.h"
#include "parallel.h"

namespace lntune {

namespace {

uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

float float_of(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  if (exp == 0x1f) return float_of(sign | 0x7f800000 | (mant << 13));
  if (exp != 0) return float_of(sign | ((exp + 112) << 23) | (mant << 13));
  if (mant == 0) return float_of(sign);
  // Subnormal f16: normalise the mantissa.
  int e = 113;
  while ((mant & 0x400) == 0) {
    mant <<= 1;
    e--;
  }
  return float_of(sign | (static_cast<uint32_t>(e) << 23) | ((mant & 0x3ff) << 13));
}

uint16_t f32_to_bf16(float x) {
  const uint32_t b = bits_of(x);
  if ((b & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((b >> 16) | 0x40);
  return static_cast<uint16_t>((b + 0x7fff + ((b >> 16) & 1)) >> 16);
}

uint16_t f32_to_f16(float x) {
  const uint32_t b = bits_of(x);
  const uint32_t sign = (b >> 16) & 0x8000;
  const int exp = static_cast<int>((b >> 23) & 0xff);
  uint32_t mant = b & 0x7fffff;
  if (exp == 0xff) return static_cast<uint16_t>(sign | 0x7c00 | (mant ? 0x200 : 0));
  int e = exp - 127 + 15;
  if (e >= 31) return static_cast<uint16_t>(sign | 0x7c00);
  if (e <= 0) {
    if (e < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000;
    const int shift = 14 - e;
    const uint32_t half = 1u << (shift - 1);
    const uint32_t rest = mant & ((1u << shift) - 1);
    uint32_t r = mant >> shift;
    if (rest > half || (rest == half && (r & 1))) r++;
    return static_cast<uint16_t>(sign | r);
  }
  const uint32_t rest = mant & 0x1fff;
  mant >>= 13;
  if (rest > 0x1000 || (rest == 0x1000 && (mant & 1))) {
    mant++;
    if (mant == 0x400) {
      mant = 0;
      e++;
      if (e >= 31) return static_cast<uint16_t>(sign | 0x7c00);
    }
  }
  return static_cast<uint16_t>(sign | (static_cast<uint32_t>(e) << 10) | mant);
}

__attribute__((target("avx2,f16c"))) void f16_to_f32_f16c(const uint16_t* src, int64_t n, float* dst) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
  for (; i < n; i++) dst[i] = f16_to_f32(src[i]);
}

// Runs convert(begin, end) over chunks of [0, n) that start and end on block boundaries.
template <class F>
void by_blocks(Dtype type, int64_t n, F&& convert) {
  const int64_t block = dtype_traits(type).block_size;
  parallel_for(n / block, 2.0 * block, [&](int64_t b0, int64_t b1) { convert(b0 * block, b1 * block); });
}

}  // namespace

void decode_f32(const void* src, float* dst, int64_t n) { std::memcpy(dst, src, n * sizeof(float)); }
void encode_f32(const float* src, void* dst, int64_t n) { std::memcpy(dst, src, n * sizeof(float)); }

void decode_bf16(const void* src, float* dst, int64_t n) {
  const uint16_t* s = static_cast<const uint16_t*>(src);
  uint32_t* d = reinterpret_cast<uint32_t*>(dst);
  for (int64_t i = 0; i < n; i++) d[i] = static_cast<uint32_t>(s[i]) << 16;
}
void encode_bf16(const float* src, void* dst, int64_t n) {
  uint16_t* d = static_cast<uint16_t*>(dst);
  for (int64_t i = 0; i < n; i++) d[i] = f32_to_bf16(src[i]);
}

void decode_f16(const void* src, float* dst, int64_t n) {
  const uint16_t* s = static_cast<const uint16_t*>(src);
  if (detected_isa() != Isa::Scalar) return f16_to_f32_f16c(s, n, dst);
  for (int64_t i = 0; i < n; i++) dst[i] = f16_to_f32(s[i]);
}
void encode_f16(const float* src, void* dst, int64_t n) {
  uint16_t* d = static_cast<uint16_t*>(dst);
  for (int64_t i = 0; i < n; i++) d[i] = f32_to_f16(src[i]);
}

void convert_to_f32(const void* src, Dtype src_dtype, float* dst, int64_t n) {
  const DtypeTraits& t = dtype_traits(src_dtype);
  by_blocks(src_dtype, n, [&](int64_t i0, int64_t i1) {
    t.decode(static_cast<const char*>(src) + i0 / t.block_size * t.block_bytes, dst + i0, i1 - i0);
  });
}

void convert_from_f32(const float* src, void* dst, Dtype dst_dtype, int64_t n) {
  const DtypeTraits& t = dtype_traits(dst_dtype);
  by_blocks(dst_dtype, n, [&](int64_t i0, int64_t i1) {
    t.encode(src + i0, static_cast<char*>(dst) + i0 / t.block_size * t.block_bytes, i1 - i0);
  });
}

}  // namespace lntune
