// Scaled-dot-product attention on token-major layouts, in blocks of query rows so a thread never holds
// more than one head's scores. The products use the serial GEMM (each task already owns a thread).
// Forward is parallel over (batch, query head). Backward is parallel over (batch, kv head) so that the
// query heads sharing a kv head accumulate dk/dv on one thread, in a fixed order.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "aligned_buffer.h"
#include "gemm.h"
#include "kernels.generated.h"
#include "thread_pool.h"
#include "vec.h"

namespace lntune {

namespace {

constexpr int64_t kQueryBlock = 64;

// Strided views of one head, as GEMM operands.
struct HeadView {
  const float* q;
  const float* k;
  const float* v;
  int64_t ldq, ldkv;  // row strides of q/o and k/v
};

// Keys visible to query row i (absolute row index within the head): a prefix [0, limit).
int64_t visible_limit(const AttentionShape& s, int64_t i) {
  if (!s.causal) return s.tk;
  return std::clamp<int64_t>(s.q_offset + i + 1, 0, s.tk);
}

void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  Gemm g;
  g.trans_a = ta;
  g.trans_b = tb;
  g.m = m;
  g.n = n;
  g.k = k;
  g.alpha = alpha;
  g.a = a;
  g.lda = lda;
  g.b = b;
  g.ldb = ldb;
  g.beta = beta;
  g.c = c;
  g.ldc = ldc;
  sgemm_serial(g);
}

// Sets the scores of keys that row i (within the head) may not see to −Inf.
void mask_row(const AttentionShape& s, const uint8_t* key_mask, int64_t i, float* row, int64_t kn) {
  const int64_t limit = std::min(visible_limit(s, i), kn);
  for (int64_t j = limit; j < kn; j++) row[j] = -INFINITY;
  if (key_mask)
    for (int64_t j = 0; j < limit; j++)
      if (key_mask[j] == 0) row[j] = -INFINITY;
}

}  // namespace

void attention_forward(const float* q, const float* k, const float* v, float* o, float* lse,
                       const AttentionShape& s) {
  const int64_t group = s.hq / s.hkv;
  const int64_t ldq = s.hq * s.d, ldkv = s.hkv * s.d;
  ThreadPool::instance().run(static_cast<int>(s.batch * s.hq), [&](int task) {
    const int64_t b = task / s.hq, h = task % s.hq, kh = h / group;
    const float* qh = q + b * s.tq * ldq + h * s.d;
    const float* kh_ = k + b * s.tk * ldkv + kh * s.d;
    const float* vh = v + b * s.tk * ldkv + kh * s.d;
    float* oh = o + b * s.tq * ldq + h * s.d;
    float* lse_h = lse + (b * s.hq + h) * s.tq;
    const uint8_t* key_mask = s.key_mask ? s.key_mask + b * s.tk : nullptr;
    thread_local AlignedBuffer score_buf;
    float* scores = score_buf.get(kQueryBlock * std::max<int64_t>(s.tk, 1));
    for (int64_t i0 = 0; i0 < s.tq; i0 += kQueryBlock) {
      const int64_t rows = std::min(kQueryBlock, s.tq - i0);
      const int64_t kn = visible_limit(s, i0 + rows - 1);
      if (kn == 0) {
        for (int64_t i = 0; i < rows; i++) {
          std::memset(oh + (i0 + i) * ldq, 0, s.d * sizeof(float));
          lse_h[i0 + i] = -INFINITY;
        }
        continue;
      }
      gemm(false, true, rows, kn, s.d, s.scale, qh + i0 * ldq, ldq, kh_, ldkv, 0.0f, scores, kn);
      for (int64_t i = 0; i < rows; i++) {
        float* row = scores + i * kn;
        mask_row(s, key_mask, i0 + i, row, kn);
        const float m = vec().max(row, kn);
        if (m == -INFINITY) {
          std::memset(row, 0, kn * sizeof(float));
          lse_h[i0 + i] = -INFINITY;
          continue;
        }
        const float sum = vec().exp_sum(row, m, row, kn);
        vec().scale(row, 1.0f / sum, kn);
        lse_h[i0 + i] = m + std::log(sum);
      }
      gemm(false, false, rows, s.d, kn, 1.0f, scores, kn, vh, ldkv, 0.0f, oh + i0 * ldq, ldq);
    }
  });
}

void attention_backward(const float* q, const float* k, const float* v, const float* o, const float* lse,
                        const float* d_o, float* dq, float* dk, float* dv, const AttentionShape& s) {
  const int64_t group = s.hq / s.hkv;
  const int64_t ldq = s.hq * s.d, ldkv = s.hkv * s.d;
  ThreadPool::instance().run(static_cast<int>(s.batch * s.hkv), [&](int task) {
    const int64_t b = task / s.hkv, kh = task % s.hkv;
    const float* kh_ = k + b * s.tk * ldkv + kh * s.d;
    const float* vh = v + b * s.tk * ldkv + kh * s.d;
    float* dkh = dk + b * s.tk * ldkv + kh * s.d;
    float* dvh = dv + b * s.tk * ldkv + kh * s.d;
    for (int64_t j = 0; j < s.tk; j++) {
      std::memset(dkh + j * ldkv, 0, s.d * sizeof(float));
      std::memset(dvh + j * ldkv, 0, s.d * sizeof(float));
    }
    const uint8_t* key_mask = s.key_mask ? s.key_mask + b * s.tk : nullptr;
    thread_local AlignedBuffer p_buf, dp_buf;
    float* p = p_buf.get(kQueryBlock * std::max<int64_t>(s.tk, 1));
    float* dp = dp_buf.get(kQueryBlock * std::max<int64_t>(s.tk, 1));
    for (int64_t h = kh * group; h < (kh + 1) * group; h++) {
      const float* qh = q + b * s.tq * ldq + h * s.d;
      const float* oh = o + b * s.tq * ldq + h * s.d;
      const float* doh = d_o + b * s.tq * ldq + h * s.d;
      float* dqh = dq + b * s.tq * ldq + h * s.d;
      const float* lse_h = lse + (b * s.hq + h) * s.tq;
      for (int64_t i0 = 0; i0 < s.tq; i0 += kQueryBlock) {
        const int64_t rows = std::min(kQueryBlock, s.tq - i0);
        const int64_t kn = visible_limit(s, i0 + rows - 1);
        if (kn == 0) {
          for (int64_t i = 0; i < rows; i++) std::memset(dqh + (i0 + i) * ldq, 0, s.d * sizeof(float));
          continue;
        }
        // P = exp(scale·q·kᵀ − lse) from the saved lse; dP = dO·vᵀ; dS = P ⊙ (dP − rowsum(dO ⊙ O)).
        gemm(false, true, rows, kn, s.d, s.scale, qh + i0 * ldq, ldq, kh_, ldkv, 0.0f, p, kn);
        gemm(false, true, rows, kn, s.d, 1.0f, doh + i0 * ldq, ldq, vh, ldkv, 0.0f, dp, kn);
        for (int64_t i = 0; i < rows; i++) {
          float* prow = p + i * kn;
          float* dsrow = dp + i * kn;
          const float l = lse_h[i0 + i];
          if (l == -INFINITY) {
            std::memset(prow, 0, kn * sizeof(float));
            std::memset(dsrow, 0, kn * sizeof(float));
            continue;
          }
          mask_row(s, key_mask, i0 + i, prow, kn);
          vec().exp_sum(prow, l, prow, kn);
          const float di = vec().dot(doh + (i0 + i) * ldq, oh + (i0 + i) * ldq, s.d);
          for (int64_t j = 0; j < kn; j++) dsrow[j] = prow[j] * (dsrow[j] - di);
        }
        gemm(false, false, rows, s.d, kn, s.scale, dp, kn, kh_, ldkv, 0.0f, dqh + i0 * ldq, ldq);
        gemm(true, false, kn, s.d, rows, s.scale, dp, kn, qh + i0 * ldq, ldq, 1.0f, dkh, ldkv);
        gemm(true, false, kn, s.d, rows, 1.0f, p, kn, doh + i0 * ldq, ldq, 1.0f, dvh, ldkv);
      }
    }
  });
}

}  // namespace lntune
