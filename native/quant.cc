// The block-quantised formats of src/backend/quant.ts (its comment gives the layout and the arithmetic, which
// this file reproduces operation for operation in f32): decoding and encoding for the dtype table, and the
// per-row quantisation kernel.
#include <cmath>
#include <cstring>

#include "cpu.h"
#include "kernels.generated.h"
#include "parallel.h"
#include "quant.h"

namespace lntune {

namespace {

constexpr float kNf4Levels[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
    -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
    0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f,
    1.0f};

// Exact midpoints between neighbouring levels: x above v[i] is nearer level i + 1.
struct Nf4Midpoints {
  double v[15];
  Nf4Midpoints() {
    for (int i = 0; i < 15; i++) v[i] = (static_cast<double>(kNf4Levels[i]) + kNf4Levels[i + 1]) / 2;
  }
};

const Nf4Midpoints& nf4_midpoints() {
  static const Nf4Midpoints m;
  return m;
}

int nf4_index(float x) {
  const double* mid = nf4_midpoints().v;
  int i = 0;
  while (i < 15 && x > mid[i]) i++;
  return i;
}

float absmax(const float* x, int64_t n) {
  float m = 0.0f;
  for (int64_t i = 0; i < n; i++)
    if (std::fabs(x[i]) > m) m = std::fabs(x[i]);
  return m;
}

// One block of `type` from src into dst (its scale, then its codes), with the given absmax.
void encode_block(Dtype type, const float* src, uint8_t* dst, float max) {
  if (type == Dtype::INT8) {
    const float scale = max / 127.0f;
    const float inv = scale == 0.0f ? 0.0f : 1.0f / scale;
    std::memcpy(dst, &scale, 4);
    for (int i = 0; i < 32; i++) {
      const float v = src[i] * inv;
      const float q = std::isnan(v) ? 0.0f : std::fmin(127.0f, std::fmax(-127.0f, std::nearbyint(v)));
      dst[4 + i] = static_cast<uint8_t>(static_cast<int8_t>(q));
    }
    return;
  }
  const float inv = max == 0.0f ? 0.0f : 1.0f / max;
  std::memcpy(dst, &max, 4);
  for (int i = 0; i < 32; i++)
    dst[4 + i] = static_cast<uint8_t>((nf4_index(src[2 * i] * inv) << 4) | nf4_index(src[2 * i + 1] * inv));
}

// The ISA's vector decoding, or null for the portable loops below.
QuantDecode vector_decode() {
  static const QuantDecode f = [] {
    switch (detected_isa()) {
      case Isa::Avx512: return quant_decode_avx512();
      case Isa::Avx2: return quant_decode_avx2();
      default: return static_cast<QuantDecode>(nullptr);
    }
  }();
  return f;
}

void decode_blocks(Dtype type, const void* src, float* dst, int64_t n) {
  if (const QuantDecode f = vector_decode()) return f(type, src, kNf4Levels, dst, n);
  const DtypeTraits& t = dtype_traits(type);
  const uint8_t* s = static_cast<const uint8_t*>(src);
  for (int64_t b = 0; b < n / t.block_size; b++, s += t.block_bytes, dst += t.block_size) {
    float scale;
    std::memcpy(&scale, s, 4);
    const uint8_t* codes = s + 4;
    if (type == Dtype::INT8) {
      for (int i = 0; i < 32; i++) dst[i] = static_cast<float>(static_cast<int8_t>(codes[i])) * scale;
    } else {
      for (int i = 0; i < 32; i++) {
        dst[2 * i] = kNf4Levels[codes[i] >> 4] * scale;
        dst[2 * i + 1] = kNf4Levels[codes[i] & 15] * scale;
      }
    }
  }
}

void encode_blocks(Dtype type, const float* src, void* dst, int64_t n) {
  const DtypeTraits& t = dtype_traits(type);
  uint8_t* d = static_cast<uint8_t*>(dst);
  for (int64_t b = 0; b < n / t.block_size; b++)
    encode_block(type, src + b * t.block_size, d + b * t.block_bytes, absmax(src + b * t.block_size, t.block_size));
}

}  // namespace

const float* nf4_levels() { return kNf4Levels; }

void decode_int8(const void* src, float* dst, int64_t n) { decode_blocks(Dtype::INT8, src, dst, n); }
void encode_int8(const float* src, void* dst, int64_t n) { encode_blocks(Dtype::INT8, src, dst, n); }
void decode_nf4(const void* src, float* dst, int64_t n) { decode_blocks(Dtype::NF4, src, dst, n); }
void encode_nf4(const float* src, void* dst, int64_t n) { encode_blocks(Dtype::NF4, src, dst, n); }

void quantize_rows(const float* src, void* dst, Dtype dst_dtype, int64_t rows, int64_t cols) {
  const DtypeTraits& t = dtype_traits(dst_dtype);
  const int64_t per_row = cols / t.block_size;
  parallel_for(rows, 4.0 * cols, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float max = absmax(src + r * cols, cols);
      uint8_t* out = static_cast<uint8_t*>(dst) + r * per_row * t.block_bytes;
      for (int64_t b = 0; b < per_row; b++)
        encode_block(dst_dtype, src + r * cols + b * t.block_size, out + b * t.block_bytes, max);
    }
  });
}

}  // namespace lntune
