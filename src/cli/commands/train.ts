// `lntune pretrain` (stage 1: connector only) and `lntune finetune --method …` (stage 2).
import { type Command, Option } from "commander";
import { processWorld } from "../../dist/world.ts";
import { runStage, type StageOptions } from "../../train/run.ts";
import { METHODS, type MethodName } from "../../tuning/methods.ts";
import { computeDtypeOption, quantizeOption } from "./precision.ts";

const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
};
const int = (v: string) => {
  const n = num(v);
  if (!Number.isInteger(n)) throw new Error(`not an integer: ${v}`);
  return n;
};
const regex = (v: string) => new RegExp(v);

function common(cmd: Command): Command {
  return cmd
    .option("--model <dir>", "LLaVA checkpoint directory (llava-hf or original layout)")
    .option("--llm <dir>", "LLaMA-family LLM directory (with --vision: build a new LLaVA)")
    .option("--vision <dir>", "CLIP vision tower directory")
    .option("--vision-tower <dir>", "tower directory of an original-layout LLaVA")
    .addOption(
      new Option("--projector <type>", "connector of a new LLaVA")
        .choices(["linear", "mlp2x_gelu"])
        .default("linear"),
    )
    .option(
      "--connector <file>",
      "connector to start from: a pretrain run's connector.safetensors, or LLaVA's mm_projector.bin",
    )
    .option("--tokenizer <dir>", "tokenizer directory (default: the model or LLM directory)")
    .requiredOption("--data <file>", "LLaVA-format JSON or JSONL")
    .requiredOption("--images <dir>", "image folder the data's paths are relative to")
    .requiredOption("--output <dir>", "run directory (checkpoints, metrics.jsonl, run.json, results)")
    .option("--lr <x>", "peak learning rate (default: per stage and method, see README)", num)
    .option("--epochs <n>", "epochs (default 1)", num)
    .option("--max-steps <n>", "optimizer steps (overrides --epochs)", int)
    .option("--batch-size <n>", "samples per micro-batch", int, 4)
    .option("--grad-accum <n>", "micro-batches per optimizer step", int, 1)
    .option("--warmup-ratio <x>", "linear warmup fraction of the steps", num, 0.03)
    .option("--weight-decay <x>", "AdamW weight decay (none on norms and biases)", num, 0)
    .option("--max-grad-norm <x>", "global gradient-norm clip (0 = off)", num, 1)
    .option("--seed <n>", "seed for data order, initialisation and dropout", int, 42)
    .option(
      "--template <name>",
      "conversation template (default: plain for pretrain, vicuna_v1 for finetune)",
    )
    .option("--max-length <n>", "token limit per sample before image expansion", int)
    .option("--save-every <n>", "checkpoint every N steps (and always at the end)", int, 0)
    .option("--resume", "continue from the run directory's latest checkpoint")
    .option("--recompute", "activation recomputation: less memory, one more forward per layer")
    .addOption(
      new Option("--image-aspect-ratio <mode>", "LLaVA's image_aspect_ratio").choices(["pad", "square"]),
    )
    .option("--adam-beta1 <x>", "AdamW beta1", num, 0.9)
    .option("--adam-beta2 <x>", "AdamW beta2", num, 0.999)
    .option("--adam-eps <x>", "AdamW epsilon", num, 1e-8)
    .option("--data-types <list>", "train on these data types only (comma-separated)")
    .option("--subsample <n>", "then on N samples picked at random with --seed", int)
    .option("--grad-variance-every <n>", "measure gradient variance of the block norms every N steps", int)
    .option("--grad-variance-batches <k>", "probe batches per gradient-variance measurement", int, 8)
    .option("--group-by-length", "batch samples of similar length together")
    .option("--strict", "stop on a missing or undecodable image instead of skipping it")
    .addOption(computeDtypeOption())
    .addOption(quantizeOption())
    .option("--quiet", "no progress display");
}

// biome-ignore lint/suspicious/noExplicitAny: commander hands options over untyped
function toStage(stage: StageOptions["stage"], o: Record<string, any>): StageOptions {
  return {
    stage,
    model: o.model,
    llm: o.llm,
    vision: o.vision,
    visionTower: o.visionTower,
    projector: o.projector,
    connector: o.connector,
    tokenizer: o.tokenizer,
    data: o.data,
    images: o.images,
    output: o.output,
    method: o.method,
    tuning: {
      includeFinalNorm: o.includeFinalNorm,
      trainable: o.trainable ?? null,
      freeze: o.freeze ?? null,
      lora: o.loraR
        ? { r: o.loraR, alpha: o.loraAlpha, dropout: o.loraDropout, useRslora: o.rslora }
        : undefined,
    },
    lr: o.lr,
    epochs: o.epochs,
    maxSteps: o.maxSteps,
    batchSize: o.batchSize,
    gradAccum: o.gradAccum,
    warmupRatio: o.warmupRatio,
    weightDecay: o.weightDecay,
    maxGradNorm: o.maxGradNorm,
    betas: [o.adamBeta1, o.adamBeta2],
    eps: o.adamEps,
    dataTypes: o.dataTypes?.split(","),
    subsample: o.subsample,
    gradVarianceEvery: o.gradVarianceEvery,
    gradVarianceBatches: o.gradVarianceBatches,
    seed: o.seed,
    template: o.template,
    maxLength: o.maxLength,
    saveEvery: o.saveEvery,
    resume: o.resume,
    recompute: o.recompute,
    aspectRatio: o.imageAspectRatio,
    groupByLength: o.groupByLength,
    strict: o.strict,
    computeDtype: o.computeDtype,
    quantize: o.quantize,
    progress: o.quiet ? "quiet" : "auto",
  };
}

export function registerTrain(program: Command): void {
  common(
    program.command("pretrain").description("stage 1: train the connector only (plain template)"),
  ).action(async (o) => {
    await runStage({ ...toStage("pretrain", o), world: processWorld() });
  });
  common(
    program
      .command("finetune")
      .description("stage 2: instruction finetuning with one of the paper's methods"),
  )
    .addOption(
      new Option("--method <name>", "tuning method")
        .choices(Object.keys(METHODS))
        .default("ln" satisfies MethodName),
    )
    .option("--include-final-norm", "also train model.norm (PEFT's LN-tuning default)")
    .option("--trainable <regex>", "also train parameters whose canonical name matches", regex)
    .option("--freeze <regex>", "freeze parameters whose canonical name matches (applied last)", regex)
    .option("--lora-r <n>", "LoRA rank", int, 64)
    .option("--lora-alpha <x>", "LoRA alpha", num, 16)
    .option("--lora-dropout <x>", "LoRA dropout", num, 0.05)
    .option("--rslora", "scale LoRA by alpha/√r")
    .action(async (o) => {
      await runStage({ ...toStage("finetune", o), world: processWorld() });
    });
}
