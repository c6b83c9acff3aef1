// Instruction-set detection, done once. Kernels are compiled per ISA with target attributes and the
// best supported one is picked at run time, so the binary needs no -march flag.
#pragma once

namespace lntune {

enum class Isa { Scalar, Avx2, Avx512 };

Isa detected_isa();
// The ISA's name, with the extensions in use ("avx512_bf16").
const char* isa_name(Isa isa);

// AVX-512 extensions used by some kernels beside the base ISA (only with Isa::Avx512; LNTUNE_ISA turns them off).
// BF16: vdpbf16ps, the bf16 dot product of the bf16 GEMM.
bool has_avx512_bf16();

}  // namespace lntune
