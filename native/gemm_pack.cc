#include "gemm_pack.h"

#include <algorithm>

#include "half.h"

namespace lntune {

void pack_a(const Gemm& g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, int mr, float* dst) {
  for (int64_t ip = 0; ip < mc; ip += mr) {
    const int rows = static_cast<int>(std::min<int64_t>(mr, mc - ip));
    float* panel = dst + ip * kc;
    if (g.trans_a) {
      // A is K×M: each k gives mr contiguous values.
      for (int64_t p = 0; p < kc; p++) {
        const float* src = g.a + (p0 + p) * g.lda + i0 + ip;
        float* out = panel + p * mr;
        for (int i = 0; i < rows; i++) out[i] = src[i];
        for (int i = rows; i < mr; i++) out[i] = 0.0f;
      }
    } else {
      for (int i = 0; i < rows; i++) {
        const float* src = g.a + (i0 + ip + i) * g.lda + p0;
        for (int64_t p = 0; p < kc; p++) panel[p * mr + i] = src[p];
      }
      for (int i = rows; i < mr; i++)
        for (int64_t p = 0; p < kc; p++) panel[p * mr + i] = 0.0f;
    }
  }
}

namespace {

// Returns n contiguous elements of B starting at element offset, as f32 (converted into row if needed).
const float* b_row(const Gemm& g, int64_t offset, int64_t n, float* row) {
  if (g.b_type == BType::F32) return static_cast<const float*>(g.b) + offset;
  half_to_f32(static_cast<const uint16_t*>(g.b) + offset, n, g.b_type == BType::BF16, row);
  return row;
}

}  // namespace

void pack_b(const Gemm& g, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* dst, float* row) {
  const int64_t panels = (nc + nr - 1) / nr;
  if (g.trans_b) {
    // B is N×K: one stored row is one column of the panel.
    for (int64_t j = 0; j < nc; j++) {
      const float* src = b_row(g, (j0 + j) * g.ldb + p0, kc, row);
      float* out = dst + (j / nr) * kc * nr + (j % nr);
      for (int64_t p = 0; p < kc; p++) out[p * nr] = src[p];
    }
    for (int64_t j = nc; j < panels * nr; j++) {
      float* out = dst + (j / nr) * kc * nr + (j % nr);
      for (int64_t p = 0; p < kc; p++) out[p * nr] = 0.0f;
    }
    return;
  }
  for (int64_t p = 0; p < kc; p++) {
    const float* src = b_row(g, (p0 + p) * g.ldb + j0, nc, row);
    for (int64_t jp = 0; jp < panels; jp++) {
      const int64_t cols = std::min<int64_t>(nr, nc - jp * nr);
      float* out = dst + jp * kc * nr + p * nr;
      for (int64_t j = 0; j < cols; j++) out[j] = src[jp * nr + j];
      for (int64_t j = cols; j < nr; j++) out[j] = 0.0f;
    }
  }
}

}  // namespace lntune
