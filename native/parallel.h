// Splitting of row-wise work over the thread pool.
#pragma once

#include <algorithm>
#include <cstdint>

#include "thread_pool.h"

namespace lntune {

// Below about this many element operations a kernel stays on the calling thread.
constexpr double kParallelWork = 32768;

// How many chunks `n` items of `work_per_item` each should be split into (1 = run serially).
inline int chunk_count(int64_t n, double work_per_item) {
  if (n <= 1 || static_cast<double>(n) * work_per_item < kParallelWork) return 1;
  return static_cast<int>(std::min<int64_t>(ThreadPool::instance().size(), n));
}

// Runs fn(chunk, begin, end) for `chunks` contiguous, near-equal chunks of [0, n).
template <class F>
void parallel_chunks(int64_t n, int chunks, F&& fn) {
  ThreadPool::instance().run(chunks, [&](int c) { fn(c, n * c / chunks, n * (c + 1) / chunks); });
}

// Runs fn(begin, end) over [0, n), split as chunk_count decides.
template <class F>
void parallel_for(int64_t n, double work_per_item, F&& fn) {
  parallel_chunks(n, chunk_count(n, work_per_item), [&](int, int64_t b, int64_t e) { fn(b, e); });
}

}  // namespace lntune
