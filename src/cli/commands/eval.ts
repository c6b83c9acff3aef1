// `lntune eval`: generate a benchmark's answers with a LLaVA model and score them (see src/eval/harness).
import { type Command, InvalidArgumentError } from "commander";
import { TEMPLATE_NAMES } from "../../data/templates/index.ts";
import { processWorld } from "../../dist/world.ts";
import { evaluate } from "../../eval/harness/evaluate.ts";
import { PROTOCOLS, type Protocol } from "../../eval/harness/protocol.ts";
import { BENCHES, type Bench } from "../../eval/harness/types.ts";
import type { ComputeDtype } from "../../tensor/compute_dtype.ts";
import type { QuantFormat } from "../../tuning/quantize.ts";
import { computeDtypeOption, quantizeOption } from "./precision.ts";

interface EvalFlags {
  model: string;
  adapter?: string;
  visionTower?: string;
  tokenizer?: string;
  bench: Bench;
  data: string[];
  annotations?: string;
  images?: string;
  output: string;
  protocol: Protocol;
  demos?: string[];
  template?: string;
  prompt?: string;
  limit?: number;
  batchSize: number;
  // Unset decoding flags keep the protocol's defaults.
  maxNewTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  imageAspectRatio?: "pad" | "square";
  strict?: boolean;
  quiet?: boolean;
  computeDtype: ComputeDtype;
  quantize?: QuantFormat;
}

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

function number(min: number, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !(n >= min && n <= max))
      throw new InvalidArgumentError(`expected a number in [${min}, ${max}]`);
    return n;
  };
}

function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}`);
    return value as T;
  };
}

export function registerEval(program: Command): void {
  program
    .command("eval")
    .description("answer a benchmark with a LLaVA model and score the answers")
    .requiredOption("--model <dir>", "LLaVA checkpoint directory (either layout)")
    .option("--adapter <dir>", "PEFT adapter directory to apply")
    .option("--vision-tower <dir>", "CLIP tower directory (original layout)")
    .option("--tokenizer <dir>", "tokenizer directory (default: the model directory)")
    .requiredOption("--bench <name>", `benchmark (${BENCHES.join(", ")})`, oneOf(BENCHES))
    .requiredOption(
      "--data <paths...>",
      "VQAv2 questions JSON, COCO-format caption file, POPE split files or their directory, " +
        "MME benchmark directory, or LLaVA question JSONL",
    )
    .option(
      "--annotations <path>",
      "VQAv2 annotations JSON; caption references (default: the data file); POPE split files for a question JSONL",
    )
    .option("--images <dir>", "image folder (default for MME: the benchmark directory)")
    .requiredOption("--output <dir>", "output directory (predictions.jsonl, metrics.json, ...)")
    .option(
      "--protocol <name>",
      "llava: LLaVA's eval scripts; paper: template v0, 3 text demos (VQAv2, captions), sampling, " +
        "answer post-processing",
      oneOf(PROTOCOLS),
      "llava",
    )
    .option(
      "--demos <paths...>",
      "paper protocol demo pool: VQAv2 questions + annotations JSON, or a question JSONL with answers; " +
        "a COCO-format caption file for COCO / Flickr30k",
    )
    .option(
      "--template <name>",
      `conversation template (${TEMPLATE_NAMES.join(", ")}; default vicuna_v1, v0 for the paper protocol)`,
    )
    .option("--prompt <text>", "caption instruction (COCO, Flickr30k)")
    .option("--limit <n>", "evaluate the first N items only", integer(0))
    .option("--batch-size <n>", "prompts generated together (left padded)", integer(1), 1)
    .option("--max-new-tokens <n>", "tokens generated at most per answer (default 128; paper 10)", integer(1))
    .option("--temperature <t>", "sampling temperature; 0 = greedy (default 0; paper 0.2)", number(0))
    .option("--top-k <k>", "top-k when sampling, 0 = off (default 50)", integer(0))
    .option("--top-p <p>", "top-p when sampling (default 1)", number(0, 1))
    .option("--seed <s>", "sampling and demo seed (default 42)", integer(0))
    .option(
      "--image-aspect-ratio <mode>",
      "pad or square (default: the checkpoint's)",
      oneOf(["pad", "square"] as const),
    )
    .option("--strict", "fail on a missing or undecodable image instead of skipping it")
    .option("--quiet", "no progress display")
    .addOption(computeDtypeOption())
    .addOption(quantizeOption())
    .action(async (flags: EvalFlags) => {
      const world = processWorld();
      const result = await evaluate({
        world,
        model: flags.model,
        adapter: flags.adapter,
        visionTower: flags.visionTower,
        tokenizer: flags.tokenizer,
        bench: flags.bench,
        data: flags.data,
        annotations: flags.annotations,
        images: flags.images,
        output: flags.output,
        protocol: flags.protocol,
        demos: flags.demos,
        template: flags.template,
        prompt: flags.prompt,
        limit: flags.limit,
        batchSize: flags.batchSize,
        decoding: {
          maxNewTokens: flags.maxNewTokens,
          temperature: flags.temperature,
          topK: flags.topK,
          topP: flags.topP,
          seed: flags.seed,
        },
        imageAspectRatio: flags.imageAspectRatio,
        strict: flags.strict,
        computeDtype: flags.computeDtype,
        quantize: flags.quantize,
        progress: flags.quiet ? "quiet" : "auto",
      });
      // The root reports for the whole job.
      if (!world.isRoot) return;
      if (result.metrics === null) {
        process.stderr.write(
          `no score: ${result.answered === 0 ? "no answers" : "no ground truth for this input"}; the answers are in ${result.output}\n`,
        );
      } else process.stdout.write(`${JSON.stringify(result.metrics, null, 2)}\n`);
    });
}
