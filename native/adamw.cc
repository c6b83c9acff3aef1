// AdamW (PyTorch semantics: decoupled weight decay, bias-corrected moments), parallel over chunks.
// The update is computed in double (it is memory-bound anyway): in f32, 1 − β2 for β2 = 0.999 alone
// would carry a 1e-5 relative error into every second moment.
#include <cmath>

#include "kernels.generated.h"
#include "parallel.h"

namespace lntune {

void adamw(float* param, const float* grad, float* m, float* v, int64_t n, double lr, double beta1, double beta2,
           double eps, double weight_decay, int64_t step) {
  const double step_size = lr / (1.0 - std::pow(beta1, static_cast<double>(step)));
  const double inv_bc2_sqrt = 1.0 / std::sqrt(1.0 - std::pow(beta2, static_cast<double>(step)));
  const double decay = 1.0 - lr * weight_decay;
  parallel_for(n, 12.0, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; i++) {
      const double g = grad[i];
      const float mi = static_cast<float>(beta1 * m[i] + (1.0 - beta1) * g);
      const float vi = static_cast<float>(beta2 * v[i] + (1.0 - beta2) * g * g);
      m[i] = mi;
      v[i] = vi;
      const double p = param[i] * decay;
      param[i] = static_cast<float>(p - step_size * mi / (std::sqrt(static_cast<double>(vi)) * inv_bc2_sqrt + eps));
    }
  });
}

}  // namespace lntune
