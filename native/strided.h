// Walking a shape given as Dims (kernels.generated.h) row by row: a row is the last axis, and a row's
// offset under some strides comes from its index over the other axes.
#pragma once

#include <cstdint>

#include "kernels.generated.h"

namespace lntune {

inline int64_t numel(const Dims& shape) {
  int64_t n = 1;
  for (int64_t i = 0; i < shape.n; i++) n *= shape.v[i];
  return n;
}

// Length of a row (1 for a rank-0 shape) and the stride along it.
inline int64_t row_length(const Dims& shape) { return shape.n ? shape.v[shape.n - 1] : 1; }
inline int64_t row_stride(const Dims& strides) { return strides.n ? strides.v[strides.n - 1] : 0; }

// Element offset of the first element of row r under strides.
inline int64_t row_offset(const Dims& shape, const Dims& strides, int64_t r) {
  int64_t offset = 0;
  for (int64_t i = shape.n - 2; i >= 0; i--) {
    offset += (r % shape.v[i]) * strides.v[i];
    r /= shape.v[i];
  }
  return offset;
}

// Whether every element of shape has its own position under strides (no repeated axis).
inline bool distinct(const Dims& shape, const Dims& strides) {
  for (int64_t i = 0; i < shape.n; i++)
    if (shape.v[i] > 1 && strides.v[i] == 0) return false;
  return true;
}

}  // namespace lntune
