// The arithmetic peak the GEMM benchmarks are held against: each of T threads runs chains of independent
// vfmadd231ps (f32 FMA, 32 FLOP per zmm instruction) or vdpbf16ps (bf16 pair dot products into f32, 64 FLOP per
// zmm instruction) on registers only, enough chains to cover the instructions' latency. Prints
// "f32 <GFLOP/s>" and, where the CPU has AVX512_BF16, "bf16 <GFLOP/s>": the best of several runs.
// Built and run by peak_flops.ts: g++ -O2 -mavx512f -mavx512bf16 -pthread; usage: peak_flops THREADS. main checks
// the CPU before it runs either.
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

// kChains independent chains of the instruction `Step` stands for, on registers only.
template <class Step>
void chains() {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; i++) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  for (long n = 0; n < kIterations; n++)
#pragma GCC unroll 16
    for (int i = 0; i < kChains; i++) acc[i] = Step::run(acc[i]);
  __m512 s = acc[0];
  for (int i = 1; i < kChains; i++) s = _mm512_add_ps(s, acc[i]);
  sink = _mm512_reduce_add_ps(s);
}

struct Fma {
  static __m512 run(__m512 acc) { return _mm512_fmadd_ps(acc, _mm512_set1_ps(0.999999f), _mm512_set1_ps(1e-7f)); }
};

struct DotBf16 {
  static __m512 run(__m512 acc) {
    return _mm512_dpbf16_ps(acc, (__m512bh)_mm512_set1_epi16(0x3f80), (__m512bh)_mm512_set1_epi16(0x3380));
  }
};

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
  std::printf("f32 %.1f\n", gflops(chains<Fma>, threads, 32));
  if (__builtin_cpu_supports("avx512bf16")) std::printf("bf16 %.1f\n", gflops(chains<DotBf16>, threads, 64));
  return 0;
}
