// What the report takes from a finished training run's directory: run.json (trainable parameters, memory),
// metrics.jsonl (loss per step, time per step) and grad_variance.jsonl.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readJson, readJsonLines } from "../eval/read_input.ts";
import type { MemoryReport } from "../train/memory.ts";
import type { StepMetrics } from "../train/metrics_log.ts";
import type { GradVarianceCurve, LossCurve, ModelSize, Table2Row } from "./report/results.ts";

interface RunJson {
  lr: number;
  steps: number;
  finalLoss: number;
  trainable: { count: number; total: number; byGroup: Record<string, { trainable: number; total: number }> };
  memory: MemoryReport;
}

export interface RunFacts {
  lr: number;
  steps: number;
  finalLoss: number;
  trainable: number;
  total: number;
  memory: MemoryReport;
  secondsPerStep: number;
}

function runJson(dir: string): RunJson {
  const file = join(dir, "run.json");
  const run = readJson(file) as RunJson;
  if (typeof run.steps !== "number" || typeof run.memory?.peakRssBytes !== "number")
    throw new Error(`${file}: the run did not finish (no steps or peak memory recorded)`);
  return run;
}

const stepLog = (dir: string) => readJsonLines(join(dir, "metrics.jsonl")) as StepMetrics[];

/** The median wall time of a step of a run (each line's tokens over its own tokens per second); the median
 * leaves out the steps that also ran a gradient-variance probe. */
export function secondsPerStep(steps: readonly StepMetrics[]): number {
  const sorted = steps
    .map((m) => m.tokens / m.tokensPerSecond)
    .filter((t) => t > 0)
    .sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function runFacts(dir: string): RunFacts {
  const run = runJson(dir);
  return {
    lr: run.lr,
    steps: run.steps,
    finalLoss: run.finalLoss,
    trainable: run.trainable.count,
    total: run.trainable.total,
    memory: run.memory,
    secondsPerStep: secondsPerStep(stepLog(dir)),
  };
}

export function table2Row(method: string, f: RunFacts): Table2Row {
  return {
    method,
    trainable: f.trainable,
    total: f.total,
    memory: f.memory,
    secondsPerStep: f.secondsPerStep,
  };
}

export function lossCurve(method: string, dir: string): LossCurve {
  return { method, points: stepLog(dir).map((m) => ({ step: m.step, loss: m.loss })) };
}

export function gradVarianceCurve(method: string, dir: string): GradVarianceCurve | null {
  const file = join(dir, "grad_variance.jsonl");
  if (!existsSync(file)) return null;
  const lines = readJsonLines(file) as { step: number; variance: number }[];
  return { method, points: lines.map((l) => ({ step: l.step, variance: l.variance })) };
}

/** The LLaVA's parameter counts, from a run's per-group totals. */
export function modelSize(name: string, dir: string): ModelSize {
  const g = runJson(dir).trainable.byGroup;
  const total = (k: string) => g[k]?.total ?? 0;
  return {
    name,
    parameters: runJson(dir).trainable.total,
    embeddingsAndHead: total("embeddings") + total("head"),
    blockNorms: total("block_norms"),
  };
}
