// Decoding of the block-quantised formats (quant.cc) with each ISA's vectors (quant_decode.h, instantiated in
// avx512.cc and avx2.cc): the same f32 product per value as quant.cc's portable loops, so the same bits.
#pragma once

#include <cstdint>

#include "dtypes.generated.h"

namespace lntune {

// Decodes n values (whole blocks) of a block-quantised `type`; `levels` is NF4's table of 16 values.
using QuantDecode = void (*)(Dtype type, const void* src, const float* levels, float* dst, int64_t n);
QuantDecode quant_decode_avx512();
QuantDecode quant_decode_avx2();

// NF4's 16 levels, as QLoRA defines them.
const float* nf4_levels();

}  // namespace lntune
