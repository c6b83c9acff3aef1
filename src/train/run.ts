// One training stage end to end: build or load the LLaVA model, pick the trainable set, read the data,
// account for parameters and memory, train (resumably), and write the results. Stage 1 ("pretrain") trains
// the connector with the plain template; stage 2 ("finetune") applies one of the tuning methods.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { probeGradVariance } from "../analysis/grad_variance.ts";
import type { ImageAspectRatio } from "../data/clip_preprocess.ts";
import { type DatasetBatch, LlavaDataset } from "../data/llava_dataset.ts";
import { getTemplate } from "../data/templates/index.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { writeSafetensors } from "../io/safetensors.ts";
import { loadTokenizer } from "../io/tokenizer.ts";
import { composeLlava } from "../models/compose.ts";
import { toModelImageToken } from "../models/llava/image_token.ts";
import type { LlavaForConditionalGeneration } from "../models/llava/model.ts";
import { loadConnector, loadLlava } from "../models/load.ts";
import { copyTokenizerFiles, saveLlava } from "../models/save.ts";
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
import { latestCheckpoint } from "./checkpoint.ts";
import { peakRssBytes, staticMemory } from "./memory.ts";
import { refuseChangedRun } from "./run_options.ts";
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
}

export interface StageResult {
  model: LlavaForConditionalGeneration;
  trainable: TrainableSet;
  summary: TrainSummary;
  lr: number;
}

/** LLaVA cuts the spliced rows again after image expansion; --max-length sets that limit too. */
function buildModel(o: StageOptions): LlavaForConditionalGeneration {
  if (o.model) return loadLlava(o.model, { visionTowerDir: o.visionTower, modelMaxLength: o.maxLength });
  if (o.llm && o.vision)
    return composeLlava(o.llm, o.vision, { projector: o.projector, seed: o.seed, maxLength: o.maxLength });
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
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
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
  };
  // --resume continues only the run that wrote the checkpoint: a changed option is refused before anything
  // in the run directory is written (the trainer checks the step count, known once the data is read).
  const resumeFrom = o.resume ? latestCheckpoint(o.output) : null;
  if (resumeFrom) {
    const now = { ...trainerRunOptions(trainerOptions), ...trainerOptions.runOptions };
    refuseChangedRun(resumeFrom, now, Object.keys(now));
  }
  mkdirSync(o.output, { recursive: true });
  const model = buildModel(o);
  if (o.connector) loadConnector(model, o.connector);
  const tokenizerDir = o.tokenizer ?? o.model ?? o.llm!;
  const tokenizer = loadTokenizer(tokenizerDir);
  const template = getTemplate(templateName, tokenizer);
  // A model joined here from an LLM and a tower has no checkpoint of its own for the adapter to apply to:
  // write it (with the stage-1 connector) before a method changes anything.
  let base = o.model ?? "";
  if (o.stage === "finetune" && !o.model) {
    base = join(o.output, "base");
    saveLlava(base, model);
    copyTokenizerFiles(tokenizerDir, base);
  }
  const trainable = applyMethod(model, spec, o.tuning ?? {}, new Rng(seed));
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

  const data = await LlavaDataset.open({
    dataPath: o.data,
    imageFolder: o.images,
    tokenizer,
    template,
    processor: model.preprocessing.imageProcessor,
    aspectRatio: o.aspectRatio ?? model.config.imageAspectRatio,
    batchSize,
    seed,
    maxLength: o.maxLength,
    groupByLength: o.groupByLength,
    strict: o.strict,
    subset: { types: o.dataTypes, subsample: o.subsample },
  });
  log(
    `data: ${data.samples.length} samples, ${data.batchesPerEpoch} batches per epoch${Object.keys(data.skipped).length ? `, skipped ${JSON.stringify(data.skipped)}` : ""}`,
  );

  const memory = staticMemory(model);
  const run = {
    stage: o.stage,
    method: methodName,
    paperName: spec.paperName,
    lr,
    seed,
    trainable: {
      count: trainable.trainableCount,
      total: trainable.totalCount,
      byGroup: Object.fromEntries(trainable.byGroup),
      names: trainable.names,
    },
    memory,
  };
  writeFileAtomic(join(o.output, "run.json"), `${JSON.stringify(run, null, 2)}\n`);

  const forwardLoss = (b: DatasetBatch) =>
    model.forwardMultimodal({
      inputIds: toModelImageToken(b.inputIds, model.config),
      batch: b.batchSize,
      seqLen: b.seqLen,
      attentionMask: b.attentionMask,
      labels: b.labels,
      pixelValues: b.pixelValues ?? undefined,
      logits: "none",
    });
  let probe: TrainerOptions["probe"];
  if (o.gradVarianceEvery) {
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
  const summary = await train<DatasetBatch>(
    model,
    data,
    (b, micro) => {
      // Every sample of the batch was dropped (undecodable images): nothing to learn from this micro-batch.
      if (b.batchSize === 0) return { loss: scalar(0), tokens: 0 };
      reseedLoraDropout(model, seed, micro);
      const out = forwardLoss(b);
      return { loss: out.loss!, tokens: b.attentionMask.reduce((n, m) => n + m, 0) };
    },
    { ...trainerOptions, probe },
  );
  const final = {
    ...run,
    memory: { ...memory, peakActivationBytes: summary.peakActivationBytes, peakRssBytes: peakRssBytes() },
    steps: summary.steps,
    finalLoss: summary.finalLoss,
    skipped: data.skipped,
  };
  writeFileAtomic(join(o.output, "run.json"), `${JSON.stringify(final, null, 2)}\n`);
  if (o.stage === "finetune") {
    saveAdapter(join(o.output, "adapter"), model, adapter);
    log(`adapter written to ${join(o.output, "adapter")} (base: ${base})`);
  }
  if (o.stage === "pretrain") {
    const tensors = Object.fromEntries(
      model.projector
        .namedParameters("projector")
        .map(([n, p]) => [n, { dtype: "F32" as const, shape: [...p.shape], data: p.values }]),
    );
    writeSafetensors(join(o.output, "connector.safetensors"), tensors, { format: "pt" });
  }
  log(
    `done: ${summary.steps} steps, final loss ${summary.finalLoss.toFixed(4)}, peak RSS ${(peakRssBytes() / 2 ** 20).toFixed(0)} MiB`,
  );
  return { model, trainable, summary, lr };
}
