// The non-GEMM kernels of the engine. Semantics follow src/backend/kernels.ts; all buffers are flat,
// row-major and sized by the caller.
#pragma once

#include <cstdint>

#include "gelu_kind.h"

namespace lntune {

void rms_norm_forward(const float* x, const float* w, float* y, float* rstd, int64_t rows, int64_t cols,
                      float eps);
void rms_norm_backward(const float* dy, const float* x, const float* w, const float* rstd, float* dx, float* dw,
                       int64_t rows, int64_t cols);
void layer_norm_forward(const float* x, const float* w, const float* b, float* y, float* mean, float* rstd,
                        int64_t rows, int64_t cols, float eps);
void layer_norm_backward(const float* dy, const float* x, const float* w, const float* mean, const float* rstd,
                         float* dx, float* dw, float* db, int64_t rows, int64_t cols);

void softmax_forward(const float* x, float* y, int64_t rows, int64_t cols);
void softmax_backward(const float* dy, const float* y, float* dx, int64_t rows, int64_t cols);

struct AttentionShape {
  int64_t batch, tq, tk, hq, hkv, d;
  float scale;
  bool causal;
  int64_t q_offset;
  const uint8_t* key_mask;  // [batch, tk] or null
};
void attention_forward(const float* q, const float* k, const float* v, float* o, float* lse,
                       const AttentionShape& s);
void attention_backward(const float* q, const float* k, const float* v, const float* o, const float* lse,
                        const float* d_o, float* dq, float* dk, float* dv, const AttentionShape& s);

void rope(float* x, const float* cos, const float* sin, int64_t n, int64_t h, int64_t d, bool inverse);
void swiglu_forward(const float* gate, const float* up, float* out, int64_t n);
void swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup, int64_t n);

void gelu_forward(const float* x, float* y, int64_t n, GeluKind kind);
void gelu_backward(const float* x, const float* dy, float* dx, int64_t n, GeluKind kind);

// Returns the first row whose label is neither ignore_index nor in [0, V), or -1 (nothing computed then).
int64_t cross_entropy_forward(const float* logits, const int32_t* labels, float* loss, float* lse, int64_t rows,
                              int64_t v, int32_t ignore_index);
void cross_entropy_backward(const float* logits, const int32_t* labels, const float* lse, float* dlogits,
                            float scale, int64_t rows, int64_t v, int32_t ignore_index);

void adamw(float* param, const float* grad, float* m, float* v, int64_t n, double lr, double beta1, double beta2,
           double eps, double weight_decay, int64_t step);

}  // namespace lntune
