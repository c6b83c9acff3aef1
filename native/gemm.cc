// Goto/BLIS-style blocked GEMM driver (f32 panels) and the split of every GEMM over the thread pool.
#include "gemm.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "aligned_buffer.h"
#include "cpu.h"
#include "gemm_kernels.h"
#include "gemm_pack.h"
#include "kernels.generated.h"
#include "quant.h"
#include "thread_pool.h"

namespace lntune {

const GemmKernel& gemm_kernel() {
  static const GemmKernel k = [] {
    switch (detected_isa()) {
      case Isa::Avx512: return gemm_kernel_avx512();
      case Isa::Avx2: return gemm_kernel_avx2();
      default: return gemm_kernel_scalar();
    }
  }();
  return k;
}

namespace {

// Below this many FLOPs a GEMM runs on one thread: waking the pool would cost more than it saves.
constexpr double kParallelFlops = 4e6;
// Blocks of a large GEMM per thread (see sgemm).
constexpr int kGemmPartsPerThread = 4;

void scale_c(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  for (int64_t i = i0; i < i1; i++) {
    float* row = g.c + i * g.ldc;
    for (int64_t j = j0; j < j1; j++) row[j] = g.beta == 0.0f ? 0.0f : g.beta * row[j];
  }
}

// Boundary of part t of `parts` over `len`, in whole tiles of `tile`.
int64_t split_at(int64_t len, int64_t tile, int parts, int t) {
  const int64_t tiles = (len + tile - 1) / tile;
  return std::min(len, tiles * t / parts * tile);
}

// The block function and register tile a GEMM runs with.
struct Plan {
  void (*block)(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1);
  int mr, nr;
};

Plan plan(const Gemm& g) {
  if (g.bf16 && has_avx512_bf16()) {
    static const Bf16GemmKernel k = gemm_kernel_avx512_bf16();
    return {gemm_block_bf16, k.mr, k.nr};
  }
  return {gemm_block_f32, gemm_kernel().mr, gemm_kernel().nr};
}

// The GEMV that computes g, with the kc of the GEMM it matches; none for a wide A, an untransposed B, or an ISA
// without one (the bf16 GEMV needs vdpbf16ps and A untransposed).
struct GemvPlan {
  GemvKernel run = nullptr;
  int64_t kc = 0;
};

GemvPlan gemv_plan(const Gemm& g) {
  if (!g.trans_b || g.m > kGemvRows) return {};
  if (g.bf16) {
    if (!has_avx512_bf16() || g.trans_a) return {};
    static const Bf16GemmKernel k = gemm_kernel_avx512_bf16();
    return {gemv_avx512_bf16(), k.kc};
  }
  switch (detected_isa()) {
    case Isa::Avx512: return {gemv_avx512(), gemm_kernel().kc};
    case Isa::Avx2: return {gemv_avx2(), gemm_kernel().kc};
    default: return {};
  }
}

// Below this many bytes of B a GEMV stays on one thread.
constexpr double kParallelGemvBytes = 256 * 1024;

// A GEMV is split into this many column ranges per thread, handed out as threads free up: on a shared machine a
// thread that loses its core leaves its share to the others instead of holding up the whole product.
constexpr int kGemvPartsPerThread = 8;

// The GEMV over columns [j0, j1) of a block-quantised B: each group of 16 rows decoded to f32 one kc block at a
// time (the blocked GEMM's packing decodes the same values), then multiplied by the f32 GEMV.
void gemv_quantised(const Gemm& g, const GemvPlan& gv, int64_t j0, int64_t j1) {
  constexpr int kRows = 16;
  thread_local AlignedBuffer buf;
  const int64_t stride = span_scratch(g.b_type, std::min(gv.kc, g.k));
  float* rows = buf.get(kRows * stride);
  if (!rows) {
    std::fputs("lntune: out of memory for GEMV buffers\n", stderr);
    std::abort();
  }
  for (int64_t jb = j0; jb < j1; jb += kRows) {
    const int64_t n = std::min<int64_t>(kRows, j1 - jb);
    for (int64_t pc = 0; pc < g.k; pc += gv.kc) {
      const int64_t kc = std::min(gv.kc, g.k - pc);
      for (int64_t r = 0; r < n; r++) decode_span(g.b, g.b_type, (jb + r) * g.ldb + pc, kc, rows + r * stride);
      Gemm part = g;
      part.a = g.trans_a ? g.a + pc * g.lda : g.a + pc;
      part.b = rows;
      part.b_type = Dtype::F32;
      part.ldb = stride;
      part.k = kc;
      part.n = n;
      part.c = g.c + jb;
      part.beta = pc == 0 ? g.beta : 1.0f;
      gv.run(part, kc, 0, n);
    }
  }
}

// The GEMV over columns [j0, j1).
void gemv_columns(const Gemm& g, const GemvPlan& gv, int64_t j0, int64_t j1) {
  if (dtype_traits(g.b_type).quantised) return gemv_quantised(g, gv, j0, j1);
  gv.run(g, gv.kc, j0, j1);
}

// The ISA's GEMV for a quantised B (gemv_quant.h), or null.
QuantGemvKernel quant_gemv_kernel() {
  switch (detected_isa()) {
    case Isa::Avx512: return gemv_quant_avx512();
    case Isa::Avx2: return gemv_quant_avx2();
    default: return nullptr;
  }
}

// A's rows as gemv_quant.h wants them in x (rows of ldx): zero-padded to whole blocks, nf4's reordered within
// each 32 values, even k (the high nibbles) first, then odd k.
void prepare_gemv_rows(const Gemm& g, int64_t ldx, float* x) {
  const bool nf4 = g.b_type == Dtype::NF4;
  for (int64_t r = 0; r < g.m; r++)
    for (int64_t p = 0; p < ldx; p++) {
      const int64_t i = p % 32;
      const int64_t q = nf4 ? p - i + (i < 16 ? 2 * i : 2 * (i - 16) + 1) : p;
      x[r * ldx + p] = q >= g.k ? 0.0f : g.trans_a ? g.a[q * g.lda + r] : g.a[r * g.lda + q];
    }
}

void run_gemv(const Gemm& g, const GemvPlan& gv) {
  constexpr int kGroup = 16;  // a part's columns are a multiple of a vector's lanes
  const DtypeTraits& t = dtype_traits(g.b_type);
  // Decoding with f32 compute reads a quantised B in one pass (bf16 compute keeps the exact decoded path).
  const QuantGemvKernel quant = t.quantised && !g.bf16 && g.ldb % t.block_size == 0 ? quant_gemv_kernel() : nullptr;
  const int64_t ldx = (g.k + t.block_size - 1) / t.block_size * t.block_size;
  float* x = nullptr;
  if (quant) {
    thread_local AlignedBuffer prepared;
    x = prepared.get(g.m * ldx);
    if (!x) {
      std::fputs("lntune: out of memory for GEMV buffers\n", stderr);
      std::abort();
    }
    prepare_gemv_rows(g, ldx, x);
  }
  const auto columns = [&](int64_t j0, int64_t j1) {
    if (quant) quant(g, x, ldx, nf4_levels(), j0, j1);
    else gemv_columns(g, gv, j0, j1);
  };
  const double bytes = static_cast<double>(g.n) * g.k * t.block_bytes / t.block_size;
  const int threads = ThreadPool::instance().size();
  if (threads <= 1 || bytes < kParallelGemvBytes) return columns(0, g.n);
  const int parts = static_cast<int>(std::min<int64_t>(threads * kGemvPartsPerThread, (g.n + kGroup - 1) / kGroup));
  ThreadPool::instance().run(parts, [&](int t) {
    const int64_t j0 = split_at(g.n, kGroup, parts, t), j1 = split_at(g.n, kGroup, parts, t + 1);
    if (j0 < j1) columns(j0, j1);
  });
}

}  // namespace

void gemm_block_f32(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  if (i0 >= i1 || j0 >= j1) return;
  const GemmKernel& kr = gemm_kernel();
  thread_local AlignedBuffer a_buf, b_buf, row_buf;
  const int64_t kc_max = std::min<int64_t>(kr.kc, g.k);
  const int64_t nc_max = std::min<int64_t>(kr.nc, (j1 - j0 + kr.nr - 1) / kr.nr * kr.nr);
  const int64_t mc_max = std::min<int64_t>(kr.mc, (i1 - i0 + kr.mr - 1) / kr.mr * kr.mr);
  float* pa = a_buf.get(mc_max * kc_max);
  float* pb = b_buf.get(nc_max * kc_max);
  float* row = row_buf.get(pack_b_scratch(g.b_type, kc_max, nc_max, kr.nr));
  if (!pa || !pb || !row) {
    std::fputs("lntune: out of memory for GEMM packing buffers\n", stderr);
    std::abort();
  }
  for (int64_t jc = j0; jc < j1; jc += kr.nc) {
    const int64_t nc = std::min<int64_t>(kr.nc, j1 - jc);
    for (int64_t pc = 0; pc < g.k; pc += kr.kc) {
      const int64_t kc = std::min<int64_t>(kr.kc, g.k - pc);
      const float beta = pc == 0 ? g.beta : 1.0f;
      pack_b(g, pc, kc, jc, nc, kr.nr, pb, row);
      // Without vdpbf16ps, bf16 operands are f32 panels holding bf16 values: their products are exact in f32,
      // so the microkernel's FMAs give what the bf16 dot product gives, up to the order of the additions.
      if (g.bf16) round_to_bf16(pb, (nc + kr.nr - 1) / kr.nr * kr.nr * kc);
      for (int64_t ic = i0; ic < i1; ic += kr.mc) {
        const int64_t mc = std::min<int64_t>(kr.mc, i1 - ic);
        pack_a(g, ic, mc, pc, kc, kr.mr, pa);
        if (g.bf16) round_to_bf16(pa, (mc + kr.mr - 1) / kr.mr * kr.mr * kc);
        for (int64_t jr = 0; jr < nc; jr += kr.nr) {
          const int n = static_cast<int>(std::min<int64_t>(kr.nr, nc - jr));
          for (int64_t ir = 0; ir < mc; ir += kr.mr) {
            const int m = static_cast<int>(std::min<int64_t>(kr.mr, mc - ir));
            kr.run(kc, pa + ir * kc, pb + jr * kc, g.c + (ic + ir) * g.ldc + jc + jr, g.ldc, g.alpha, beta, m, n);
          }
        }
      }
    }
  }
}

void sgemm_serial(const Gemm& g) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k == 0) return scale_c(g, 0, g.m, 0, g.n);
  plan(g).block(g, 0, g.m, 0, g.n);
}

void sgemm(const Gemm& g) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k == 0) return scale_c(g, 0, g.m, 0, g.n);
  if (const GemvPlan gv = gemv_plan(g); gv.run) return run_gemv(g, gv);
  const Plan kr = plan(g);
  const double flops = 2.0 * static_cast<double>(g.m) * g.n * std::max<int64_t>(g.k, 1);
  const int64_t m_tiles = (g.m + kr.mr - 1) / kr.mr;
  const int64_t n_tiles = (g.n + kr.nr - 1) / kr.nr;
  const int threads = ThreadPool::instance().size();
  if (threads <= 1 || flops < kParallelFlops || m_tiles * n_tiles < 2) return sgemm_serial(g);
  // C is split into a tm×tn grid of blocks, more than there are threads when the work allows, handed out as
  // threads free up: on a shared machine a thread that loses its core leaves its blocks to the others. Each
  // block packs its own A and B, so the grid is the one whose blocks have the smallest perimeter. The split
  // changes no result: every element is computed the same way in any block.
  const int64_t wanted = std::min<int64_t>(threads * kGemmPartsPerThread, static_cast<int64_t>(flops / kParallelFlops));
  int tm = 0, tn = 0;
  for (int parts = static_cast<int>(std::clamp<int64_t>(wanted, 2, m_tiles * n_tiles)); parts >= 2 && tm == 0;
       parts--) {
    double best = -1;
    for (int d = 1; d <= parts; d++) {
      if (parts % d != 0 || d > m_tiles || parts / d > n_tiles) continue;
      const double cost = static_cast<double>(g.m) / d + static_cast<double>(g.n) / (parts / d);
      if (best < 0 || cost < best) {
        best = cost;
        tm = d;
        tn = parts / d;
      }
    }
  }
  ThreadPool::instance().run(tm * tn, [&](int t) {
    const int bi = t / tn, bj = t % tn;
    kr.block(g, split_at(g.m, kr.mr, tm, bi), split_at(g.m, kr.mr, tm, bi + 1), split_at(g.n, kr.nr, tn, bj),
             split_at(g.n, kr.nr, tn, bj + 1));
  });
}

namespace {

Gemm make_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
               const void* b, int64_t ldb, Dtype b_dtype, float beta, float* c, int64_t ldc) {
  Gemm g;
  g.trans_a = trans_a;
  g.trans_b = trans_b;
  g.m = m;
  g.n = n;
  g.k = k;
  g.alpha = alpha;
  g.a = a;
  g.lda = lda;
  g.b = b;
  g.ldb = ldb;
  g.b_type = b_dtype;
  g.beta = beta;
  g.c = c;
  g.ldc = ldc;
  return g;
}

}  // namespace

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
           const void* b, int64_t ldb, Dtype b_dtype, float beta, float* c, int64_t ldc) {
  sgemm(make_gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, b_dtype, beta, c, ldc));
}

void gemm_bf16(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
               int64_t lda, const void* b, int64_t ldb, Dtype b_dtype, float beta, float* c, int64_t ldc) {
  Gemm g = make_gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, b_dtype, beta, c, ldc);
  g.bf16 = true;
  sgemm(g);
}

}  // namespace lntune
