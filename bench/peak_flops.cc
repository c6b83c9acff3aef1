// The arithmetic peak the GEMM benchmarks are held against: each of T threads runs chains of independent
// vfmadd231ps (f32 FMA, 32 FLOP per zmm instruction) or vdpbf16ps (bf16 pair dot products into f32, 64 FLOP per
// zmm instruction) on registers only, enough chains to cover the instructions' latency. Prints
// "f32 <GFLOP/s>" and, where the CPU has AVX512_BF16, "bf16 <GFLOP/s>": the best of several runs.
// Built and run by peak_flops.ts: g++ -O2 -mavx512f -mavx512bf16 -pthread; usage: peak_flops THREADS
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

constexpr int kChains = 16;
constexpr long kIterations = 20'000'000;
volatile float sink;

__attribute__((target("avx512f"))) void fma_chains() {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; i++) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long n = 0; n < kIterations; n++)
#pragma GCC unroll 16
    for (int i = 0; i < kChains; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 s = acc[0];
  for (int i = 1; i < kChains; i++) s = _mm512_add_ps(s, acc[i]);
  sink = _mm512_reduce_add_ps(s);
}

__attribute__((target("avx512f,avx512bf16"))) void dpbf16_chains() {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; i++) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  const __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80), b = (__m512bh)_mm512_set1_epi16(0x3380);
  for (long n = 0; n < kIterations; n++)
#pragma GCC unroll 16
    for (int i = 0; i < kChains; i++) acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
  __m512 s = acc[0];
  for (int i = 1; i < kChains; i++) s = _mm512_add_ps(s, acc[i]);
  sink = _mm512_reduce_add_ps(s);
}

// GFLOP/s of `threads` threads each running f, best of 3.
double gflops(void (*f)(), int threads, double flops_per_instruction) {
  double best = 0;
  for (int run = 0; run < 3; run++) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; t++) pool.emplace_back(f);
    for (auto& t : pool) t.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double rate = threads * flops_per_instruction * kChains * kIterations / s / 1e9;
    if (rate > best) best = rate;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f")) {
    std::puts("no avx512f");
    return 0;
  }
  std::printf("f32 %.1f\n", gflops(fma_chains, threads, 32));
  if (__builtin_cpu_supports("avx512bf16")) std::printf("bf16 %.1f\n", gflops(dpbf16_chains, threads, 64));
  return 0;
}
