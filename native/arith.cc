// Element-wise arithmetic: binary ops over strided (broadcast) operands and their gradients, scaling and
// accumulation, parallel over rows or chunks. A gradient target that repeats positions (a broadcast operand)
// is accumulated on one thread, in row order.
#include "kernels.generated.h"
#include "parallel.h"
#include "strided.h"
#include "vec.h"

namespace lntune {

void binary_forward(BinaryOp op, const float* a, Dims a_strides, const float* b, Dims b_strides, float* out,
                    Dims shape) {
  const int64_t len = row_length(shape);
  if (len == 0 || numel(shape) == 0) return;
  const int64_t rows = numel(shape) / len, sa = row_stride(a_strides), sb = row_stride(b_strides);
  // Rows whose operands are not contiguous or repeated go one element at a time.
  const int64_t step = sa <= 1 && sb <= 1 ? len : 1;
  parallel_for(rows, static_cast<double>(len), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* ar = a + row_offset(shape, a_strides, r);
      const float* br = b + row_offset(shape, b_strides, r);
      for (int64_t j = 0; j < len; j += step)
        vec().binary(op, ar + j * sa, sa, br + j * sb, sb, out + r * len + j, step);
    }
  });
}

void binary_backward(BinaryOp op, const float* g, const float* a, Dims a_strides, const float* b, Dims b_strides,
                     float* ga, float* gb, Dims shape) {
  const int64_t len = row_length(shape);
  if (len == 0 || numel(shape) == 0 || (!ga && !gb)) return;
  const int64_t rows = numel(shape) / len, sa = row_stride(a_strides), sb = row_stride(b_strides);
  const int64_t step = sa <= 1 && sb <= 1 ? len : 1;
  const auto run = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const int64_t oa = row_offset(shape, a_strides, r), ob = row_offset(shape, b_strides, r);
      for (int64_t j = 0; j < len; j += step)
        vec().binary_grad(op, g + r * len + j, a + oa + j * sa, sa, b + ob + j * sb, sb,
                          ga ? ga + oa + j * sa : nullptr, gb ? gb + ob + j * sb : nullptr, step);
    }
  };
  const bool race = (ga && !distinct(shape, a_strides)) || (gb && !distinct(shape, b_strides));
  if (race) run(0, rows);
  else parallel_for(rows, static_cast<double>(len), run);
}

void scale(const float* x, float* y, int64_t n, double alpha) {
  parallel_for(n, 1.0, [&](int64_t i0, int64_t i1) { vec().scale_f64(x + i0, y + i0, i1 - i0, alpha); });
}

void accumulate(float* dst, const float* src, int64_t n) {
  parallel_for(n, 1.0, [&](int64_t i0, int64_t i1) { vec().accumulate(dst + i0, src + i0, i1 - i0); });
}

}  // namespace lntune
