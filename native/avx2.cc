// The AVX2/FMA instantiations of the kernel templates: row primitives, GEMM microkernel (6×16 tile, 12 ymm
// accumulators), transposing pack, GEMV and quantised decoding.
#include "isa_prelude.h"

#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")

#include "gemm_microkernel.h"
#include "gemm_pack_panel.h"
#include "gemv.h"
#include "gemv_quant.h"
#include "quant_decode.h"
#include "simd_avx2.h"
#include "vec_rows.h"

namespace lntune {

VecOps vec_ops_avx2() { return Rows<Avx2>::ops(); }

// The A block is 144×512 floats (288 KiB, in L2); one B micro-panel 512×16 (32 KiB, in L1/L2).
GemmKernel gemm_kernel_avx2() { return {6, 16, 144, 512, 2048, microkernel<Avx2, 6>, "avx2"}; }

PackT pack_t_avx2() { return pack_t<Avx2>; }

GemvKernel gemv_avx2() { return gemv<Avx2>; }

QuantGemvKernel gemv_quant_avx2() { return gemv_quant<Avx2>; }

QuantDecode quant_decode_avx2() { return decode_quant<Avx2>; }

}  // namespace lntune

#pragma GCC pop_options
