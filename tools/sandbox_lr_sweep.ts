// The learning-rate sweep of docs/lr-sweep.md: builds the demo's sandbox, text-pretrains the LLM, runs stage 1
// once, then stage 2 once per METHOD@LR and prints final loss and held-out accuracy.
// Usage: node --import tsx tools/sandbox_lr_sweep.ts DIR EVAL_IMAGES METHOD@LR [METHOD@LR ...]
//   e.g. node --import tsx tools/sandbox_lr_sweep.ts /tmp/sweep 100 ln@5e-3 ln@2e-2 ln-simp@2e-2
import { join } from "node:path";
import { loadClipImageProcessorConfig } from "../src/io/config/clip_preprocessor_config.ts";
import { loadTokenizer } from "../src/io/tokenizer.ts";
import { composeLlava } from "../src/models/compose.ts";
import type { LlavaForConditionalGeneration } from "../src/models/llava/model.ts";
import { loadConnector } from "../src/models/load.ts";
import { makeSandboxData } from "../src/sandbox/data.ts";
import { sandboxAccuracy } from "../src/sandbox/evaluate.ts";
import { makeSandboxModels } from "../src/sandbox/models.ts";
import { pretrainLlm } from "../src/sandbox/pretrain_llm.ts";
import { runStage } from "../src/train/run.ts";
import { methodSpec } from "../src/tuning/methods.ts";

const [dir, evalImages, ...specs] = process.argv.slice(2);
if (!dir || !evalImages || specs.length === 0)
  throw new Error("usage: sandbox_lr_sweep.ts DIR EVAL_IMAGES METHOD@LR ...");
const seed = 0;
const data = await makeSandboxData(join(dir, "data"), {
  train: 512,
  eval: Number(evalImages),
  size: 32,
  seed,
});
const models = makeSandboxModels(join(dir, "models"), seed);
const llm = join(dir, "llm-text");
const textLoss = await pretrainLlm({
  llm: models.llm,
  data: data.text,
  images: data.images,
  output: llm,
  seed,
  epochs: 8,
  quiet: true,
});
console.log(`text pretraining: final loss ${textLoss.toFixed(3)}`);
const common = {
  llm,
  vision: models.vision,
  images: data.images,
  seed,
  batchSize: 8,
  progress: "quiet" as const,
  log: () => {},
};
const stage1 = join(dir, "stage1");
const s1 = await runStage({
  ...common,
  stage: "pretrain",
  template: "vicuna_v1",
  data: data.pretrain,
  output: stage1,
  epochs: 4,
  lr: 2e-3,
});
const tokenizer = loadTokenizer(llm);
const processor = loadClipImageProcessorConfig(models.vision, 32);
const score = (m: LlavaForConditionalGeneration) =>
  sandboxAccuracy(m, tokenizer, processor, data.questions, data.answers, data.images);
const base = composeLlava(llm, models.vision, { seed });
loadConnector(base, join(stage1, "connector.safetensors"));
console.log(
  `stage 1: final loss ${s1.summary.finalLoss.toFixed(3)}, accuracy ${(100 * (await score(base))).toFixed(1)} %`,
);
console.log("method         lr       final loss  accuracy");
for (const spec of specs) {
  const [method, lr] = spec.split("@");
  methodSpec(method);
  const r = await runStage({
    ...common,
    stage: "finetune",
    method: method as never,
    lr: Number(lr),
    connector: join(stage1, "connector.safetensors"),
    data: data.finetune,
    output: join(dir, `stage2-${method}-${lr}`),
    epochs: 3,
  });
  console.log(
    `${method.padEnd(14)} ${lr.padEnd(8)} ${r.summary.finalLoss.toFixed(3).padStart(10)}  ${(100 * (await score(r.model))).toFixed(1).padStart(6)} %`,
  );
}
