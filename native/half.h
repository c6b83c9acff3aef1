// Conversion of 16-bit storage formats (bf16, IEEE f16) to f32.
#pragma once

#include <cstdint>

namespace lntune {

// Converts n contiguous 16-bit values (bf16 when is_bf16, else f16) to f32.
void half_to_f32(const uint16_t* src, int64_t n, bool is_bf16, float* dst);

}  // namespace lntune
