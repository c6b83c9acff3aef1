// `lntune generate --model DIR --prompt TEXT [--image FILE]`: one answer, streamed to stdout.
import { existsSync, statSync } from "node:fs";
import { type Command, InvalidArgumentError, Option } from "commander";
import { answer } from "../../chat/chat.ts";
import { loadChatImage } from "../../chat/chat_image.ts";
import type { ImageAspectRatio } from "../../data/clip_preprocess.ts";
import { getTemplate, TEMPLATE_NAMES } from "../../data/templates/index.ts";
import { loadTokenizer } from "../../io/tokenizer.ts";
import type { LlamaForCausalLM } from "../../models/llama/model.ts";
import { LlavaForConditionalGeneration } from "../../models/llava/model.ts";
import { loadModel } from "../../models/load.ts";
import { type ComputeDtype, setComputeDtype } from "../../tensor/compute_dtype.ts";
import { loadAdapter } from "../../tuning/peft_adapter.ts";
import { describeQuantize, type QuantFormat, quantizeFrozen, quantizeOnLoad } from "../../tuning/quantize.ts";
import { computeDtypeOption, quantizeOption } from "./precision.ts";

interface GenerateFlags {
  model: string;
  tokenizer?: string;
  adapter?: string;
  visionTower?: string;
  image?: string;
  prompt: string;
  template: string;
  maxNewTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  stop: string[];
  system?: string;
  imageAspectRatio?: ImageAspectRatio;
  computeDtype: ComputeDtype;
  quantize?: QuantFormat;
}

function number(kind: "int" | "float", min: number, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = Number(value);
    const bad = value.trim() === "" || !Number.isFinite(n) || (kind === "int" && !Number.isInteger(n));
    if (bad || n < min || n > max) {
      const range = max < Number.POSITIVE_INFINITY ? `in [${min}, ${max}]` : `≥ ${min}`;
      throw new InvalidArgumentError(`expected ${kind === "int" ? "an integer" : "a number"} ${range}`);
    }
    return n;
  };
}

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("answer one prompt (optionally about an image), streaming the text as it is generated")
    .requiredOption(
      "--model <dir>",
      "checkpoint directory (LLaMA, Mistral, Qwen2, llava-hf or original LLaVA)",
    )
    .option("--tokenizer <dir>", "tokenizer directory (default: the model directory)")
    .option("--adapter <dir>", "PEFT adapter (LN tuning or LoRA) to apply to the model")
    .option("--vision-tower <dir>", "tower directory of an original-layout LLaVA checkpoint")
    .option("--image <file>", "image the prompt is about (LLaVA models)")
    .requiredOption("--prompt <text>", "the question or instruction")
    .option(
      "--template <name>",
      `conversation template (${TEMPLATE_NAMES.join(", ")}; chat_template: the tokenizer's own)`,
      "vicuna_v1",
    )
    .option("--max-new-tokens <n>", "most tokens to generate", number("int", 1), 256)
    .option("--temperature <t>", "sampling temperature (0: greedy)", number("float", 0), 0)
    .option("--top-k <k>", "sample from the k most likely tokens (0: all)", number("int", 0), 0)
    .option("--top-p <p>", "nucleus sampling threshold (1: off)", number("float", 0, 1), 1)
    .option("--seed <s>", "sampling seed", number("int", 0), 0)
    .option("--stop <strings...>", "end the answer before any of these strings", [])
    .option("--system <text>", "replace the template's system prompt")
    .addOption(
      new Option(
        "--image-aspect-ratio <mode>",
        "pad to a square first, or not (default: the checkpoint's)",
      ).choices(["pad", "square"]),
    )
    .addOption(computeDtypeOption())
    .addOption(quantizeOption())
    .action(async (flags: GenerateFlags) => {
      // Fail on a bad path before the (slow) model load.
      if (flags.image && !(existsSync(flags.image) && statSync(flags.image).isFile()))
        throw new Error(`image not found: ${flags.image}`);
      setComputeDtype(flags.computeDtype);
      const q = flags.quantize ? quantizeOnLoad(flags.quantize) : null;
      const { kind, model } = loadModel(flags.model, { visionTowerDir: flags.visionTower }, q?.onWeight);
      if (kind === "vision") throw new Error(`${flags.model}: a vision tower does not generate text`);
      const llm = model as LlamaForCausalLM | LlavaForConditionalGeneration;
      const adapter = flags.adapter ? loadAdapter(flags.adapter, llm) : null;
      if (q) {
        quantizeFrozen(llm, q.report.format, new Set(adapter?.tensors.keys()), q.report);
        process.stderr.write(`${describeQuantize(q.report)} while loading\n`);
      }
      const tokenizer = loadTokenizer(flags.tokenizer ?? flags.model);
      let image: Float32Array | undefined;
      if (flags.image) {
        if (!(llm instanceof LlavaForConditionalGeneration))
          throw new Error(`${flags.model}: an image needs a LLaVA checkpoint; this is a ${kind} model`);
        image = await loadChatImage(llm, flags.image, { aspectRatio: flags.imageAspectRatio });
      }
      const r = answer(
        llm,
        tokenizer,
        {
          prompt: flags.prompt,
          image,
          template: getTemplate(flags.template, tokenizer),
          maxNewTokens: flags.maxNewTokens,
          temperature: flags.temperature,
          topK: flags.topK,
          topP: flags.topP,
          seed: flags.seed,
          stop: flags.stop,
          system: flags.system,
        },
        (chunk) => process.stdout.write(chunk),
      );
      process.stdout.write("\n");
      // RoPE computes any position, but past max_position_embeddings the model was never trained: say so.
      const limit = "language_model" in llm ? llm.language_model.config : llm.config;
      if (r.positions > limit.max_position_embeddings)
        process.stderr.write(
          `warning: prompt and answer took ${r.positions} positions, more than the model's max_position_embeddings (${limit.max_position_embeddings}); answers degrade past it\n`,
        );
    });
}
