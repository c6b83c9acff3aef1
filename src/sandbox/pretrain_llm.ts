// Gives the sandbox LLM its "pretraining": full training on text-only conversations, so it knows the
// answer format and words before it ever sees an image (the situation the paper starts from).

import { type DatasetBatch, LlavaDataset } from "../data/llava_dataset.ts";
import { getTemplate } from "../data/templates/index.ts";
import { parseClipImageProcessorConfig } from "../io/config/clip_preprocessor_config.ts";
import { Fields } from "../io/config/fields.ts";
import { loadTokenizer } from "../io/tokenizer.ts";
import { loadLlama } from "../models/load.ts";
import { copyTokenizerFiles, saveLlama } from "../models/save.ts";
import { Rng } from "../tensor/rng.ts";
import { train } from "../train/trainer.ts";
import { applyMethod } from "../tuning/apply.ts";
import { METHODS } from "../tuning/methods.ts";

export async function pretrainLlm(opts: {
  llm: string;
  data: string;
  images: string;
  output: string;
  seed: number;
  epochs: number;
  quiet: boolean;
}): Promise<number> {
  const model = loadLlama(opts.llm);
  applyMethod(model, METHODS.full, {}, new Rng(opts.seed));
  model.train();
  const tokenizer = loadTokenizer(opts.llm);
  const data = await LlavaDataset.open({
    dataPath: opts.data,
    imageFolder: opts.images,
    tokenizer,
    template: getTemplate("vicuna_v1"),
    processor: parseClipImageProcessorConfig(new Fields("(unused)", {})),
    batchSize: 16,
    seed: opts.seed,
  });
  const summary = await train<DatasetBatch>(
    model,
    data,
    (b) => {
      const out = model.forward({
        inputIds: b.inputIds,
        batch: b.batchSize,
        seqLen: b.seqLen,
        attentionMask: b.attentionMask,
        labels: b.labels,
      });
      return { loss: out.loss!, tokens: b.attentionMask.reduce((n, m) => n + m, 0) };
    },
    {
      outputDir: `${opts.output}.run`,
      lr: 3e-3,
      epochs: opts.epochs,
      warmupRatio: 0.05,
      seed: opts.seed,
      progress: opts.quiet ? "quiet" : "auto",
    },
  );
  model.requiresGrad(false);
  saveLlama(opts.output, model);
  copyTokenizerFiles(opts.llm, opts.output);
  return summary.finalLoss;
}
