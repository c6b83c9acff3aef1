// The bf16 GEMM's blocked driver (the Goto/BLIS loops of gemm.cc over panels of bf16 pairs, see
// gemm_kernels.h): both operands are rounded to bf16 as they are packed, and the microkernel accumulates their
// products in f32.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "aligned_buffer.h"
#include "gemm_kernels.h"
#include "gemm_pack.h"

namespace lntune {

namespace {

const Bf16GemmKernel& bf16_kernel() {
  static const Bf16GemmKernel k = gemm_kernel_avx512_bf16();
  return k;
}

const void* element(const void* base, Dtype type, int64_t offset) {
  return static_cast<const char*>(base) + offset * dtype_traits(type).block_bytes;
}

uint32_t* pair_buffer(AlignedBuffer& buf, int64_t n) {
  float* p = buf.get(static_cast<size_t>(n));
  if (!p) {
    std::fputs("lntune: out of memory for GEMM packing buffers\n", stderr);
    std::abort();
  }
  return reinterpret_cast<uint32_t*>(p);
}

}  // namespace

void gemm_block_bf16(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  if (i0 >= i1 || j0 >= j1) return;
  const Bf16GemmKernel& kr = bf16_kernel();
  thread_local AlignedBuffer a_buf, b_buf, q_buf;
  const int64_t kc_max = std::min<int64_t>(kr.kc, g.k);
  const int64_t pairs_max = (kc_max + 1) / 2;
  const int64_t nc_max = std::min<int64_t>(kr.nc, (j1 - j0 + kr.nr - 1) / kr.nr * kr.nr);
  const int64_t mc_max = std::min<int64_t>(kr.mc, (i1 - i0 + kr.mr - 1) / kr.mr * kr.mr);
  uint32_t* pa = pair_buffer(a_buf, mc_max * pairs_max);
  uint32_t* pb = pair_buffer(b_buf, nc_max * pairs_max);
  // A quantised B is decoded to f32 one panel at a time: nr rows of kc values, or kc rows of nr.
  const bool quantised = dtype_traits(g.b_type).quantised;
  const int64_t q_stride = g.trans_b ? span_scratch(g.b_type, kc_max) : span_scratch(g.b_type, kr.nr);
  float* q = quantised ? reinterpret_cast<float*>(pair_buffer(q_buf, (g.trans_b ? kr.nr : kc_max) * q_stride)) : nullptr;
  for (int64_t jc = j0; jc < j1; jc += kr.nc) {
    const int64_t nc = std::min<int64_t>(kr.nc, j1 - jc);
    for (int64_t pc = 0; pc < g.k; pc += kr.kc) {
      const int64_t kc = std::min<int64_t>(kr.kc, g.k - pc);
      const int64_t pairs = (kc + 1) / 2;
      const float beta = pc == 0 ? g.beta : 1.0f;
      for (int64_t jp = 0; jp < nc; jp += kr.nr) {
        const int cols = static_cast<int>(std::min<int64_t>(kr.nr, nc - jp));
        uint32_t* panel = pb + jp * pairs;
        if (quantised && g.trans_b) {
          for (int r = 0; r < cols; r++)
            decode_span(g.b, g.b_type, (jc + jp + r) * g.ldb + pc, kc, q + r * q_stride);
          kr.pack_rows(q, Dtype::F32, q_stride, cols, kc, kr.nr, panel);
        } else if (quantised) {
          // Each row's span may start inside a block: the decoded values are copied to the row's place.
          for (int64_t p = 0; p < kc; p++) {
            float* row = q + p * q_stride;
            const float* v = decode_span(g.b, g.b_type, (pc + p) * g.ldb + jc + jp, cols, row);
            std::copy(v, v + cols, row);
          }
          kr.pack_cols(q, Dtype::F32, q_stride, kc, cols, kr.nr, panel);
        } else if (g.trans_b) {
          kr.pack_rows(element(g.b, g.b_type, (jc + jp) * g.ldb + pc), g.b_type, g.ldb, cols, kc, kr.nr, panel);
        } else {
          kr.pack_cols(element(g.b, g.b_type, pc * g.ldb + jc + jp), g.b_type, g.ldb, kc, cols, kr.nr, panel);
        }
      }
      for (int64_t ic = i0; ic < i1; ic += kr.mc) {
        const int64_t mc = std::min<int64_t>(kr.mc, i1 - ic);
        for (int64_t ip = 0; ip < mc; ip += kr.mr) {
          const int rows = static_cast<int>(std::min<int64_t>(kr.mr, mc - ip));
          uint32_t* panel = pa + ip * pairs;
          if (g.trans_a)
            kr.pack_cols(g.a + pc * g.lda + ic + ip, Dtype::F32, g.lda, kc, rows, kr.mr, panel);
          else
            kr.pack_rows(g.a + (ic + ip) * g.lda + pc, Dtype::F32, g.lda, rows, kc, kr.mr, panel);
        }
        for (int64_t jr = 0; jr < nc; jr += kr.nr) {
          const int n = static_cast<int>(std::min<int64_t>(kr.nr, nc - jr));
          for (int64_t ir = 0; ir < mc; ir += kr.mr) {
            const int m = static_cast<int>(std::min<int64_t>(kr.mr, mc - ir));
            kr.run(pairs, pa + ir * pairs, pb + jr * pairs, g.c + (ic + ir) * g.ldc + jc + jr, g.ldc, g.alpha, beta,
                   m, n);
          }
        }
      }
    }
  }
}

}  // namespace lntune
