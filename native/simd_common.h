// What the vector traits share. A trait (simd_avx512.h, simd_avx2.h, simd_scalar.h) gives one ISA's vector
// type V of W f32 lanes, a lane mask M for row tails, a double vector D of W/2 lanes and the operations on
// them; the kernel templates (vec_rows.h, gemm_microkernel.h, gemm_pack_panel.h) are written once over it.
// An ISA's file (avx512.cc, avx2.cc, scalar.cc) includes isa_prelude.h, opens its target region, includes
// these headers and instantiates the templates: every function they define is compiled for that ISA only, and
// the traits live in anonymous namespaces so nothing instantiated with them leaks to other files. These
// headers include no library header themselves (isa_prelude.h has, before the region), so no library code is
// compiled for a wider ISA than the baseline.
#pragma once

#include "isa_prelude.h"

namespace lntune {
namespace {

// e^r for r = x − n·ln2 (ln2 split in two for precision), |r| <= ln2/2, by a degree-7 Taylor polynomial
// (relative error about 2e-7); the trait multiplies by 2^n.
template <class S>
typename S::V exp_taylor(typename S::V x, typename S::V n) {
  typename S::V r = S::fnmadd(n, S::set1(0.693145751953125f), x);
  r = S::fnmadd(n, S::set1(1.428606765330187e-06f), r);
  typename S::V p = S::set1(1.0f / 5040);
  p = S::fmadd(p, r, S::set1(1.0f / 720));
  p = S::fmadd(p, r, S::set1(1.0f / 120));
  p = S::fmadd(p, r, S::set1(1.0f / 24));
  p = S::fmadd(p, r, S::set1(1.0f / 6));
  p = S::fmadd(p, r, S::set1(0.5f));
  p = S::fmadd(p, r, S::set1(1.0f));
  return S::fmadd(p, r, S::set1(1.0f));
}

}  // namespace
}  // namespace lntune
