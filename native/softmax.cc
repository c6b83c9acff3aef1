// Row softmax forward and backward, parallel over rows.
#include "kernels.generated.h"
#include "parallel.h"
#include "vec.h"

namespace lntune {

void softmax_forward(const float* x, float* y, int64_t rows, int64_t cols) {
  parallel_for(rows, 8.0 * cols, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const float sum = vec().exp_sum(xr, vec().max(xr, cols), yr, cols);
      vec().scale(yr, 1.0f / sum, cols);
    }
  });
}

void softmax_backward(const float* dy, const float* y, float* dx, int64_t rows, int64_t cols) {
  parallel_for(rows, 3.0 * cols, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* dyr = dy + r * cols;
      const float* yr = y + r * cols;
      float* dxr = dx + r * cols;
      const float s = vec().dot(dyr, yr, cols);
      for (int64_t j = 0; j < cols; j++) dxr[j] = yr[j] * (dyr[j] - s);
    }
  });
}

}  // namespace lntune
