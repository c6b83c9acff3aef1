// Kernel benchmarks: `npm run bench:kernels`. Prints SGEMM GFLOP/s of the native kernels (median of
// timed repetitions after warm-up) for each shape, transposition and thread count, and the bf16 GEMM's beside
// it, each as a share of the CPU's arithmetic peak measured in the same run (f32 FMA and vdpbf16ps,
// peak_flops.ts), next to PyTorch's torch.mm (bench/torch_gemm.py, timed the same way) when the system python
// has torch; then one LLaMA block's forward + backward (llama_block.ts).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadNativeKernels, nativeIsa } from "../src/backend/native.ts";
import { benchBlock } from "./llama_block.ts";
import { measurePeaks } from "./peak_flops.ts";
import { timeMs } from "./timing.ts";
import { PYTHON, torchAvailable, torchEnv } from "./torch_env.ts";

const SHAPES: [number, number, number][] = [
  [512, 512, 512],
  [256, 2048, 2048],
  [1024, 1024, 4096],
];
const LAYOUTS = [
  { name: "NN", ta: false, tb: false },
  { name: "NT", ta: false, tb: true },
  { name: "TN", ta: true, tb: false },
];
const TORCH_SCRIPT = fileURLToPath(new URL("./torch_gemm.py", import.meta.url));

function randomMatrix(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** torch.mm GFLOP/s keyed "threads MxKxN". One thread needs OPENBLAS_NUM_THREADS=1: torch's
 * set_num_threads(1) leaves OpenBLAS's own threads running. */
function torchGemm(threadCounts: number[]): Map<string, number> | null {
  const result = new Map<string, number>();
  if (!torchAvailable()) return null;
  for (const threads of threadCounts) {
    const env = torchEnv(threads);
    const run = spawnSync(PYTHON, [TORCH_SCRIPT, String(threads)], { env, encoding: "utf8" });
    if (run.status !== 0) return null;
    console.log(run.stdout.split("\n")[0]);
    for (const m of run.stdout.matchAll(/t=(\d+) (\d+x\d+x\d+): ([\d.]+) GFLOP\/s/g))
      if (Number(m[1]) === threads) result.set(`${threads} ${m[2]}`, Number(m[3]));
  }
  return result;
}

export function benchGemm(): void {
  const k = loadNativeKernels();
  const all = k.threads();
  const threadCounts = all > 1 ? [1, all] : [1];
  console.log(`SGEMM, native ISA ${nativeIsa()}, threads ${threadCounts.join(" and ")}`);
  const rows: { threads: number; shape: string; layout: string; gflops: number; bf16: number }[] = [];
  for (const threads of threadCounts) {
    k.setThreads(threads);
    for (const [M, K, N] of SHAPES) {
      const A = randomMatrix(M * K);
      const B = randomMatrix(K * N);
      const C = new Float32Array(M * N);
      for (const { name, ta, tb } of LAYOUTS) {
        const ms = timeMs(() => k.sgemm(ta, tb, M, N, K, 1, A, ta ? M : K, B, tb ? K : N, "f32", 0, C, N));
        const bf = timeMs(() => k.gemmBf16(ta, tb, M, N, K, 1, A, ta ? M : K, B, tb ? K : N, "f32", 0, C, N));
        const gflops = (t: number) => (2 * M * K * N) / t / 1e6;
        rows.push({ threads, shape: `${M}x${K}x${N}`, layout: name, gflops: gflops(ms), bf16: gflops(bf) });
      }
    }
  }
  k.setThreads(all);
  const peaks = measurePeaks(threadCounts);
  if (typeof peaks === "string") console.log(`(no peak measurement: ${peaks})`);
  else
    for (const [t, p] of peaks)
      console.log(
        `peak, ${t} thread${t > 1 ? "s" : ""}: f32 FMA ${p.f32.toFixed(1)} GFLOP/s` +
          (p.bf16 === undefined ? "" : `, vdpbf16ps ${p.bf16.toFixed(1)} GFLOP/s`),
      );
  const peak = (t: number) => (typeof peaks === "string" ? undefined : peaks.get(t));
  const share = (x: number, of: number | undefined) => (of ? `${((100 * x) / of).toFixed(0)}%` : "-");
  const torch = torchGemm(threadCounts);
  if (torch === null) console.log(`(torch comparison skipped: ${PYTHON} cannot import torch)`);
  const header = [
    "threads",
    "M x K x N",
    "layout",
    "GFLOP/s",
    "of f32 peak",
    "bf16 GEMM",
    "of bf16 peak",
    ...(torch ? ["torch.mm", "ratio"] : []),
  ];
  const table = rows.map((r) => {
    const p = peak(r.threads);
    const cells = [
      String(r.threads),
      r.shape,
      r.layout,
      r.gflops.toFixed(1),
      share(r.gflops, p?.f32),
      r.bf16.toFixed(1),
      share(r.bf16, p?.bf16),
    ];
    const t = torch?.get(`${r.threads} ${r.shape}`);
    if (torch) cells.push(t ? t.toFixed(1) : "-", t ? (r.gflops / t).toFixed(2) : "-");
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((c) => c[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join("  ");
  console.log(line(header));
  for (const cells of table) console.log(line(cells));
  if (torch)
    console.log("ratio = lntune f32 / torch.mm (torch multiplies row-major A·B, i.e. the NN layout)");
}

benchGemm();
benchBlock();
