// A growable, 64-byte aligned float scratch buffer (one per thread and purpose).
#pragma once

#include <cstddef>
#include <cstdlib>

namespace lntune {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer() { std::free(data_); }

  // Returns room for at least n floats; the previous contents are not kept.
  float* get(size_t n) {
    if (n > capacity_) {
      std::free(data_);
      const size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
      data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
      capacity_ = data_ ? n : 0;
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace lntune
