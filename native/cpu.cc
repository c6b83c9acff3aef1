#include "cpu.h"

#include <cstdlib>
#include <cstring>

namespace lntune {

namespace {

// LNTUNE_ISA caps the choice (for testing the narrower kernels on a wide machine): "avx512" keeps the base
// AVX-512 kernels without the extensions, "avx2" and "scalar" go further down.
const char* isa_cap() { return std::getenv("LNTUNE_ISA"); }

Isa detect() {
  __builtin_cpu_init();
  Isa best = Isa::Scalar;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
    best = Isa::Avx2;
  if (best == Isa::Avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
    best = Isa::Avx512;
  if (const char* cap = isa_cap()) {
    if (std::strcmp(cap, "scalar") == 0) best = Isa::Scalar;
    else if (std::strcmp(cap, "avx2") == 0 && best == Isa::Avx512) best = Isa::Avx2;
  }
  return best;
}

}  // namespace

Isa detected_isa() {
  static const Isa isa = detect();
  return isa;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return has_avx512_bf16() ? "avx512_bf16" : "avx512";
    case Isa::Avx2: return "avx2";
    default: return "scalar";
  }
}

bool has_avx512_bf16() {
  static const bool on = [] {
    __builtin_cpu_init();
    return detected_isa() == Isa::Avx512 && isa_cap() == nullptr && __builtin_cpu_supports("avx512bf16");
  }();
  return on;
}

}  // namespace lntune
