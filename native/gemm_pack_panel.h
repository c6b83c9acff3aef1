// The transposing pack of gemm_pack.h written once over a vector trait S (see simd_common.h): W source rows ×
// W values at a time, transposed in registers, so both the reads (along a row) and the writes (along a panel
// row) stay contiguous.
#pragma once

#include "simd_common.h"

namespace lntune {
namespace {

template <class S, Dtype T>
void pack_panel(const void* src, int64_t ld, int rows, int64_t kc, int w, float* out) {
  using Elem = std::conditional_t<T == Dtype::F32, float, uint16_t>;
  constexpr int W = S::W;
  const Elem* s = static_cast<const Elem*>(src);
  for (int r0 = 0; r0 < w; r0 += W) {
    const int n = std::clamp(rows - r0, 0, W);
    const auto keep = S::mask(w - r0);
    for (int64_t p0 = 0; p0 < kc; p0 += W) {
      const int kn = static_cast<int>(std::min<int64_t>(W, kc - p0));
      typename S::V v[W];
#pragma GCC unroll 16
      for (int i = 0; i < W; i++) v[i] = i < n ? S::template load_as_f32<T>(s + (r0 + i) * ld + p0, kn) : S::zero();
      S::transpose(v);
      float* o = out + p0 * w + r0;
      for (int p = 0; p < kn; p++) S::store(o + p * w, keep, v[p]);
    }
  }
}

template <class S>
void pack_t(const void* src, Dtype type, int64_t ld, int rows, int64_t kc, int w, float* out) {
  switch (type) {
    case Dtype::F32: return pack_panel<S, Dtype::F32>(src, ld, rows, kc, w, out);
    case Dtype::BF16: return pack_panel<S, Dtype::BF16>(src, ld, rows, kc, w, out);
    case Dtype::F16: return pack_panel<S, Dtype::F16>(src, ld, rows, kc, w, out);
    default: return;  // quantised B reaches the kernels decoded to f32
  }
}

}  // namespace
}  // namespace lntune
