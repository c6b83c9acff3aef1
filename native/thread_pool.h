// A persistent pool of worker threads. The calling thread takes part in every job, so a pool of n
// threads owns n - 1 workers. Between jobs the workers spin briefly (back-to-back kernel calls are
// common) and then sleep on a condition variable.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lntune {

class ThreadPool {
 public:
  static ThreadPool& instance();

  int size() const { return size_; }
  void resize(int n);

  // Runs task(0) ... task(ntasks - 1), spread over the pool, and returns when all are done. Tasks are
  // handed out dynamically, so a task's result must not depend on which thread runs it. Called from
  // inside a task (or while another thread owns the pool) it runs the tasks serially on the caller.
  void run(int ntasks, const std::function<void(int)>& task);

 private:
  explicit ThreadPool(int n);
  void start_workers(int n);
  void stop_workers();
  void worker_loop(uint64_t seen);
  void drain();

  int size_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::mutex owner_;  // held by the thread whose job is running
  bool stop_ = false;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> next_task_{0};
  std::atomic<int> finished_workers_{0};
  int ntasks_ = 0;
  const std::function<void(int)>* task_ = nullptr;
};

// Number of threads from LNTUNE_THREADS, else all hardware threads.
int default_thread_count();

}  // namespace lntune
