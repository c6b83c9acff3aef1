# The PyTorch side of bench/kernels.ts: torch.mm GFLOP/s for the same shapes, the median of timed repetitions
# after warm-up (as bench/timing.ts times lntune's), with the torch version and its BLAS.
# Usage: /usr/bin/python3 bench/torch_gemm.py THREADS (with OPENBLAS_NUM_THREADS set to match, see torch_env.ts)
import statistics, sys, time
import torch

torch.set_num_threads(int(sys.argv[1]))
# The BLAS library torch's CPU products load (its build says only BLAS_INFO=generic for Debian's).
torch.mm(torch.ones(8, 8), torch.ones(8, 8))
blas = ",".join(sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and "/" in l})) or "?"
print(f"torch {torch.__version__} BLAS {blas} threads {torch.get_num_threads()}", flush=True)
for (M, K, N) in [(512, 512, 512), (256, 2048, 2048), (1024, 1024, 4096)]:
    a, b = torch.randn(M, K), torch.randn(K, N)
    for _ in range(2):
        torch.mm(a, b)
    times = []
    start = time.perf_counter()
    while len(times) < 7 or (time.perf_counter() - start < 0.5 and len(times) < 100):
        t0 = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - t0)
    t = statistics.median(times)
    print(f"torch.mm t={torch.get_num_threads()} {M}x{K}x{N}: {2 * M * K * N / t / 1e9:.1f} GFLOP/s ({t * 1000:.2f} ms/iter)", flush=True)
