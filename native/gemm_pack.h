// Packing of A blocks and B panels into the microkernel layouts (zero-padded to full tiles).
#pragma once

#include "gemm.h"

namespace lntune {

// Values [offset, offset + n) of a stored buffer as f32: the buffer itself for f32; else decoded into scratch,
// which must hold span_scratch(type, n) floats (a block-quantised span is decoded from the start of its first
// block to the end of its last).
const float* decode_span(const void* base, Dtype type, int64_t offset, int64_t n, float* scratch);
int64_t span_scratch(Dtype type, int64_t n);

// Packs op(A)[i0 : i0+mc, p0 : p0+kc] as ceil(mc/mr) panels of kc×mr.
void pack_a(const Gemm& g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, int mr, float* dst);

// Packs op(B)[p0 : p0+kc, j0 : j0+nc] as ceil(nc/nr) panels of kc×nr; row is scratch of pack_b_scratch floats.
void pack_b(const Gemm& g, int64_t p0, int64_t kc, int64_t j0, int64_t nc, int nr, float* dst, float* row);
int64_t pack_b_scratch(Dtype type, int64_t kc, int64_t nc, int nr);

// Transposing pack of one panel: out[p·w + r] = f32(src[r·ld + p]) for r < rows, p < kc, and 0 for
// rows <= r < w. src and ld count elements of `type`. This is how A (not transposed) and B (transposed,
// N×K) reach the microkernel, so each ISA has its own in-register transpose.
// Rounds n packed values to bf16 (nearest even), kept as f32: the bf16 GEMM's operands on CPUs without vdpbf16ps.
void round_to_bf16(float* x, int64_t n);

using PackT = void (*)(const void* src, Dtype type, int64_t ld, int rows, int64_t kc, int w, float* out);
PackT pack_t_avx512();
PackT pack_t_avx2();

}  // namespace lntune
