// Training checkpoints: trainable weights, AdamW state, the trainer state and the options the run's result
// depends on (options.json, see run_options.ts), written into a temporary directory that is renamed into
// place, then `latest` (a one-line file) is replaced atomically. A run killed at any moment leaves `latest`
// pointing at a complete checkpoint.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { readJsonObject } from "../io/config/fields.ts";
import { failpoint } from "../io/failpoint.ts";
import { openSafetensors, writeSafetensors } from "../io/safetensors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { AdamW } from "./adamw.ts";
import type { RunOptions } from "./run_options.ts";

export interface TrainerState {
  /** Completed optimizer updates. */
  step: number;
  /** Data position of the next micro-batch. */
  epoch: number;
  index: number;
  totalSteps: number;
  seed: number;
}

/** What the run measured up to a checkpoint, kept apart from state.json: process peaks differ between an
 * interrupted-and-resumed run and an uninterrupted one, while the trainer state must not. A resumed run
 * reports the larger of its processes' peaks, and a resume after the last step still knows the final loss. */
export interface RunMeasurements {
  lastLoss: number | null;
  peakActivationBytes: number;
  peakRssBytes: number;
  /** The caller's counters (samples skipped by reason), as they stood at this checkpoint. */
  counters: Record<string, number>;
  /** Each optimizer step's tokens per second so far, so that the run's median survives a resume. */
  stepTokensPerSecond: number[];
}

export const NO_MEASUREMENTS: RunMeasurements = {
  lastLoss: null,
  peakActivationBytes: 0,
  peakRssBytes: 0,
  counters: {},
  stepTokensPerSecond: [],
};

const CHECKPOINTS = "checkpoints";
const OPTIONS = "options.json";
const MEASUREMENTS = "measurements.json";

export function saveCheckpoint(
  outputDir: string,
  opt: AdamW,
  state: TrainerState,
  options: RunOptions,
  measurements: RunMeasurements,
  keep = 2,
): string {
  const root = join(outputDir, CHECKPOINTS);
  mkdirSync(root, { recursive: true });
  // Directories of writes that a killed process left half done; one run writes to a directory at a time.
  for (const stale of readdirSync(root).filter((d) => d.includes(".tmp-")))
    rmSync(join(root, stale), { recursive: true, force: true });
  const name = `step-${String(state.step).padStart(7, "0")}`;
  const tmp = join(root, `${name}.tmp-${process.pid}`);
  mkdirSync(tmp);
  failpoint("checkpoint:begun");
  // Every tensor is a view of the optimizer's arena, written as it is.
  const { arena } = opt;
  const f32 = (t: Tensor) => ({ dtype: "F32" as const, shape: [...t.shape], data: t.readStored() });
  writeSafetensors(
    join(tmp, "trainable.safetensors"),
    Object.fromEntries(arena.names.map((n, i) => [n, f32(arena.tensors[i])])),
  );
  failpoint("checkpoint:weights");
  const moments: Record<string, ReturnType<typeof f32>> = {};
  for (const [i, n] of arena.names.entries()) {
    moments[`m.${n}`] = f32(arena.moment("m", i));
    moments[`v.${n}`] = f32(arena.moment("v", i));
  }
  writeSafetensors(join(tmp, "optimizer.safetensors"), moments, { step: String(opt.step) });
  failpoint("checkpoint:optimizer");
  writeFileAtomic(join(tmp, "state.json"), `${JSON.stringify(state, null, 2)}\n`);
  writeFileAtomic(join(tmp, OPTIONS), `${JSON.stringify(options, null, 2)}\n`);
  writeFileAtomic(join(tmp, MEASUREMENTS), `${JSON.stringify(measurements, null, 2)}\n`);
  const final = join(root, name);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  failpoint("checkpoint:renamed");
  writeFileAtomic(join(root, "latest"), `${name}\n`);
  failpoint("checkpoint:latest");
  pruneCheckpoints(outputDir, keep);
  return final;
}

/** Keeps the newest `keep` checkpoints. Also called on resume: a run killed right after moving `latest`
 * has not pruned yet. */
export function pruneCheckpoints(outputDir: string, keep = 2): void {
  const root = join(outputDir, CHECKPOINTS);
  for (const old of readdirSync(root)
    .filter((d) => d.startsWith("step-") && !d.includes(".tmp-"))
    .sort()
    .slice(0, -keep))
    rmSync(join(root, old), { recursive: true, force: true });
}

/** The checkpoint `latest` points at, or null when the run has none. */
export function latestCheckpoint(outputDir: string): string | null {
  const pointer = join(outputDir, CHECKPOINTS, "latest");
  if (!existsSync(pointer)) return null;
  const dir = join(outputDir, CHECKPOINTS, readFileSync(pointer, "utf8").trim());
  if (!existsSync(join(dir, "state.json"))) throw new Error(`${pointer} names ${dir}, which is incomplete`);
  return dir;
}

/** Restores weights and optimizer moments into the optimizer's arena; returns the trainer state. */
export function loadCheckpoint(dir: string, opt: AdamW): TrainerState {
  const weights = openSafetensors(join(dir, "trainable.safetensors"));
  const moments = openSafetensors(join(dir, "optimizer.safetensors"));
  try {
    const { arena } = opt;
    for (const [i, n] of arena.names.entries()) {
      if (!weights.has(n))
        throw new Error(`${dir}: checkpoint has no weights for ${n} (a different method?)`);
      arena.tensors[i].writeF32(weights.read(n).data as Float32Array);
      arena.moment("m", i).writeF32(moments.read(`m.${n}`).data as Float32Array);
      arena.moment("v", i).writeF32(moments.read(`v.${n}`).data as Float32Array);
    }
    opt.step = Number(moments.metadata?.step ?? 0);
  } finally {
    weights.close();
    moments.close();
  }
  return JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as TrainerState;
}

/** The options recorded with a checkpoint; null for one written before lntune recorded them. */
export function readCheckpointOptions(dir: string): RunOptions | null {
  const file = join(dir, OPTIONS);
  if (!existsSync(file)) return null;
  return readJsonObject(file) as RunOptions;
}

/** The measurements recorded with a checkpoint (none in checkpoints written before they were recorded). */
export function readMeasurements(dir: string): RunMeasurements {
  const file = join(dir, MEASUREMENTS);
  if (!existsSync(file)) return NO_MEASUREMENTS;
  return { ...NO_MEASUREMENTS, ...(readJsonObject(file) as unknown as Partial<RunMeasurements>) };
}
