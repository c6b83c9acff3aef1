// The five benchmark columns of the paper's Table 1 as the report prints them, and the "average" column:
// the mean relative difference to a reference row (why: see Table1.averageReference in results.ts), over the
// benchmarks on which the reference scores above 0.
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

/** The benchmarks Table 1's average can use: those on which the reference scores above 0 (a difference
 * relative to 0 is undefined; on the sandbox a model that answers every POPE question "no" has an F1 of 0). */
export function averagedBenchmarks(reference: BenchmarkScores): Benchmark[] {
  return BENCHMARKS.filter(({ key }) => Number.isFinite(reference[key]) && reference[key] > 0);
}

/** Mean over averagedBenchmarks(reference) of 100·(score − ref)/ref; null when there are none or one of those
 * scores is missing. */
export function relativeAverage(scores: BenchmarkScores, reference: BenchmarkScores): number | null {
  const used = averagedBenchmarks(reference);
  if (used.length === 0) return null;
  let sum = 0;
  for (const { key } of used) {
    const v = scores[key];
    if (!Number.isFinite(v)) return null;
    sum += (100 * (v - reference[key])) / reference[key];
  }
  return sum / used.length;
}

/** What relativeAverage against `reference` covers, for table notes: "over the five", or which benchmarks it
 * leaves out and why. */
export function averageCoverage(reference: BenchmarkScores, referenceLabel: string): string {
  const used = averagedBenchmarks(reference);
  const left = BENCHMARKS.filter((b) => !used.includes(b));
  if (left.length === 0) return "over the five";
  const names = left.map((b) => (b.key === "popeF1" ? "POPE F1" : b.label)).join(", ");
  return `over ${BENCHMARKS.length - left.length} of the five (${names} left out: ${referenceLabel} scores 0 there)`;
}
