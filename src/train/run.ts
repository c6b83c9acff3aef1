// One training stage end to end: build or load the LLaVA model, pick the trainable set, read the data,
// account for parameters and memory, train (resumably), and write the results. Stage 1 ("pretrain") trains
// the connector with the plain template; stage 2 ("finetune") applies one of the tuning methods. With several
// ranks (data parallelism), every rank trains and the root alone checks and writes the run directory.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { probeGradVariance } from "../analysis/grad_variance.ts";
import { batchInputs } from "../data/batch_inputs.ts";
import type { ImageAspectRatio } from "../data/clip_preprocess.ts";
import { type DatasetBatch, LlavaDataset } from "../data/llava_dataset.ts";
import { getTemplate } from "../data/templates/index.ts";
import { SINGLE_PROCESS, type World } from "../dist/world.ts";
import { removeStaleTemporaries, writeFileAtomic } from "../io/atomic_write.ts";
import { failpoint } from "../io/failpoint.ts";
import { writeSafetensors } from "../io/safetensors.ts";
import { loadTokenizer } from "../io/tokenizer.ts";
import { composeLlava } from "../models/compose.ts";
import type { LlavaForConditionalGeneration } from "../models/llava/model.ts";
import { loadConnector, loadLlava, type OnWeight } from "../models/load.ts";
import { type ComputeDtype, setComputeDtype } from "../tensor/compute_dtype.ts";
import { Rng } from "../tensor/rng.ts";
import { scalar } from "../tensor/tensor.ts";
import {
  applyMethod,
  DEFAULT_LORA,
  reseedLoraDropout,
  type TrainableSet,
  type TuningOptions,
} from "../tuning/apply.ts";
import { FINETUNE_LR, PRETRAIN_LR } from "../tuning/learning_rates.ts";
import { type MethodName, methodSpec } from "../tuning/methods.ts";
import { planAdapter, type SaveAdapterOptions, saveAdapter } from "../tuning/peft_adapter.ts";
import { describeQuantize, type QuantFormat, quantizeFrozen, quantizeOnLoad } from "../tuning/quantize.ts";
import { latestCheckpoint } from "./checkpoint.ts";
import { staticMemory } from "./memory.ts";
import { refuseChangedRun } from "./run_options.ts";
import { type BaseInputs, ensureSharedBase, sharedBasePath } from "./shared_base.ts";
import { stageRunOptions } from "./stage_options.ts";
import { type TrainerOptions, type TrainSummary, train, trainerRunOptions } from "./trainer.ts";

export interface StageOptions {
  stage: "pretrain" | "finetune";
  /** A LLaVA directory (either layout) ... */
  model?: string;
  /** ... or a LLaMA-family LLM and a CLIP tower to join with a new connector. */
  llm?: string;
  vision?: string;
  /** The tower directory of an original-layout LLaVA whose mm_vision_tower is not a local path. */
  visionTower?: string;
  projector?: "linear" | "mlp2x_gelu";
  /** Connector weights to start from: a pretrain run's connector.safetensors, or LLaVA's mm_projector.bin. */
  connector?: string;
  tokenizer?: string;
  data: string;
  images: string;
  output: string;
  method?: MethodName;
  tuning?: TuningOptions;
  lr?: number;
  epochs?: number;
  maxSteps?: number;
  batchSize?: number;
  gradAccum?: number;
  warmupRatio?: number;
  weightDecay?: number;
  maxGradNorm?: number;
  seed?: number;
  template?: string;
  maxLength?: number;
  saveEvery?: number;
  resume?: boolean;
  recompute?: boolean;
  aspectRatio?: ImageAspectRatio;
  groupByLength?: boolean;
  strict?: boolean;
  /** The products with frozen weights in bf16 (see tensor/compute_dtype.ts); default f32. */
  computeDtype?: ComputeDtype;
  /** Frozen projection weights stored quantised (see tuning/quantize.ts). */
  quantize?: QuantFormat;
  /** The data-type study: train on these types only, then on a seeded subsample of N. */
  dataTypes?: string[];
  subsample?: number;
  betas?: [number, number];
  eps?: number;
  /** Gradient-variance analysis: every N updates (and before the first), over K fixed probe batches. */
  gradVarianceEvery?: number;
  gradVarianceBatches?: number;
  progress?: "auto" | "quiet";
  /** Stop after this many updates in this process (a deliberate interruption). */
  stopAfter?: number;
  log?: (line: string) => void;
  /** The ranks training together (data parallelism); one process by default. */
  world?: World;
}

export interface StageResult {
  model: LlavaForConditionalGeneration;
  trainable: TrainableSet;
  summary: TrainSummary;
  lr: number;
}

const RUN_JSON = "run.json";
/** What a run writes into its directory; finding any of them, a new run refuses to start there. */
const RUN_OUTPUTS = [RUN_JSON, "metrics.jsonl", "checkpoints", "adapter", "connector.safetensors"];

/** LLaVA cuts the spliced rows again after image expansion; --max-length sets that limit too. */
function buildModel(o: StageOptions, onWeight?: OnWeight): LlavaForConditionalGeneration {
  if (o.model)
    return loadLlava(
      o.model,
      { visionTowerDir: o.visionTower, modelMaxLength: o.maxLength },
      undefined,
      onWeight,
    );
  if (o.llm && o.vision)
    return composeLlava(o.llm, o.vision, {
      projector: o.projector,
      seed: o.seed,
      maxLength: o.maxLength,
      onWeight,
    });
  throw new Error("give --model DIR, or --llm DIR and --vision DIR");
}

function describeTrainable(t: TrainableSet, lr: number, lrSource: string): string {
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(4)}%` : "-");
  const lines = [
    `trainable ${t.trainableCount.toLocaleString()} of ${t.totalCount.toLocaleString()} parameters (${pct(t.trainableCount, t.totalCount)})`,
  ];
  for (const [g, c] of [...t.byGroup].sort())
    lines.push(
      `  ${g.padEnd(12)} ${c.trainable.toLocaleString().padStart(14)} / ${c.total.toLocaleString()}`,
    );
  lines.push(`learning rate ${lr} (${lrSource})`);
  return lines.join("\n");
}

export async function runStage(o: StageOptions): Promise<StageResult> {
  const world = o.world ?? SINGLE_PROCESS;
  const log = !world.isRoot ? () => {} : (o.log ?? ((l: string) => process.stderr.write(`${l}\n`)));
  const seed = o.seed ?? 42;
  setComputeDtype(o.computeDtype ?? "f32");
  // Cheap checks first: a wrong path should not cost a model load.
  if (!existsSync(o.data)) throw new Error(`data file not found: ${o.data}`);
  if (!existsSync(o.images)) throw new Error(`image folder not found: ${o.images}`);
  const methodName: MethodName = o.stage === "pretrain" ? "connector" : (o.method ?? "ln");
  const spec = methodSpec(methodName);
  const lrDefault = o.stage === "pretrain" ? PRETRAIN_LR : FINETUNE_LR[methodName];
  const lr = o.lr ?? lrDefault.lr;
  const templateName = o.template ?? (o.stage === "pretrain" ? "plain" : "vicuna_v1");
  const batchSize = o.batchSize ?? 4;
  const trainerOptions: TrainerOptions = {
    outputDir: o.output,
    lr,
    epochs: o.epochs,
    maxSteps: o.maxSteps,
    gradAccum: o.gradAccum,
    warmupRatio: o.warmupRatio,
    weightDecay: o.weightDecay,
    maxGradNorm: o.maxGradNorm,
    betas: o.betas,
    eps: o.eps,
    seed,
    saveEvery: o.saveEvery,
    resume: o.resume,
    progress: o.progress,
    stopAfter: o.stopAfter,
    runOptions: stageRunOptions(o, { method: methodName, template: templateName, batchSize }),
    world,
  };
  // --resume continues only the run that wrote the checkpoint: a changed option is refused before anything
  // in the run directory is written (the trainer checks the step count, known once the data is read).
  const resumeFrom = o.resume && world.isRoot ? latestCheckpoint(o.output) : null;
  if (!world.isRoot) {
    // The root checks the run directory (a refusal there ends every rank).
  } else if (resumeFrom) {
    const now = { ...trainerRunOptions(trainerOptions), ...trainerOptions.runOptions };
    refuseChangedRun(resumeFrom, now, Object.keys(now));
  } else if (o.resume) {
    // A run stopped before its first checkpoint starts over; a directory without a run has nothing to resume.
    if (!RUN_OUTPUTS.some((f) => existsSync(join(o.output, f))))
      throw new Error(`${o.output}: nothing to resume (no run there); leave out --resume to start a run`);
    log(`${o.output}: the run has no checkpoint yet; starting it from step 0`);
  } else {
    const found = RUN_OUTPUTS.filter((f) => existsSync(join(o.output, f)));
    if (found.length > 0)
      throw new Error(
        `${o.output} holds a run (${found.join(", ")}); continue it with --resume, or choose another --output`,
      );
  }
  if (world.isRoot) {
    mkdirSync(o.output, { recursive: true });
    removeStaleTemporaries(o.output);
  }
  const tokenizerDir = o.tokenizer ?? o.model ?? o.llm!;
  // A model joined here from an LLM and a tower has no checkpoint of its own for the adapter to apply to: the
  // first run of these inputs writes it (with the stage-1 connector) before a method changes anything, and
  // later runs refer to that one.
  const baseInputs: BaseInputs | null =
    o.stage === "finetune" && !o.model
      ? {
          llm: o.llm!,
          vision: o.vision!,
          tokenizer: tokenizerDir,
          projector: o.projector ?? "linear",
          connector: o.connector,
          seed,
          maxLength: o.maxLength ?? null,
        }
      : null;
  // --quantize quantises each projection weight as it is read, so the model is never held whole at its stored
  // width, unless a projection weight is to be trained (it stays exact until the method has chosen) or a base
  // has to be written from the loaded weights (which must be saved as they were).
  const trainsProjections =
    spec.groups.includes("attention") ||
    spec.groups.includes("mlp") ||
    (o.tuning?.trainable ?? null) !== null;
  const onLoad =
    o.quantize &&
    !trainsProjections &&
    (baseInputs === null || existsSync(sharedBasePath(baseInputs, o.output).dir))
      ? quantizeOnLoad(o.quantize)
      : null;
  const model = buildModel(o, onLoad?.onWeight);
  if (o.connector) loadConnector(model, o.connector);
  const tokenizer = loadTokenizer(tokenizerDir);
  const template = getTemplate(templateName, tokenizer);
  let base = o.model ?? "";
  if (baseInputs) {
    if (world.isRoot) {
      const shared = ensureSharedBase(model, baseInputs, o.output);
      base = shared.dir;
      log(`base checkpoint ${shared.written ? "written to" : "found at"} ${base}`);
    } else base = sharedBasePath(baseInputs, o.output).dir;
  }
  const trainable = applyMethod(model, spec, o.tuning ?? {}, new Rng(seed));
  if (o.quantize) {
    const report = quantizeFrozen(model, o.quantize, new Set(), onLoad?.report);
    log(`${describeQuantize(report)}${onLoad ? " while loading" : ""}`);
  }
  // The adapter holds exactly the trained set (--trainable / --freeze included); one it cannot hold is
  // refused now rather than after training.
  const adapter: SaveAdapterOptions = {
    method: spec,
    trainable: trainable.names,
    lora: spec.lora ? (o.tuning?.lora ?? DEFAULT_LORA) : undefined,
    baseModelNameOrPath: base,
    embeddingBaseLayers: o.model !== undefined,
  };
  if (o.stage === "finetune") planAdapter(model, adapter);
  model.language_model.model.recompute = o.recompute ?? false;
  model.train();
  log(describeTrainable(trainable, lr, o.lr ? "given" : lrDefault.source));

  // Without --max-length, samples are cut to the tokenizer's model_max_length: an unbounded conversation would
  // otherwise take a step of any length and memory.
  const maxLength = o.maxLength ?? tokenizer.modelMaxLength ?? undefined;
  if (o.maxLength === undefined && maxLength !== undefined)
    log(
      `samples longer than ${maxLength} tokens are cut (the tokenizer's model_max_length; --max-length sets another limit)`,
    );
  const data = await LlavaDataset.open({
    dataPath: o.data,
    imageFolder: o.images,
    tokenizer,
    template,
    processor: model.preprocessing.imageProcessor,
    aspectRatio: o.aspectRatio ?? model.config.imageAspectRatio,
    batchSize,
    seed,
    maxLength,
    groupByLength: o.groupByLength,
    strict: o.strict,
    subset: { types: o.dataTypes, subsample: o.subsample },
  });
  log(
    `data: ${data.samples.length} samples, ${data.batchesPerEpoch} batches per epoch${Object.keys(data.skipped).length ? `, skipped ${JSON.stringify(data.skipped)}` : ""}`,
  );

  const gradAccum = o.gradAccum ?? 1;
  if (world.size > 1)
    log(
      `data parallel: ${world.size} ranks; global batch ${world.size} ranks × ${batchSize} × ${gradAccum} accumulation = ${world.size * batchSize * gradAccum}`,
    );
  const memory = staticMemory(model);
  const run = {
    stage: o.stage,
    method: methodName,
    paperName: spec.paperName,
    lr,
    seed,
    worldSize: world.size,
    globalBatchSize: world.size * batchSize * gradAccum,
    trainable: {
      count: trainable.trainableCount,
      total: trainable.totalCount,
      byGroup: Object.fromEntries(trainable.byGroup),
      names: trainable.names,
    },
    memory,
  };
  // A resumed run keeps its run.json until the final one replaces it (a kill in between leaves it whole).
  if (!resumeFrom && world.isRoot)
    writeFileAtomic(join(o.output, RUN_JSON), `${JSON.stringify(run, null, 2)}\n`);

  const forwardLoss = (b: DatasetBatch) =>
    model.forwardMultimodal({ ...batchInputs(model, b), logits: "none" });
  let probe: TrainerOptions["probe"];
  // The probe is a measurement the root writes; the others would only repeat it.
  if (o.gradVarianceEvery && world.isRoot) {
    const k = Math.min(o.gradVarianceBatches ?? 8, data.batchesPerEpoch);
    const batches = (await Promise.all(Array.from({ length: k }, (_, i) => data.peek(0, i)))).filter(
      (b) => b.batchSize > 0,
    );
    const losses = batches.map((b) => () => forwardLoss(b).loss!);
    probe = {
      every: o.gradVarianceEvery,
      file: "grad_variance.jsonl",
      run: () => ({ ...probeGradVariance(model, losses) }),
    };
  }
  let skipWarned = false;
  const summary = await train<DatasetBatch>(
    model,
    data,
    (b, micro) => {
      if (b.skippedHere.length > 0 && !skipWarned) {
        skipWarned = true;
        log(
          `skipping samples whose images cannot be used (first: ${b.skippedHere[0]}); the count follows at the end`,
        );
      }
      // Every sample of the batch was dropped (undecodable images): nothing to learn from this micro-batch.
      if (b.batchSize === 0) return { loss: scalar(0), tokens: 0 };
      reseedLoraDropout(model, seed, micro);
      const out = forwardLoss(b);
      // Every position the LLM ran that is not padding: text tokens and image features alike.
      return { loss: out.loss!, tokens: out.plan.attentionMask.reduce((n, m) => n + m, 0) };
    },
    { ...trainerOptions, probe, counters: data.counts },
  );
  // The other ranks wait until the root has written the results, so that the job ends when the run does.
  if (!world.isRoot) {
    world.barrier();
    return { model, trainable, summary, lr };
  }
  // The stage's output first, run.json last: a run.json with its final loss marks a finished run, and a run
  // killed while writing its output is finished by --resume from its last checkpoint.
  if (o.stage === "finetune") {
    saveAdapter(join(o.output, "adapter"), model, adapter);
    failpoint("run:output");
    log(`adapter written to ${join(o.output, "adapter")} (base: ${base})`);
  }
  if (o.stage === "pretrain") {
    const tensors = Object.fromEntries(
      model.projector
        .namedParameters("projector")
        .map(([n, p]) => [n, { dtype: "F32" as const, shape: [...p.shape], data: p.readStored("f32") }]),
    );
    writeSafetensors(join(o.output, "connector.safetensors"), tensors, { format: "pt" });
    failpoint("run:output");
  }
  const final = {
    ...run,
    memory: {
      ...memory,
      peakActivationBytes: summary.peakActivationBytes,
      peakRssBytes: summary.peakRssBytes,
    },
    steps: summary.steps,
    finalLoss: summary.finalLoss,
    skipped: data.skipped,
    throughput: {
      tokensPerSecond: summary.tokensPerSecond,
      counts:
        "the median over the run's optimizer steps (those of earlier processes of a resumed run included) of a step's tokens per second: the positions the " +
        "language model ran (text tokens and image features, padding excluded) over the step's wall time",
    },
  };
  writeFileAtomic(join(o.output, RUN_JSON), `${JSON.stringify(final, null, 2)}\n`);
  failpoint("run:finished");
  if (data.truncated > 0) log(`cut ${data.truncated} samples to ${maxLength} tokens`);
  const skips = Object.entries(data.skipped).map(([reason, n]) => `${n} ${reason}`);
  if (skips.length > 0) log(`skipped samples: ${skips.join(", ")} (counted in run.json)`);
  log(
    `done: ${summary.steps} steps, final loss ${summary.finalLoss.toFixed(4)}, peak RSS ${(summary.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
  );
  world.barrier();
  return { model, trainable, summary, lr };
}
