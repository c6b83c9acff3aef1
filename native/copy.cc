// Copies: strided (permutes, slices, concatenation, broadcasts) and gathers/scatters along an axis, parallel
// over rows. Scatter-adds split the columns, never the indices, so repeated indices add up in index order on
// every thread count.
#include <algorithm>
#include <cstring>

#include "kernels.generated.h"
#include "parallel.h"
#include "strided.h"
#include "thread_pool.h"

namespace lntune {

namespace {

int64_t first_outside(const int32_t* indices, int64_t m, int64_t n) {
  for (int64_t i = 0; i < m; i++)
    if (indices[i] < 0 || indices[i] >= n) return i;
  return -1;
}

}  // namespace

void copy_strided(const float* src, Dims src_strides, float* dst, Dims dst_strides, Dims shape) {
  const int64_t len = row_length(shape);
  if (len == 0 || numel(shape) == 0) return;
  const int64_t ss = row_stride(src_strides), ds = row_stride(dst_strides);
  parallel_for(numel(shape) / len, static_cast<double>(len), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* s = src + row_offset(shape, src_strides, r);
      float* d = dst + row_offset(shape, dst_strides, r);
      if (ss == 1 && ds == 1) {
        std::memcpy(d, s, len * sizeof(float));
      } else if (ss == 0) {
        for (int64_t j = 0; j < len; j++) d[j * ds] = *s;
      } else {
        for (int64_t j = 0; j < len; j++) d[j * ds] = s[j * ss];
      }
    }
  });
}

int64_t index_select(const void* x, Dtype x_dtype, const int32_t* indices, float* out, int64_t outer, int64_t n,
                     int64_t inner, int64_t m) {
  const int64_t bad = first_outside(indices, m, n);
  if (bad >= 0) return bad;
  const DtypeTraits& t = dtype_traits(x_dtype);
  parallel_for(outer * m, static_cast<double>(inner), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t o = r / m, from = (o * n + indices[r % m]) * inner;
      t.decode(static_cast<const char*>(x) + from / t.block_size * t.block_bytes, out + r * inner, inner);
    }
  });
  return -1;
}

int64_t index_add(const float* g, const int32_t* indices, float* gx, int64_t outer, int64_t n, int64_t inner,
                  int64_t m) {
  const int64_t bad = first_outside(indices, m, n);
  if (bad >= 0) return bad;
  if (outer == 0 || inner == 0) return -1;
  // Tasks: (o, a block of columns), each adding all m rows of its columns in index order.
  const int64_t threads = ThreadPool::instance().size();
  const int64_t width = std::max<int64_t>(64, (inner + threads - 1) / threads);
  const int64_t blocks = (inner + width - 1) / width;
  parallel_for(outer * blocks, static_cast<double>(m * width), [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t o = t / blocks, c0 = t % blocks * width, len = std::min(width, inner - c0);
      for (int64_t i = 0; i < m; i++) {
        float* d = gx + (o * n + indices[i]) * inner + c0;
        const float* s = g + (o * m + i) * inner + c0;
        for (int64_t c = 0; c < len; c++) d[c] += s[c];
      }
    }
  });
  return -1;
}

}  // namespace lntune
