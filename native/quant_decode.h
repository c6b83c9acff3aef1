// The decoding of quant.h written once over a vector trait S (see simd_common.h): int8 codes widened and
// converted W at a time, nf4 indices split from their bytes (high nibble first) and looked up in the level
// table by a vector permute, each value times its block's f32 scale.
#pragma once

#include "simd_common.h"

namespace lntune {
namespace {

template <class S>
void decode_quant(Dtype type, const void* src, const float* levels, float* dst, int64_t n) {
  using V = typename S::V;
  constexpr int W = S::W;
  const uint8_t* s = static_cast<const uint8_t*>(src);
  const auto full = S::mask(W);
  if (type == Dtype::INT8) {
    for (int64_t b = 0; b < n / 32; b++, s += 36, dst += 32) {
      float scale;
      std::memcpy(&scale, s, 4);
      const V vs = S::set1(scale);
      for (int i = 0; i < 32; i += W) S::store(dst + i, full, S::mul(S::load_i8(s + 4 + i), vs));
    }
    return;
  }
  const auto table = S::nf4_table(levels);
  for (int64_t b = 0; b < n / 64; b++, s += 36, dst += 64) {
    float scale;
    std::memcpy(&scale, s, 4);
    const V vs = S::set1(scale);
    for (int i = 0; i < 64; i += W) S::store(dst + i, full, S::mul(S::lookup_nibbles(table, s + 4 + i / 2), vs));
  }
}

}  // namespace
}  // namespace lntune
