// RMSNorm and LayerNorm, forward and backward, parallel over rows. Weight gradients are summed per chunk
// of rows into private buffers and then added in chunk order, so they are deterministic per thread count.
#include <cmath>
#include <vector>

#include "kernels.generated.h"
#include "parallel.h"
#include "vec.h"

namespace lntune {

namespace {

// Runs row_fn(begin, end, dw_part, db_part) over chunks of rows, then adds the parts into dw and db.
template <class F>
void rows_with_param_grads(int64_t rows, int64_t cols, float* dw, float* db, F&& row_fn) {
  const int chunks = chunk_count(rows, 6.0 * cols);
  const int64_t width = (dw ? cols : 0) + (db ? cols : 0);
  std::vector<float> parts(static_cast<size_t>(chunks * width), 0.0f);
  parallel_chunks(rows, chunks, [&](int c, int64_t r0, int64_t r1) {
    float* part = parts.data() + c * width;
    row_fn(r0, r1, dw ? part : nullptr, db ? part + (dw ? cols : 0) : nullptr);
  });
  for (int c = 0; c < chunks; c++) {
    const float* part = parts.data() + c * width;
    if (dw)
      for (int64_t j = 0; j < cols; j++) dw[j] += part[j];
    if (db)
      for (int64_t j = 0; j < cols; j++) db[j] += part[(dw ? cols : 0) + j];
  }
}

}  // namespace

void rms_norm_forward(const float* x, const float* w, float* y, float* rstd, int64_t rows, int64_t cols,
                      float eps) {
  parallel_for(rows, 3.0 * cols, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      const float ss = vec().dot(xr, xr, cols);
      const float rs = 1.0f / std::sqrt(ss / static_cast<float>(cols) + eps);
      rstd[r] = rs;
      // Normalise first, then scale by the weight (the order HF uses).
      for (int64_t j = 0; j < cols; j++) yr[j] = (xr[j] * rs) * w[j];
    }
  });
}

void rms_norm_backward(const float* dy, const float* x, const float* w, const float* rstd, float* dx, float* dw,
                       int64_t rows, int64_t cols) {
  rows_with_param_grads(rows, cols, dw, nullptr, [&](int64_t r0, int64_t r1, float* dw_part, float*) {
    for (int64_t r = r0; r < r1; r++) {
      const float* dyr = dy + r * cols;
      const float* xr = x + r * cols;
      float* dxr = dx + r * cols;
      const float rs = rstd[r];
      // dx = rs·(dy·w − x̂·mean(dy·w·x̂)), with x̂ = x·rs.
      float dot = 0.0f;
      for (int64_t j = 0; j < cols; j++) dot += dyr[j] * w[j] * xr[j];
      const float k = dot * rs / static_cast<float>(cols);
      for (int64_t j = 0; j < cols; j++) {
        const float xhat = xr[j] * rs;
        dxr[j] = rs * (dyr[j] * w[j] - xhat * k);
        if (dw_part) dw_part[j] += dyr[j] * xhat;
      }
    }
  });
}

void layer_norm_forward(const float* x, const float* w, const float* b, float* y, float* mean, float* rstd,
                        int64_t rows, int64_t cols, float eps) {
  parallel_for(rows, 5.0 * cols, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      float* yr = y + r * cols;
      // Two passes (mean, then centred squares) avoid the cancellation of E[x²] − E[x]².
      float s = 0.0f;
      for (int64_t j = 0; j < cols; j++) s += xr[j];
      const float mu = s / static_cast<float>(cols);
      float var = 0.0f;
      for (int64_t j = 0; j < cols; j++) var += (xr[j] - mu) * (xr[j] - mu);
      const float rs = 1.0f / std::sqrt(var / static_cast<float>(cols) + eps);
      mean[r] = mu;
      rstd[r] = rs;
      for (int64_t j = 0; j < cols; j++) yr[j] = (xr[j] - mu) * rs * w[j] + b[j];
    }
  });
}

void layer_norm_backward(const float* dy, const float* x, const float* w, const float* mean, const float* rstd,
                         float* dx, float* dw, float* db, int64_t rows, int64_t cols) {
  rows_with_param_grads(rows, cols, dw, db, [&](int64_t r0, int64_t r1, float* dw_part, float* db_part) {
    for (int64_t r = r0; r < r1; r++) {
      const float* dyr = dy + r * cols;
      const float* xr = x + r * cols;
      float* dxr = dx + r * cols;
      const float mu = mean[r];
      const float rs = rstd[r];
      float sg = 0.0f, sgx = 0.0f;
      for (int64_t j = 0; j < cols; j++) {
        const float g = dyr[j] * w[j];
        sg += g;
        sgx += g * (xr[j] - mu) * rs;
      }
      sg /= static_cast<float>(cols);
      sgx /= static_cast<float>(cols);
      for (int64_t j = 0; j < cols; j++) {
        const float xhat = (xr[j] - mu) * rs;
        dxr[j] = rs * (dyr[j] * w[j] - sg - xhat * sgx);
        if (dw_part) dw_part[j] += dyr[j] * xhat;
        if (db_part) db_part[j] += dyr[j];
      }
    }
  });
}

}  // namespace lntune
