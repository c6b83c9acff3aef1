// The portable instantiation of the row primitives (the GEMM has its own scalar microkernel and pack), and
// the choice among the ISAs' row primitives.
#include "cpu.h"
#include "isa_prelude.h"
#include "simd_scalar.h"
#include "vec_rows.h"

namespace lntune {

VecOps vec_ops_scalar() { return Rows<Scalar>::ops(); }

const VecOps& vec() {
  static const VecOps ops = [] {
    switch (detected_isa()) {
      case Isa::Avx512: return vec_ops_avx512();
      case Isa::Avx2: return vec_ops_avx2();
      default: return vec_ops_scalar();
    }
  }();
  return ops;
}

}  // namespace lntune
