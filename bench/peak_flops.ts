// The CPU's arithmetic peak (f32 FMA and vdpbf16ps) per thread count, measured by bench/peak_flops.cc, which
// this builds with the system's g++ into a temporary directory; the reason instead where g++ or AVX-512 is
// missing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Peak {
  f32: number;
  /** Undefined where the CPU has no AVX512_BF16. */
  bf16?: number;
}

const SOURCE = fileURLToPath(new URL("./peak_flops.cc", import.meta.url));

/** GFLOP/s at each thread count, the best of `rounds` runs (a run that meets a passing job reads low), or the
 * reason there is none. */
export function measurePeaks(threadCounts: number[], rounds = 1): Map<number, Peak> | string {
  const dir = mkdtempSync(join(tmpdir(), "lntune-peak-"));
  try {
    const exe = join(dir, "peak_flops");
    const build = spawnSync("g++", ["-O2", "-mavx512f", "-mavx512bf16", "-pthread", "-o", exe, SOURCE], {
      encoding: "utf8",
    });
    if (build.status !== 0) return `g++ could not build ${SOURCE}: ${build.error?.message ?? build.stderr}`;
    const peaks = new Map<number, Peak>();
    for (let round = 0; round < rounds; round++)
      for (const threads of threadCounts) {
        const run = spawnSync(exe, [String(threads)], { encoding: "utf8" });
        const f32 = /^f32 ([\d.]+)$/m.exec(run.stdout);
        if (run.status !== 0 || !f32) return `${SOURCE}: ${run.stdout.trim() || run.stderr.trim()}`;
        const bf16 = /^bf16 ([\d.]+)$/m.exec(run.stdout);
        const best = peaks.get(threads);
        peaks.set(threads, {
          f32: Math.max(Number(f32[1]), best?.f32 ?? 0),
          bf16: bf16 ? Math.max(Number(bf16[1]), best?.bf16 ?? 0) : undefined,
        });
      }
    return peaks;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
