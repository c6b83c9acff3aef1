// The portable vector trait: one f32 lane, library exp, for CPUs without AVX2 (see simd_common.h).
#pragma once

#include "simd_common.h"

namespace lntune {
namespace {

struct Scalar {
  using V = float;
  using M = bool;
  using D = double;
  static constexpr int W = 1;

  static M mask(int64_t left) { return left > 0; }
  static V zero() { return 0.0f; }
  static V set1(float x) { return x; }
  static V load(const float* p, M m, V fill = 0.0f) { return m ? *p : fill; }
  static void store(float* p, M m, V v) {
    if (m) *p = v;
  }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  static V fmadd(V a, V b, V c) { return a * b + c; }
  static V fnmadd(V a, V b, V c) { return c - a * b; }
  static V max(V a, V b) { return b > a ? b : a; }
  static V select(M m, V a, V b) { return m ? a : b; }
  static V exp(V x) { return std::exp(x); }
  static float hsum(V v) { return v; }
  static float hmax(V v) { return v; }

  static D dzero() { return 0.0; }
  static D dadd(D a, D b) { return a + b; }
  static D dfmadd(D a, D b, D c) { return a * b + c; }
  // A lane widened to double; the empty upper half is 0.
  static D lo(V v) { return v; }
  static D hi(V) { return 0.0; }
  static double dhsum(D v) { return v; }
};

}  // namespace
}  // namespace lntune
