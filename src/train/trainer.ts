// The training loop: gradient accumulation, global-norm clipping, AdamW on a cosine schedule with warmup,
// NaN/Inf detection, metrics.jsonl, progress, and atomic checkpoints that a killed run resumes from exactly.
// Determinism: the data order is a function of (seed, epoch) and dropout masks of (seed, micro-batch), so a
// resumed run replays the same stream as an uninterrupted one. Data parallelism (data_parallel.ts): a step's
// global batch is ranks × accumulation micro-batches, rank r taking every micro-batch whose slot in the step
// is r modulo the ranks; micro-batch indices count global micro-batches, so N ranks see the data and dropout
// masks of one process accumulating N times as many micro-batches. The root alone writes files.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { SINGLE_PROCESS, type World } from "../dist/world.ts";
import { failpoint } from "../io/failpoint.ts";
import { createProgress } from "../io/progress.ts";
import type { Module, Parameter } from "../nn/module.ts";
import { activationBytes, backward, resetActivationPeak } from "../tensor/autograd.ts";
import { interruptGuard, interruptsReceived } from "../tensor/runtime.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { AdamW, DEFAULT_BETAS, DEFAULT_EPS, noDecayParameters } from "./adamw.ts";
import {
  latestCheckpoint,
  loadCheckpoint,
  NO_MEASUREMENTS,
  pruneCheckpoints,
  type RunMeasurements,
  readMeasurements,
  saveCheckpoint,
  type TrainerState,
} from "./checkpoint.ts";
import { checkSameRun, shareRootState, sumCounters } from "./data_parallel.ts";
import { clipGradNorm, globalGradNorm } from "./grad_norm.ts";
import { peakRssBytes } from "./memory.ts";
import { StepLog, type StepMetrics } from "./metrics_log.ts";
import { type RunOptions, refuseChangedRun } from "./run_options.ts";
import { cosineWithWarmup, warmupSteps } from "./schedule.ts";

/** Deterministic micro-batches: batch(epoch, index) always returns the same data. */
export interface BatchSource<B> {
  /** Micro-batches per epoch. */
  readonly batchesPerEpoch: number;
  /** `next` is the position this process will ask for next (a source may prepare it ahead). */
  batch(epoch: number, index: number, next?: readonly [number, number]): Promise<B> | B;
}

export interface TrainerOptions {
  outputDir: string;
  lr: number;
  epochs?: number;
  maxSteps?: number;
  gradAccum?: number;
  warmupRatio?: number;
  weightDecay?: number;
  maxGradNorm?: number;
  betas?: [number, number];
  eps?: number;
  seed?: number;
  saveEvery?: number;
  resume?: boolean;
  progress?: "auto" | "quiet";
  /** Counts the caller keeps while training (e.g. skipped samples), saved with each checkpoint and restored
   * on --resume, so a resumed run reports what an uninterrupted one would. */
  counters?: Record<string, number>;
  /** Stop after this many updates in this process (tests use it to simulate an interruption). */
  stopAfter?: number;
  /** The caller's options that change the result (data, model, method, …), recorded with every
   * checkpoint next to the trainer's own (trainerRunOptions); --resume refuses a checkpoint whose options
   * differ from these. */
  runOptions?: RunOptions;
  /** A measurement taken before training and every `every` updates, appended to `file` in the output
   * directory (the gradient-variance analysis uses it). It must not change the run. */
  probe?: { every: number; file: string; run: () => Record<string, number> };
  /** The ranks training together (data parallelism); one process by default. */
  world?: World;
}

export interface StepResult {
  loss: Tensor;
  /** Positions the model processed (a LLaVA's image features included, padding excluded), for tokens/s. */
  tokens: number;
}

export class NonFiniteError extends Error {}

/** SIGINT/SIGTERM during training: the step in progress was finished and checkpointed, so --resume continues. */
export class InterruptedError extends Error {
  readonly exitCode = 130;
}

export interface TrainSummary {
  steps: number;
  finalLoss: number;
  peakActivationBytes: number;
  /** The largest peak RSS of the processes that trained this run (resumes included; the root's). */
  peakRssBytes: number;
  /** Time this process spent in the gradient all-reduce (0 for one process). */
  allreduceSeconds: number;
  /** The median over this process's steps of a step's tokens per second (null: it ran none). */
  tokensPerSecond: number | null;
}

/** The trainer's defaults. */
function withDefaults(opts: TrainerOptions) {
  return {
    epochs: opts.epochs ?? 1,
    gradAccum: opts.gradAccum ?? 1,
    warmupRatio: opts.warmupRatio ?? 0.03,
    weightDecay: opts.weightDecay ?? 0,
    maxGradNorm: opts.maxGradNorm ?? 1.0,
    seed: opts.seed ?? 42,
  };
}

/** The trainer's options that change its result, defaults filled in (the step count, known once the data
 * is, is added by train). Saving cadence, progress display and the stop point are not among them. */
export function trainerRunOptions(opts: TrainerOptions): RunOptions {
  const d = withDefaults(opts);
  return {
    lr: opts.lr,
    epochs: opts.maxSteps === undefined ? d.epochs : null,
    maxSteps: opts.maxSteps ?? null,
    gradAccum: d.gradAccum,
    warmupRatio: d.warmupRatio,
    weightDecay: d.weightDecay,
    maxGradNorm: d.maxGradNorm,
    betas: opts.betas ?? DEFAULT_BETAS,
    eps: opts.eps ?? DEFAULT_EPS,
    seed: d.seed,
    worldSize: (opts.world ?? SINGLE_PROCESS).size,
  };
}

export async function train<B>(
  model: Module,
  source: BatchSource<B>,
  step: (batch: B, microIndex: number) => StepResult,
  opts: TrainerOptions,
): Promise<TrainSummary> {
  const d = withDefaults(opts);
  const accum = d.gradAccum;
  const seed = d.seed;
  const world = opts.world ?? SINGLE_PROCESS;
  // Micro-batches per step over all ranks.
  const slots = accum * world.size;
  const params: Array<readonly [string, Parameter]> = model
    .namedParameters()
    .filter(([, p]) => p.requiresGrad);
  if (params.length === 0) throw new Error("nothing to train: no parameter requires a gradient");
  const totalSteps = opts.maxSteps ?? Math.ceil((d.epochs * source.batchesPerEpoch) / slots);
  if (!(totalSteps > 0)) throw new Error(`no training steps (data has ${source.batchesPerEpoch} batches)`);
  const warmup = warmupSteps(totalSteps, d.warmupRatio);
  const opt = new AdamW(params, {
    lr: opts.lr,
    betas: opts.betas,
    eps: opts.eps,
    weightDecay: d.weightDecay,
    noDecay: noDecayParameters(model),
    // The step's loss sum, tokens and stop flag, summed with the gradients.
    extraGradSlots: world.size > 1 ? 3 : 0,
  });
  const arena = opt.arena;
  const options: RunOptions = { ...trainerRunOptions(opts), totalSteps, ...opts.runOptions };
  if (world.isRoot) mkdirSync(opts.outputDir, { recursive: true });
  const log = world.isRoot ? new StepLog(join(opts.outputDir, "metrics.jsonl")) : null;
  const probeLog =
    opts.probe && world.isRoot ? new StepLog<{ step: number }>(join(opts.outputDir, opts.probe.file)) : null;
  let state: TrainerState = { step: 0, epoch: 0, index: 0, totalSteps, seed };
  let before: RunMeasurements = NO_MEASUREMENTS;
  if (world.size > 1) checkSameRun(world, options, params);
  let resumed = false;
  const resumeFrom = opts.resume && world.isRoot ? latestCheckpoint(opts.outputDir) : null;
  if (resumeFrom) {
    refuseChangedRun(resumeFrom, options);
    state = loadCheckpoint(resumeFrom, opt);
    before = readMeasurements(resumeFrom);
    pruneCheckpoints(opts.outputDir);
    resumed = true;
  }
  if (world.size > 1) ({ state, before, resumed } = shareRootState(world, opt, { state, before, resumed }));
  if (resumed && opts.counters) {
    for (const key of Object.keys(opts.counters)) delete opts.counters[key];
    Object.assign(opts.counters, before.counters);
  }
  // What every rank counted before this process read any batch.
  const counterBase = { ...opts.counters };
  log?.truncateAfter(state.step);
  probeLog?.truncateAfter(state.step);
  const runProbe = () => {
    if (opts.probe && probeLog && state.step % opts.probe.every === 0)
      probeLog.append({ step: state.step, ...opts.probe.run() });
  };
  if (state.step === 0) runProbe();
  const progress = createProgress("train", totalSteps, state.step, world.isRoot ? opts.progress : "quiet");
  // A first Ctrl-C (or SIGTERM) lets the current step finish and be checkpointed; a second one quits at once.
  // With several ranks, they agree in the step's all-reduce to stop after it, whichever was signalled.
  let signalled = false;
  let interrupted = false;
  const onSignal = () => {
    if (signalled) process.exit(130);
    signalled = true;
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // After process.on, so that the guard passes the first signal on to Node's handler.
  interruptGuard(true);
  let peakActivationBytes = before.peakActivationBytes;
  let lastLoss = before.lastLoss ?? Number.NaN;
  // Counters over all ranks (on the root; every rank must call this at the same point).
  const counters = () =>
    world.size > 1 ? (sumCounters(world, counterBase, { ...opts.counters }) ?? {}) : { ...opts.counters };
  const measured = (): RunMeasurements => ({
    lastLoss: Number.isFinite(lastLoss) ? lastLoss : null,
    peakActivationBytes,
    peakRssBytes: Math.max(before.peakRssBytes, peakRssBytes()),
    counters: counters(),
    stepTokensPerSecond: [...stepRates],
  });
  const bpe = source.batchesPerEpoch;
  // The data position `k` micro-batches after (epoch, index).
  const ahead = (epoch: number, index: number, k: number): [number, number] => [
    epoch + Math.floor((index + k) / bpe),
    (index + k) % bpe,
  ];
  let allreduceSeconds = 0;
  const startStep = state.step;
  const stepRates: number[] = [...before.stepTokensPerSecond];
  try {
    while (state.step < totalSteps) {
      const stepStart = performance.now();
      let lossSum = 0;
      let tokens = 0;
      if (world.size > 1) arena.attachGrads();
      for (let slot = 0; slot < slots; slot++) {
        if (state.index >= bpe) {
          state.epoch++;
          state.index = 0;
        }
        if (slot % world.size === world.rank) {
          const batch = await source.batch(
            state.epoch,
            state.index,
            ahead(state.epoch, state.index, world.size),
          );
          const micro = state.step * slots + slot;
          // The graph's activations, counted by the tensor layer from recording to backward (what this
          // micro-batch added to any graph still held).
          resetActivationPeak();
          const held = activationBytes().live;
          const r = step(batch, micro);
          const value = r.loss.item();
          if (!Number.isFinite(value))
            throw new NonFiniteError(
              `loss is ${value} at step ${state.step + 1} (epoch ${state.epoch}, batch ${state.index})`,
            );
          lossSum += value / slots;
          tokens += r.tokens;
          // HF scales each micro-batch loss by 1/accum (and DDP averages over ranks) so the accumulated gradient
          // is their mean. A loss with no graph (an emptied batch) contributes nothing.
          if (r.loss.requiresGrad) backward(r.loss, Float32Array.of(1 / slots));
          peakActivationBytes = Math.max(peakActivationBytes, activationBytes().peak - held);
        }
        state.index++;
      }
      arena.collectGrads(world.size > 1);
      if (world.size > 1) {
        // Let a signal reach its handler, so that this step's all-reduce carries it to every rank.
        await new Promise((resolve) => setTimeout(resolve, 1));
        const stop = signalled || interruptsReceived() > 0 ? 1 : 0;
        const t = performance.now();
        const [loss, tokenSum, stops] = arena.allreduceGrads(world, [lossSum, tokens, stop]);
        lossSum = loss;
        tokens = tokenSum;
        interrupted = stops > 0;
        allreduceSeconds += (performance.now() - t) / 1000;
      }
      // The global norm is finite exactly when every gradient is; only a bad one costs a second scan.
      const gradNorm = globalGradNorm(arena);
      if (!Number.isFinite(gradNorm)) {
        const bad = arena.nonFiniteGrads();
        throw new NonFiniteError(
          `non-finite gradient at step ${state.step + 1} in ${bad.slice(0, 5).join(", ")}${bad.length > 5 ? ", …" : ""}; weights left unchanged`,
        );
      }
      clipGradNorm(arena, d.maxGradNorm, gradNorm);
      const lr = opts.lr * cosineWithWarmup(state.step, totalSteps, warmup);
      opt.update(lr);
      opt.zeroGrad();
      state.step++;
      failpoint("train:step");
      lastLoss = lossSum;
      // This step's own rate: its tokens (all ranks') over its wall time, from fetching its first batch to the
      // optimizer's update.
      const seconds = (performance.now() - stepStart) / 1000;
      const m: StepMetrics = {
        step: state.step,
        loss: lossSum,
        lr,
        gradNorm,
        tokens,
        tokensPerSecond: tokens / Math.max(seconds, 1e-6),
        epoch: state.epoch + state.index / bpe,
      };
      stepRates.push(m.tokensPerSecond);
      log?.append(m);
      runProbe();
      progress.update(state.step, {
        loss: lossSum.toFixed(4),
        lr: lr.toExponential(2),
        "tok/s (step)": m.tokensPerSecond.toFixed(0),
      });
      const saveEvery = opts.saveEvery ?? 0;
      // Node delivers signals only once earlier callbacks have run, so ask the guard, which counts them as they
      // arrive; without the addon, give the event loop a moment to deliver them.
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (world.size === 1 && (signalled || interruptsReceived() > 0)) interrupted = true;
      if ((saveEvery > 0 && state.step % saveEvery === 0) || state.step === totalSteps || interrupted) {
        const m = measured();
        if (world.isRoot) saveCheckpoint(opts.outputDir, opt, state, options, m);
      }
      if (interrupted && state.step < totalSteps)
        throw new InterruptedError(
          `interrupted after step ${state.step} of ${totalSteps}; checkpoint saved in ${opts.outputDir} (continue with --resume)`,
        );
      if (opts.stopAfter !== undefined && state.step - startStep >= opts.stopAfter) break;
    }
  } finally {
    interruptGuard(false);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    progress.stop();
  }
  const m = measured();
  // The caller's counters, on the root, become those of all ranks (run.json reports them).
  if (world.size > 1 && world.isRoot && opts.counters) Object.assign(opts.counters, m.counters);
  return {
    steps: state.step,
    finalLoss: lastLoss,
    peakActivationBytes,
    peakRssBytes: m.peakRssBytes,
    allreduceSeconds,
    tokensPerSecond: stepRates.length > 0 ? median(stepRates) : null,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
