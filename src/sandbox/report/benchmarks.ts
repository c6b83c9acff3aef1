// The five benchmark columns of the paper's Table 1 as the report prints them, and the "average" column:
// the mean relative difference to a reference row (why: see Table1.averageReference in results.ts).
import type { BenchmarkScores, Table1 } from "./results.ts";

export interface Benchmark {
  key: keyof BenchmarkScores;
  /** Column head and chart panel title. */
  label: string;
  /** Its y-axis label in charts. */
  unit: string;
  decimals: number;
}

/** In Table 1's order; POPE is represented by its F1 (its accuracy is printed beside it). */
export const BENCHMARKS: readonly Benchmark[] = [
  { key: "mmePerception", label: "MME perception", unit: "score", decimals: 1 },
  { key: "vqav2", label: "VQAv2", unit: "accuracy (%)", decimals: 2 },
  { key: "cocoCider", label: "COCO", unit: "CIDEr", decimals: 1 },
  { key: "flickrCider", label: "Flickr30k", unit: "CIDEr", decimals: 1 },
  { key: "popeF1", label: "POPE", unit: "F1 (%)", decimals: 2 },
];

/** The row Table 1's average compares with: the one named, else `lora`, else the first. */
export function averageReference(t: Table1): string | undefined {
  const methods = t.rows.map((r) => r.method);
  if (t.averageReference !== undefined) {
    if (!methods.includes(t.averageReference))
      throw new Error(`results.json: table1.averageReference "${t.averageReference}" names no row of table1`);
    return t.averageReference;
  }
  return methods.includes("lora") ? "lora" : methods[0];
}

/** Mean over the five benchmarks of 100·(score − ref)/ref; null when a reference score is not positive
 * or a score is missing, since the relative difference is then undefined. */
export function relativeAverage(scores: BenchmarkScores, reference: BenchmarkScores): number | null {
  let sum = 0;
  for (const { key } of BENCHMARKS) {
    const v = scores[key];
    const ref = reference[key];
    if (!Number.isFinite(v) || !Number.isFinite(ref) || !(ref > 0)) return null;
    sum += (100 * (v - ref)) / ref;
  }
  return sum / BENCHMARKS.length;
}
