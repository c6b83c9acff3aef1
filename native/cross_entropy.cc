// Cross-entropy over rows of logits (fused log-softmax + NLL) and its logits gradient, parallel over rows.
#include <cmath>

#include "kernels.generated.h"
#include "parallel.h"
#include "vec.h"

namespace lntune {

int64_t cross_entropy_forward(const float* logits, const int32_t* labels, float* loss, float* lse, int64_t rows,
                              int64_t v, int32_t ignore_index) {
  for (int64_t r = 0; r < rows; r++)
    if (labels[r] != ignore_index && (labels[r] < 0 || labels[r] >= v)) return r;
  parallel_for(rows, 8.0 * v, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* row = logits + r * v;
      const float m = vec().max(row, v);
      const float l = m + std::log(vec().exp_sum(row, m, nullptr, v));
      lse[r] = l;
      loss[r] = labels[r] == ignore_index ? 0.0f : l - row[labels[r]];
    }
  });
  return -1;
}

void cross_entropy_backward(const float* logits, const int32_t* labels, const float* lse, float* dlogits,
                            float scale, int64_t rows, int64_t v, int32_t ignore_index) {
  parallel_for(rows, 6.0 * v, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      float* out = dlogits + r * v;
      const int32_t y = labels[r];
      if (y == ignore_index || y < 0 || y >= v) {
        for (int64_t j = 0; j < v; j++) out[j] = 0.0f;
        continue;
      }
      // Element-wise, so it also works in place (dlogits == logits).
      vec().exp_sum(logits + r * v, lse[r], out, v);
      vec().scale(out, scale, v);
      out[y] -= scale;
    }
  });
}

}  // namespace lntune
