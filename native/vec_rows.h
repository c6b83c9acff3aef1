// The row primitives of vec.h, written once over a vector trait S (see simd_common.h for how an ISA's file
// includes this). Full vectors and a row's masked tail go through the same code.
#pragma once

#include "simd_common.h"

namespace lntune {
namespace {

template <class S>
struct Rows {
  using V = typename S::V;
  using M = typename S::M;
  using D = typename S::D;
  static constexpr int W = S::W;

  static float max(const float* x, int64_t n) {
    const V lowest = S::set1(-INFINITY);
    V m = lowest;
    for (int64_t i = 0; i < n; i += W) m = S::max(m, S::load(x + i, S::mask(n - i), lowest));
    return S::hmax(m);
  }

  static float exp_sum(const float* x, float shift, float* out, int64_t n) {
    const V s = S::set1(shift);
    V acc = S::zero();
    for (int64_t i = 0; i < n; i += W) {
      const auto k = S::mask(n - i);
      const V e = S::exp(S::sub(S::load(x + i, k), s));
      acc = S::add(acc, S::select(k, e, S::zero()));
      if (out) S::store(out + i, k, e);
    }
    return S::hsum(acc);
  }

  static void scale(float* x, float s, int64_t n) {
    const V vs = S::set1(s);
    for (int64_t i = 0; i < n; i += W) {
      const auto k = S::mask(n - i);
      S::store(x + i, k, S::mul(S::load(x + i, k), vs));
    }
  }

  static float dot(const float* a, const float* b, int64_t n) {
    V acc = S::zero();
    for (int64_t i = 0; i < n; i += W) {
      const auto k = S::mask(n - i);
      acc = S::fmadd(S::load(a + i, k), S::load(b + i, k), acc);
    }
    return S::hsum(acc);
  }

  static V sigmoid(V g) {
    const V one = S::set1(1.0f);
    return S::div(one, S::add(one, S::exp(S::sub(S::zero(), g))));
  }

  static void swiglu_forward(const float* gate, const float* up, float* out, int64_t n) {
    for (int64_t i = 0; i < n; i += W) {
      const auto k = S::mask(n - i);
      const V g = S::load(gate + i, k);
      S::store(out + i, k, S::mul(S::mul(g, sigmoid(g)), S::load(up + i, k)));
    }
  }

  static void swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                              int64_t n) {
    const V one = S::set1(1.0f);
    for (int64_t i = 0; i < n; i += W) {
      const auto k = S::mask(n - i);
      const V g = S::load(gate + i, k);
      const V d = S::load(dout + i, k);
      const V sg = sigmoid(g);
      S::store(dup + i, k, S::mul(d, S::mul(g, sg)));
      // d·up·σ·(1 + g·(1 − σ))
      const V t = S::fmadd(g, S::sub(one, sg), one);
      const V du = S::mul(d, S::load(up + i, k));
      S::store(dgate + i, k, S::mul(S::mul(du, sg), t));
    }
  }

  // σ of the GELU's inner argument: σ(1.702·x) for quick, σ(2u) for tanh (see vec.h).
  static V gelu_sigmoid(V x, GeluKind kind) {
    if (kind == GeluKind::Quick) return sigmoid(S::mul(S::set1(kGeluQuick), x));
    const V inner = S::fmadd(S::set1(kGeluTanhCoef), S::mul(x, x), S::set1(1.0f));
    return sigmoid(S::mul(S::mul(S::set1(2.0f * kGeluSqrt2OverPi), x), inner));
  }

  // The erf form is computed with the library erf, one value at a time: a vector erf accurate to f32 rounding
  // is not worth it here.
  static void gelu_forward(const float* x, float* y, int64_t n, GeluKind kind) {
    if (kind == GeluKind::Erf) {
      for (int64_t i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + std::erf(x[i] * kInvSqrt2));
      return;
    }
    for (int64_t i = 0; i < n; i += W) {
      const auto k = S::mask(n - i);
      const V v = S::load(x + i, k);
      S::store(y + i, k, S::mul(v, gelu_sigmoid(v, kind)));
    }
  }

  // quick: s + 1.702·x·s·(1 − s); tanh: s + 2·x·s·(1 − s)·√(2/π)·(1 + 3·0.044715·x²).
  static void gelu_backward(const float* x, const float* dy, float* dx, int64_t n, GeluKind kind) {
    if (kind == GeluKind::Erf) {
      for (int64_t i = 0; i < n; i++) {
        const float v = x[i];
        dx[i] = dy[i] * (0.5f * (1.0f + std::erf(v * kInvSqrt2)) + v * std::exp(-0.5f * v * v) * kInvSqrt2Pi);
      }
      return;
    }
    const V one = S::set1(1.0f);
    for (int64_t i = 0; i < n; i += W) {
      const auto k = S::mask(n - i);
      const V v = S::load(x + i, k);
      const V s = gelu_sigmoid(v, kind);
      const V slope = kind == GeluKind::Quick
                          ? S::set1(kGeluQuick)
                          : S::mul(S::set1(2.0f * kGeluSqrt2OverPi),
                                   S::fmadd(S::set1(3.0f * kGeluTanhCoef), S::mul(v, v), one));
      const V g = S::fmadd(S::mul(slope, v), S::mul(s, S::sub(one, s)), s);
      S::store(dx + i, k, S::mul(S::load(dy + i, k), g));
    }
  }

  // One operand of a row: its next W values, or its one value repeated (stride 0).
  static V operand(const float* p, int64_t stride, int64_t i, const M& k) {
    return stride ? S::load(p + i, k) : S::set1(*p);
  }

  // The binary ops: fwd(x, y), and grad(d, x, y, dx, dy) setting the contributions to a's and b's
  // gradients for the output gradient d. (Structs rather than lambdas: a lambda's body would not be compiled
  // for the target region.)
  struct Add {
    static V fwd(V x, V y) { return S::add(x, y); }
    static void grad(V d, V, V, V& dx, V& dy) { dx = dy = d; }
  };
  struct Sub {
    static V fwd(V x, V y) { return S::sub(x, y); }
    static void grad(V d, V, V, V& dx, V& dy) {
      dx = d;
      dy = S::sub(S::zero(), d);
    }
  };
  struct Mul {
    static V fwd(V x, V y) { return S::mul(x, y); }
    static void grad(V d, V x, V y, V& dx, V& dy) {
      dx = S::mul(d, y);
      dy = S::mul(d, x);
    }
  };
  struct Div {
    static V fwd(V x, V y) { return S::div(x, y); }
    static void grad(V d, V x, V y, V& dx, V& dy) {
      dx = S::div(d, y);
      dy = S::div(S::sub(S::zero(), S::mul(d, x)), S::mul(y, y));
    }
  };

  template <class Op>
  static void binary_with(const float* a, int64_t sa, const float* b, int64_t sb, float* out, int64_t n) {
    for (int64_t i = 0; i < n; i += W) {
      const auto k = S::mask(n - i);
      S::store(out + i, k, Op::fwd(operand(a, sa, i, k), operand(b, sb, i, k)));
    }
  }

  static void binary(BinaryOp op, const float* a, int64_t sa, const float* b, int64_t sb, float* out,
                     int64_t n) {
    switch (op) {
      case BinaryOp::Add: return binary_with<Add>(a, sa, b, sb, out, n);
      case BinaryOp::Sub: return binary_with<Sub>(a, sa, b, sb, out, n);
      case BinaryOp::Mul: return binary_with<Mul>(a, sa, b, sb, out, n);
      case BinaryOp::Div: return binary_with<Div>(a, sa, b, sb, out, n);
    }
  }

  // Adds the contributions c (lanes k) into a target row: lane by lane (stride 1) or into one sum (stride 0).
  static void add_into(float* t, int64_t stride, int64_t i, const M& k, V c, V& sum) {
    if (stride) S::store(t + i, k, S::add(S::load(t + i, k), c));
    else sum = S::add(sum, S::select(k, c, S::zero()));
  }

  template <class Op>
  static void grad_with(const float* g, const float* a, int64_t sa, const float* b, int64_t sb, float* ga,
                        float* gb, int64_t n) {
    V sum_a = S::zero(), sum_b = S::zero();
    for (int64_t i = 0; i < n; i += W) {
      const auto k = S::mask(n - i);
      V dx, dy;
      Op::grad(S::load(g + i, k), operand(a, sa, i, k), operand(b, sb, i, k), dx, dy);
      if (ga) add_into(ga, sa, i, k, dx, sum_a);
      if (gb) add_into(gb, sb, i, k, dy, sum_b);
    }
    if (ga && !sa && n > 0) *ga += S::hsum(sum_a);
    if (gb && !sb && n > 0) *gb += S::hsum(sum_b);
  }

  static void binary_grad(BinaryOp op, const float* g, const float* a, int64_t sa, const float* b, int64_t sb,
                          float* ga, float* gb, int64_t n) {
    switch (op) {
      case BinaryOp::Add: return grad_with<Add>(g, a, sa, b, sb, ga, gb, n);
      case BinaryOp::Sub: return grad_with<Sub>(g, a, sa, b, sb, ga, gb, n);
      case BinaryOp::Mul: return grad_with<Mul>(g, a, sa, b, sb, ga, gb, n);
      case BinaryOp::Div: return grad_with<Div>(g, a, sa, b, sb, ga, gb, n);
    }
  }

  // The element-wise loops below are left to the compiler's vectoriser (compiled for this ISA).
  static void scale_f64(const float* x, float* y, int64_t n, double alpha) {
    for (int64_t i = 0; i < n; i++) y[i] = static_cast<float>(static_cast<double>(x[i]) * alpha);
  }

  static void accumulate(float* dst, const float* src, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] += src[i];
  }

  static void add_f64(const float* x, double* acc, int64_t n) {
    for (int64_t i = 0; i < n; i++) acc[i] += static_cast<double>(x[i]);
  }

  static double sum_f64(const float* x, int64_t n) {
    D lo = S::dzero(), hi = S::dzero();
    for (int64_t i = 0; i < n; i += W) {
      const V v = S::load(x + i, S::mask(n - i));
      lo = S::dadd(lo, S::lo(v));
      hi = S::dadd(hi, S::hi(v));
    }
    return S::dhsum(S::dadd(lo, hi));
  }

  static double sum_sq_f64(const float* x, int64_t n) {
    D lo = S::dzero(), hi = S::dzero();
    for (int64_t i = 0; i < n; i += W) {
      const V v = S::load(x + i, S::mask(n - i));
      lo = S::dfmadd(S::lo(v), S::lo(v), lo);
      hi = S::dfmadd(S::hi(v), S::hi(v), hi);
    }
    return S::dhsum(S::dadd(lo, hi));
  }

  static VecOps ops() {
    return {max,        exp_sum,    scale,     dot,        swiglu_forward, swiglu_backward, gelu_forward,
            gelu_backward, binary, binary_grad, scale_f64, accumulate, add_f64,        sum_f64,
            sum_sq_f64};
  }

 private:
  static constexpr float kInvSqrt2 = 0.7071067811865476f;
  static constexpr float kInvSqrt2Pi = 0.3989422804014327f;
};

}  // namespace
}  // namespace lntune
