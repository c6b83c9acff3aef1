// Everything the sandbox's stage-2 runs start from, shared by `lntune demo` and the learning-rate sweep:
// the data, the tiny models, the text-pretrained LLM, the stage-1 connector, and the held-out score.
import { join } from "node:path";
import { loadClipImageProcessorConfig } from "../io/config/clip_preprocessor_config.ts";
import { loadTokenizer } from "../io/tokenizer.ts";
import { composeLlava } from "../models/compose.ts";
import type { LlavaForConditionalGeneration } from "../models/llava/model.ts";
import { loadConnector } from "../models/load.ts";
import { runStage, type StageOptions, type StageResult } from "../train/run.ts";
import type { MethodName } from "../tuning/methods.ts";
import { makeSandboxData, type SandboxData } from "./data.ts";
import { sandboxAccuracy } from "./evaluate.ts";
import { makeSandboxModels } from "./models.ts";
import { pretrainLlm } from "./pretrain_llm.ts";

export interface SandboxOptions {
  dir: string;
  train: number;
  eval: number;
  seed: number;
  /** Epochs of the LLM's text pretraining. */
  textEpochs: number;
  quiet: boolean;
  log: (line: string) => void;
}

export interface Sandbox {
  data: SandboxData;
  textLoss: number;
  stage1Loss: number;
  /** The LLaVA after stage 1 (LLM, tower and the trained connector). */
  stage1Model(): LlavaForConditionalGeneration;
  /** Stage 2 with one method from the stage-1 connector, 3 epochs (lr: the method's default unless given). */
  finetune(method: MethodName, output: string, lr?: number): Promise<StageResult>;
  /** Held-out accuracy of a model on the sandbox questions. */
  score(model: LlavaForConditionalGeneration): Promise<number>;
}

export async function prepareSandbox(o: SandboxOptions): Promise<Sandbox> {
  const data = await makeSandboxData(join(o.dir, "data"), {
    train: o.train,
    eval: o.eval,
    size: 32,
    seed: o.seed,
  });
  const models = makeSandboxModels(join(o.dir, "models"), o.seed);
  const llm = join(o.dir, "models", "llm-text");
  o.log("1/3 text pretraining of the LLM (full training on text-only conversations)");
  const textLoss = await pretrainLlm({
    llm: models.llm,
    data: data.text,
    images: data.images,
    output: llm,
    seed: o.seed,
    epochs: o.textEpochs,
    quiet: o.quiet,
  });
  o.log(`    final loss ${textLoss.toFixed(3)}`);
  const common = {
    llm,
    vision: models.vision,
    images: data.images,
    seed: o.seed,
    batchSize: 8,
    progress: o.quiet ? ("quiet" as const) : ("auto" as const),
    log: () => {},
  } satisfies Partial<StageOptions>;
  // The sandbox LLM was pretrained on conversations, not web text, so stage 1 uses its conversation template.
  o.log("2/3 stage 1: connector only, on image descriptions");
  const stage1 = join(o.dir, "stage1");
  const connector = join(stage1, "connector.safetensors");
  const s1 = await runStage({
    ...common,
    stage: "pretrain",
    template: "vicuna_v1",
    data: data.pretrain,
    output: stage1,
    epochs: 4,
  });
  const tokenizer = loadTokenizer(llm);
  const processor = loadClipImageProcessorConfig(models.vision, 32);
  return {
    data,
    textLoss,
    stage1Loss: s1.summary.finalLoss,
    stage1Model() {
      const base = composeLlava(llm, models.vision, { seed: o.seed });
      loadConnector(base, connector);
      return base;
    },
    finetune: (method, output, lr) =>
      runStage({
        ...common,
        stage: "finetune",
        method,
        lr,
        connector,
        data: data.finetune,
        output,
        epochs: 3,
      }),
    score: (model) => sandboxAccuracy(model, tokenizer, processor, data.questions, data.answers, data.images),
  };
}
