// The GELU variants, shared by the kernel interface (kernels.h) and the per-ISA row primitives (vec.h).
#pragma once

namespace lntune {

enum class GeluKind { Erf, Tanh, Quick };

}  // namespace lntune
