// Step logs such as metrics.jsonl: one JSON line per optimizer step. On resume, lines past the checkpoint's
// step (written after it, before the run was killed) are dropped so the log matches an uninterrupted run.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic_write.ts";

export interface StepMetrics {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  /** Positions the model processed in the step (image features included, padding excluded), all ranks. */
  tokens: number;
  /** tokens over the step's own wall time (not an average since the start). */
  tokensPerSecond: number;
  epoch: number;
}

/** A JSON-lines log with one record per step (metrics.jsonl, grad_variance.jsonl). */
export class StepLog<T extends { step: number } = StepMetrics> {
  constructor(readonly path: string) {}

  truncateAfter(step: number): void {
    if (!existsSync(this.path)) return;
    const kept = readFileSync(this.path, "utf8")
      .split("\n")
      .filter((line) => {
        if (!line.trim()) return false;
        try {
          return (JSON.parse(line) as T).step <= step;
        } catch {
          return false;
        }
      });
    writeFileAtomic(this.path, kept.map((l) => `${l}\n`).join(""));
  }

  append(m: T): void {
    appendFileSync(this.path, `${JSON.stringify(m)}\n`);
  }
}
