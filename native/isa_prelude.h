// Everything the per-ISA files need from outside the kernel templates, included before their target region
// so that it is compiled for the baseline ISA (see simd_common.h).
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "gemm_kernels.h"
#include "gemm_pack.h"
#include "kernels.generated.h"
#include "quant.h"
#include "vec.h"
