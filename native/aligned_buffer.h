// A growable, page-aligned float scratch buffer (one per thread and purpose). It maps its pages directly
// instead of going through malloc: freeing a multi-MiB malloc block raises glibc's mmap threshold to that
// size, after which the process's other allocations of that size (tensors) come from the heap and are
// not returned to the system, so large packing buffers would inflate the peak RSS.
#pragma once

#include <sys/mman.h>

#include <cstddef>

namespace lntune {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer() { release(); }

  // Returns room for at least n floats (null when out of memory); the previous contents are not kept.
  float* get(size_t n) {
    if (n > capacity_) {
      release();
      const size_t bytes = n * sizeof(float);
      void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<float*>(p);
        capacity_ = n;
      }
    }
    return data_;
  }

 private:
  void release() {
    if (data_) munmap(data_, capacity_ * sizeof(float));
    data_ = nullptr;
    capacity_ = 0;
  }

  float* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace lntune
