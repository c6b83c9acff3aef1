#include "gemm_pack.h"

#include <algorithm>
#include <cstring>

#include "cpu.h"

namespace lntune {

namespace {

// The element at `offset` of storage in a plain (one value per block) dtype.
const void* element(const void* base, Dtype type, int64_t offset) {
  return static_cast<const char*>(base) + offset * dtype_traits(type).block_bytes;
}


// Portable transposing pack: converts each source row in chunks, then scatters it down its column.
void pack_t_scalar(const void* src, Dtype type, int64_t ld, int rows, int64_t kc, int w, float* out) {
  constexpr int64_t kChunk = 64;
  float buf[kChunk];
  for (int r = 0; r < rows; r++) {
    for (int64_t p0 = 0; p0 < kc; p0 += kChunk) {
      const int64_t n = std::min(kChunk, kc - p0);
      const float* x;
      if (type == Dtype::F32) {
        x = static_cast<const float*>(src) + r * ld + p0;
      } else {
        dtype_traits(type).decode(element(src, type, r * ld + p0), buf, n);
        x = buf;
      }
      for (int64_t p = 0; p < n; p++) out[(p0 + p) * w + r] = x[p];
    }
  }
  for (int r = rows; r < w; r++)
    for (int64_t p = 0; p < kc; p++) out[p * w + r] = 0.0f;
}

PackT pack_t() {
  static const PackT f = [] {
    switch (detected_isa()) {
      case Isa::Avx512: return pack_t_avx512();
      case Isa::Avx2: return pack_t_avx2();
      default: return static_cast<PackT>(pack_t_scalar);
    }
  }();
  return f;
}

}  // namespace

int64_t span_scratch(Dtype type, int64_t n) { return n + 2 * dtype_traits(type).block_size; }

const float* decode_span(const void* base, Dtype type, int64_t offset, int64_t n, float* scratch) {
  if (type == Dtype::F32) return static_cast<const float*>(base) + offset;
  const DtypeTraits& t = dtype_traits(type);
  const int64_t first = offset / t.block_size;
  const int64_t blocks = (offset + n + t.block_size - 1) / t.block_size - first;
  t.decode(static_cast<const char*>(base) + first * t.block_bytes, scratch, blocks * t.block_size);
  return scratch + (offset - first * t.block_size);
}

int64_t pack_b_scratch(Dtype type, int64_t kc, int64_t nc, int nr) {
  // A transposed quantised B is decoded nr rows at a time; otherwise one row of kc or nc values.
  const int64_t rows = dtype_traits(type).quantised ? nr * span_scratch(type, kc) : 0;
  return std::max(span_scratch(type, kc), span_scratch(type, nc)) + rows;
}

void round_to_bf16(float* x, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    uint32_t b;
    std::memcpy(&b, &x[i], 4);
    // NaN stays a quiet NaN; the others round to nearest even (Inf and overflow to Inf included).
    b = (b & 0x7fffffff) > 0x7f800000 ? (b | 0x400000) & 0xffff0000u : (b + 0x7fff + ((b >> 16) & 1)) & 0xffff0000u;
    std::memcpy(&x[i], &b, 4);
  }
}

void pack_a(const Gemm& g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, int mr, float* dst) {
  for (int64_t ip = 0; ip < mc; ip += mr) {
    const int rows = static_cast<int>(std::min<int64_t>(mr, mc - ip));
    float* panel = dst + ip * kc;
    if (!g.trans_a) {
      pack_t()(g.a + (i0 + ip) * g.lda + p0, Dtype::F32, g.lda, rows, kc, mr, panel);
      continue;
    }
    // A is K×M: each k gives mr contiguous values.
    for (int64_t p = 0; p < kc; p++) {
      const float* src = g.a + (p0 + p) * g.lda + i0 + ip;
      float* out = panel + p * mr;
      for (int i = 0; i < rows; i++) out[i] = src[i];
      for (int i = rows; i < mr; i++) out[i] = 0.0f;
    }
  }
}

void pack_b(const Gemm& g, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* dst, float* row) {
  const int64_t panels = (nc + nr - 1) / nr;
  const bool quantised = dtype_traits(g.b_type).quantised;
  if (g.trans_b) {
    // B is N×K: nr stored rows make one panel (a quantised one decoded to f32 rows first).
    const int64_t stride = span_scratch(g.b_type, kc);
    float* rows = row + std::max(span_scratch(g.b_type, kc), span_scratch(g.b_type, nc));
    for (int64_t jp = 0; jp < panels; jp++) {
      const int cols = static_cast<int>(std::min<int64_t>(nr, nc - jp * nr));
      const int64_t first = (j0 + jp * nr) * g.ldb + p0;
      if (!quantised) {
        pack_t()(element(g.b, g.b_type, first), g.b_type, g.ldb, cols, kc, nr, dst + jp * kc * nr);
        continue;
      }
      for (int r = 0; r < cols; r++) decode_span(g.b, g.b_type, first + r * g.ldb, kc, rows + r * stride);
      pack_t()(rows, Dtype::F32, stride, cols, kc, nr, dst + jp * kc * nr);
    }
    return;
  }
  for (int64_t p = 0; p < kc; p++) {
    const float* src = decode_span(g.b, g.b_type, (p0 + p) * g.ldb + j0, nc, row);
    for (int64_t jp = 0; jp < panels; jp++) {
      const int64_t cols = std::min<int64_t>(nr, nc - jp * nr);
      float* out = dst + jp * kc * nr + p * nr;
      for (int64_t j = 0; j < cols; j++) out[j] = src[jp * nr + j];
      for (int64_t j = cols; j < nr; j++) out[j] = 0.0f;
    }
  }
}

}  // namespace lntune
