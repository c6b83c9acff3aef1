// Timing helpers shared by the benchmarks: medians over repeated runs after warm-up.
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Times fn: warm-up runs, then the median of at least `reps` runs (and at least ~0.5 s in total). */
export function timeMs(fn: () => void, reps = 7): number {
  for (let i = 0; i < 2; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < reps || (performance.now() - start < 500 && times.length < 100)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
