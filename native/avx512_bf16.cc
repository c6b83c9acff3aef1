// The bf16 GEMM for CPUs with AVX512_BF16 (see gemm_kernels.h): a 14×32 tile of vdpbf16ps (each step takes
// one bf16 pair along k into 28 f32 accumulators), and the packing of f32, bf16 and f16 sources into bf16
// pairs, rounding to nearest even (vcvtne2ps2bf16).
#include "isa_prelude.h"

// As in avx512.cc: GCC 12's AVX-512 headers trip -Wmaybe-uninitialized at every inlined use (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx512bf16,fma,f16c")

#include "gemm_microkernel.h"
#include "simd_avx512.h"

namespace lntune {
namespace {

constexpr int MR = 14;
constexpr int NR = 32;

void microkernel_bf16(int64_t pairs, const uint32_t* a, const uint32_t* b, float* c, int64_t ldc, float alpha,
                      float beta, int m, int n) {
  __m512 acc0[MR], acc1[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; i++) {
    acc0[i] = _mm512_setzero_ps();
    acc1[i] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < pairs; p++) {
    const __m512bh b0 = (__m512bh)_mm512_load_si512(b);
    const __m512bh b1 = (__m512bh)_mm512_load_si512(b + 16);
    _mm_prefetch(reinterpret_cast<const char*>(a + 8 * MR), _MM_HINT_T0);
#pragma GCC unroll 16
    for (int i = 0; i < MR; i++) {
      const __m512bh ai = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[i]));
      acc0[i] = _mm512_dpbf16_ps(acc0[i], ai, b0);
      acc1[i] = _mm512_dpbf16_ps(acc1[i], ai, b1);
    }
    a += MR;
    b += NR;
  }
  store_tile<Avx512, MR>(acc0, acc1, c, ldc, alpha, beta, m, n);
}

__mmask32 mask32(int64_t left) {
  return left >= 32 ? ~__mmask32{0} : left <= 0 ? __mmask32{0} : static_cast<__mmask32>((1u << left) - 1);
}

// The first n (<= 32) values at p stored as T, as 16 bf16 pairs (zero past n).
template <Dtype T>
__m512i load_pairs(const void* p, int n) {
  if constexpr (T == Dtype::BF16) {
    return _mm512_maskz_loadu_epi16(mask32(n), p);
  } else {
    __m512 lo, hi;
    if constexpr (T == Dtype::F32) {
      lo = _mm512_maskz_loadu_ps(Avx512::mask(n), p);
      hi = _mm512_maskz_loadu_ps(Avx512::mask(n - 16), static_cast<const float*>(p) + 16);
    } else {
      lo = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(Avx512::mask(n), p));
      hi = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(Avx512::mask(n - 16), static_cast<const uint16_t*>(p) + 16));
    }
    return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
  }
}

// The first n (<= 16) values at p stored as T, as bf16 in the 16-bit lanes (zero past n).
template <Dtype T>
__m256i load_bf16(const void* p, int n) {
  if constexpr (T == Dtype::BF16) return _mm256_maskz_loadu_epi16(Avx512::mask(n), p);
  else if constexpr (T == Dtype::F32) return (__m256i)_mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(Avx512::mask(n), p));
  else return (__m256i)_mm512_cvtneps_pbh(_mm512_cvtph_ps(_mm256_maskz_loadu_epi16(Avx512::mask(n), p)));
}

// 16 rows × 16 pairs at a time, transposed in registers as 32-bit lanes (as pack_panel does for f32).
template <Dtype T>
void pack_rows_as(const void* src, int64_t ld, int rows, int64_t kc, int w, uint32_t* out) {
  using Elem = std::conditional_t<T == Dtype::F32, float, uint16_t>;
  const Elem* s = static_cast<const Elem*>(src);
  const int64_t pairs = (kc + 1) / 2;
  for (int r0 = 0; r0 < w; r0 += 16) {
    const int n = std::clamp(rows - r0, 0, 16);
    const __mmask16 keep = Avx512::mask(w - r0);
    for (int64_t p0 = 0; p0 < pairs; p0 += 16) {
      const int kn = static_cast<int>(std::min<int64_t>(32, kc - 2 * p0));
      __m512 v[16];
#pragma GCC unroll 16
      for (int i = 0; i < 16; i++)
        v[i] = i < n ? _mm512_castsi512_ps(load_pairs<T>(s + (r0 + i) * ld + 2 * p0, kn)) : _mm512_setzero_ps();
      Avx512::transpose(v);
      float* o = reinterpret_cast<float*>(out) + p0 * w + r0;
      const int pn = static_cast<int>(std::min<int64_t>(16, pairs - p0));
      for (int p = 0; p < pn; p++) _mm512_mask_storeu_ps(o + p * w, keep, v[p]);
    }
  }
}

template <Dtype T>
void pack_cols_as(const void* src, int64_t ld, int64_t kc, int cols, int w, uint32_t* out) {
  using Elem = std::conditional_t<T == Dtype::F32, float, uint16_t>;
  const Elem* s = static_cast<const Elem*>(src);
  const int64_t pairs = (kc + 1) / 2;
  for (int64_t p = 0; p < pairs; p++) {
    const Elem* r0 = s + 2 * p * ld;
    const bool odd_tail = 2 * p + 1 == kc;
    for (int c0 = 0; c0 < w; c0 += 16) {
      const int n = std::clamp(cols - c0, 0, 16);
      const __m512i lo = _mm512_cvtepu16_epi32(load_bf16<T>(r0 + c0, n));
      const __m512i hi = odd_tail ? _mm512_setzero_si512() : _mm512_cvtepu16_epi32(load_bf16<T>(r0 + ld + c0, n));
      _mm512_mask_storeu_epi32(out + p * w + c0, Avx512::mask(w - c0), _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16)));
    }
  }
}

void pack_rows(const void* src, Dtype type, int64_t ld, int rows, int64_t kc, int w, uint32_t* out) {
  switch (type) {
    case Dtype::F32: return pack_rows_as<Dtype::F32>(src, ld, rows, kc, w, out);
    case Dtype::BF16: return pack_rows_as<Dtype::BF16>(src, ld, rows, kc, w, out);
    case Dtype::F16: return pack_rows_as<Dtype::F16>(src, ld, rows, kc, w, out);
    default: return;  // quantised B reaches the kernels decoded to f32
  }
}

void pack_cols(const void* src, Dtype type, int64_t ld, int64_t kc, int cols, int w, uint32_t* out) {
  switch (type) {
    case Dtype::F32: return pack_cols_as<Dtype::F32>(src, ld, kc, cols, w, out);
    case Dtype::BF16: return pack_cols_as<Dtype::BF16>(src, ld, kc, cols, w, out);
    case Dtype::F16: return pack_cols_as<Dtype::F16>(src, ld, kc, cols, w, out);
    default: return;  // quantised B reaches the kernels decoded to f32
  }
}

// The bf16 GEMV (gemm_kernels.h): W rows of B at a time, 16 pairs of each transposed in registers, A's rows
// rounded into pairs as pack_rows rounds them, and the pairs taken in the microkernel's order.
template <Dtype T, int M>
void gemv_t(const Gemm& g, int64_t kc_block, int64_t j0, int64_t j1) {
  using Elem = std::conditional_t<T == Dtype::F32, float, uint16_t>;
  const Elem* b = static_cast<const Elem*>(g.b);
  for (int64_t jb = j0; jb < j1; jb += 16) {
    const int n = static_cast<int>(std::min<int64_t>(16, j1 - jb));
    const __mmask16 keep = Avx512::mask(n);
    for (int64_t pc = 0; pc < g.k; pc += kc_block) {
      const int64_t kc = std::min<int64_t>(kc_block, g.k - pc);
      __m512 acc[M];
#pragma GCC unroll 8
      for (int r = 0; r < M; r++) acc[r] = _mm512_setzero_ps();
      for (int64_t p0 = 0; 2 * p0 < kc; p0 += 16) {
        const int kn = static_cast<int>(std::min<int64_t>(32, kc - 2 * p0));
        __m512 v[16];
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++)
          v[i] = i < n ? _mm512_castsi512_ps(load_pairs<T>(b + (jb + i) * g.ldb + pc + 2 * p0, kn))
                       : _mm512_setzero_ps();
        Avx512::transpose(v);
        alignas(64) uint32_t a[M][16];
#pragma GCC unroll 8
        for (int r = 0; r < M; r++)
          _mm512_store_si512(a[r], load_pairs<Dtype::F32>(g.a + r * g.lda + pc + 2 * p0, kn));
        const int pn = (kn + 1) / 2;
        for (int p = 0; p < pn; p++)
#pragma GCC unroll 8
          for (int r = 0; r < M; r++)
            acc[r] = _mm512_dpbf16_ps(acc[r], (__m512bh)_mm512_set1_epi32(static_cast<int>(a[r][p])),
                                      (__m512bh)_mm512_castps_si512(v[p]));
      }
      const float beta = pc == 0 ? g.beta : 1.0f;
      const __m512 va = _mm512_set1_ps(g.alpha);
      const __m512 vb = _mm512_set1_ps(beta);
#pragma GCC unroll 8
      for (int r = 0; r < M; r++) {
        float* row = g.c + r * g.ldc + jb;
        __m512 out = _mm512_mul_ps(va, acc[r]);
        if (beta != 0.0f) out = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(keep, row), out);
        _mm512_mask_storeu_ps(row, keep, out);
      }
    }
  }
}

template <Dtype T>
void gemv_rows(const Gemm& g, int64_t kc_block, int64_t j0, int64_t j1) {
  static_assert(kGemvRows == 4);
  switch (g.m) {
    case 1: return gemv_t<T, 1>(g, kc_block, j0, j1);
    case 2: return gemv_t<T, 2>(g, kc_block, j0, j1);
    case 3: return gemv_t<T, 3>(g, kc_block, j0, j1);
    default: return gemv_t<T, 4>(g, kc_block, j0, j1);
  }
}

void gemv(const Gemm& g, int64_t kc_block, int64_t j0, int64_t j1) {
  switch (g.b_type) {
    case Dtype::F32: return gemv_rows<Dtype::F32>(g, kc_block, j0, j1);
    case Dtype::BF16: return gemv_rows<Dtype::BF16>(g, kc_block, j0, j1);
    case Dtype::F16: return gemv_rows<Dtype::F16>(g, kc_block, j0, j1);
    default: return;  // quantised B reaches the kernels decoded to f32
  }
}

}  // namespace

GemvKernel gemv_avx512_bf16() { return gemv; }

// Blocking as the f32 kernel's in bytes: the A block 84×2048 values (336 KiB of pairs) in L2.
Bf16GemmKernel gemm_kernel_avx512_bf16() { return {MR, NR, 84, 2048, 2048, microkernel_bf16, pack_rows, pack_cols}; }

}  // namespace lntune

#pragma GCC pop_options
