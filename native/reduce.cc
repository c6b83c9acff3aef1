// Reductions in double. A long row is summed in blocks of fixed size whose partial sums are added in block
// order, and every output is computed by one task, so results do not depend on the thread count.
#include <vector>

#include "kernels.generated.h"
#include "parallel.h"
#include "vec.h"

namespace lntune {

namespace {

constexpr int64_t kBlock = 16384;
// Columns summed together when reducing over a middle axis.
constexpr int64_t kColumns = 256;

// Σ over `rows` rows of n values (row r at x + r·n) of f(row part), each row in kBlock blocks.
template <class F>
void block_sums(const float* x, int64_t rows, int64_t n, double* sums, F&& f) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  if (blocks <= 1) {
    parallel_for(rows, static_cast<double>(n), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; r++) sums[r] = f(x + r * n, n);
    });
    return;
  }
  std::vector<double> part(static_cast<size_t>(rows * blocks));
  parallel_for(rows * blocks, static_cast<double>(kBlock), [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const int64_t r = t / blocks, b0 = t % blocks * kBlock;
      part[t] = f(x + r * n + b0, std::min(kBlock, n - b0));
    }
  });
  for (int64_t r = 0; r < rows; r++) {
    double s = 0.0;
    for (int64_t b = 0; b < blocks; b++) s += part[r * blocks + b];
    sums[r] = s;
  }
}

}  // namespace

double sum_squares(const float* x, int64_t n) {
  double s = 0.0;
  block_sums(x, 1, n, &s, [](const float* p, int64_t len) { return vec().sum_sq_f64(p, len); });
  return s;
}

void sum_axis(const float* x, float* out, int64_t outer, int64_t n, int64_t inner, double alpha) {
  if (inner == 1) {
    std::vector<double> sums(static_cast<size_t>(outer));
    block_sums(x, outer, n, sums.data(), [](const float* p, int64_t len) { return vec().sum_f64(p, len); });
    for (int64_t o = 0; o < outer; o++) out[o] = static_cast<float>(sums[o] * alpha);
    return;
  }
  // One task per (o, block of columns): its columns summed down the n rows.
  const int64_t col_blocks = (inner + kColumns - 1) / kColumns;
  parallel_for(outer * col_blocks, static_cast<double>(n * kColumns), [&](int64_t t0, int64_t t1) {
    double acc[kColumns];
    for (int64_t t = t0; t < t1; t++) {
      const int64_t o = t / col_blocks, c0 = t % col_blocks * kColumns, len = std::min(kColumns, inner - c0);
      std::fill(acc, acc + len, 0.0);
      for (int64_t j = 0; j < n; j++) vec().add_f64(x + (o * n + j) * inner + c0, acc, len);
      for (int64_t c = 0; c < len; c++) out[o * inner + c0 + c] = static_cast<float>(acc[c] * alpha);
    }
  });
}

}  // namespace lntune
