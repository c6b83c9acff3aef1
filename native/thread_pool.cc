#include "thread_pool.h"

#include <immintrin.h>

#include <cstdlib>

namespace lntune {

namespace {

thread_local bool in_task = false;

// About 50 µs of polling before a worker goes to sleep.
constexpr int kSpinIterations = 1000;

}  // namespace

int default_thread_count() {
  if (const char* env = std::getenv("LNTUNE_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

ThreadPool& ThreadPool::instance() {
  // Never destroyed: joining threads from a static destructor during process exit is fragile.
  static ThreadPool* pool = new ThreadPool(default_thread_count());
  return *pool;
}

ThreadPool::ThreadPool(int n) { start_workers(n); }

void ThreadPool::start_workers(int n) {
  size_ = n < 1 ? 1 : n;
  stop_ = false;
  // A worker must start from the generation current now, not when its thread first runs: a job
  // posted in between would otherwise be missed.
  const uint64_t start = generation_.load(std::memory_order_acquire);
  for (int i = 1; i < size_; i++) workers_.emplace_back([this, start] { worker_loop(start); });
}

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

void ThreadPool::resize(int n) {
  std::lock_guard<std::mutex> own(owner_);
  if (n < 1) n = 1;
  if (n == size_) return;
  stop_workers();
  start_workers(n);
}

void ThreadPool::drain() {
  const int n = ntasks_;
  for (int t = next_task_.fetch_add(1); t < n; t = next_task_.fetch_add(1)) (*task_)(t);
}

void ThreadPool::worker_loop(uint64_t seen) {
  in_task = true;
  for (;;) {
    for (int i = 0; i < kSpinIterations && generation_.load(std::memory_order_acquire) == seen; i++)
      _mm_pause();
    if (generation_.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_acquire) != seen; });
      if (stop_) return;
    }
    seen = generation_.load(std::memory_order_acquire);
    drain();
    finished_workers_.fetch_add(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::run(int ntasks, const std::function<void(int)>& task) {
  if (ntasks <= 0) return;
  std::unique_lock<std::mutex> own(owner_, std::defer_lock);
  if (in_task || size_ == 1 || ntasks == 1 || !own.try_lock()) {
    for (int t = 0; t < ntasks; t++) task(t);
    return;
  }
  task_ = &task;
  ntasks_ = ntasks;
  next_task_.store(0, std::memory_order_relaxed);
  finished_workers_.store(0, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  wake_.notify_all();
  in_task = true;
  drain();
  in_task = false;
  const int workers = static_cast<int>(workers_.size());
  while (finished_workers_.load(std::memory_order_acquire) < workers) _mm_pause();
}

}  // namespace lntune
