// RoPE, SwiGLU and the GELU family, parallel over chunks of elements.
#include "kernels.generated.h"
#include "parallel.h"
#include "vec.h"

namespace lntune {

void rope(float* x, const float* cos, const float* sin, int64_t n, int64_t h, int64_t d, bool inverse) {
  const int64_t half = d / 2;
  const float sign = inverse ? -1.0f : 1.0f;
  parallel_for(n, 3.0 * h * d, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; t++) {
      const float* c = cos + t * half;
      const float* s = sin + t * half;
      for (int64_t hh = 0; hh < h; hh++) {
        float* lo = x + (t * h + hh) * d;
        float* hi = lo + half;
        for (int64_t i = 0; i < half; i++) {
          const float a = lo[i], b = hi[i], si = sign * s[i];
          lo[i] = a * c[i] - b * si;
          hi[i] = b * c[i] + a * si;
        }
      }
    }
  });
}

void swiglu_forward(const float* gate, const float* up, float* out, int64_t n) {
  parallel_for(n, 10.0, [&](int64_t i0, int64_t i1) { vec().swiglu_forward(gate + i0, up + i0, out + i0, i1 - i0); });
}

void swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup, int64_t n) {
  parallel_for(n, 12.0, [&](int64_t i0, int64_t i1) {
    vec().swiglu_backward(gate + i0, up + i0, dout + i0, dgate + i0, dup + i0, i1 - i0);
  });
}

void gelu_forward(const float* x, float* y, int64_t n, GeluKind kind) {
  parallel_for(n, 20.0, [&](int64_t i0, int64_t i1) { vec().gelu_forward(x + i0, y + i0, i1 - i0, kind); });
}

void gelu_backward(const float* x, const float* dy, float* dx, int64_t n, GeluKind kind) {
  parallel_for(n, 25.0, [&](int64_t i0, int64_t i1) {
    vec().gelu_backward(x + i0, dy + i0, dx + i0, i1 - i0, kind);
  });
}

}  // namespace lntune
