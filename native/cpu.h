// Instruction-set detection, done once. Kernels are compiled per ISA with target attributes and the
// best supported one is picked at run time, so the binary needs no -march flag.
#pragma once

namespace lntune {

enum class Isa { Scalar, Avx2, Avx512 };

Isa detected_isa();
const char* isa_name(Isa isa);

}  // namespace lntune
