// The AVX-512 instantiations of the kernel templates: row primitives, GEMM microkernel (14×32 tile, 28 zmm
// accumulators + 2 for B + 1 broadcast of A), transposing pack, GEMV and quantised decoding.
#include "isa_prelude.h"

// GCC 12's AVX-512 headers build their "undefined" operands from self-initialised locals, which
// -Wmaybe-uninitialized reports at every inlined use (GCC bug 105593); the warning says nothing here.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,fma,f16c")

#include "gemm_microkernel.h"
#include "gemm_pack_panel.h"
#include "gemv.h"
#include "gemv_quant.h"
#include "quant_decode.h"
#include "simd_avx512.h"
#include "vec_rows.h"

namespace lntune {

VecOps vec_ops_avx512() { return Rows<Avx512>::ops(); }

// Blocking for a 1 MiB L2: a deep kc (few passes over C, which outgrows L2 on large shapes) with the A block
// (84×1024 floats, 336 KiB) and one B micro-panel (1024×32, 128 KiB) together well inside L2.
GemmKernel gemm_kernel_avx512() { return {14, 32, 84, 1024, 2048, microkernel<Avx512, 14>, "avx512"}; }

PackT pack_t_avx512() { return pack_t<Avx512>; }

GemvKernel gemv_avx512() { return gemv<Avx512>; }

QuantGemvKernel gemv_quant_avx512() { return gemv_quant<Avx512>; }

QuantDecode quant_decode_avx512() { return decode_quant<Avx512>; }

}  // namespace lntune

#pragma GCC pop_options
