// Pretrains the sandbox LLM from scratch on its text corpus with lntune's trainer (every parameter trained),
// and measures a model's mean loss per target token on held-out documents.
import { makeBatches } from "../../data/batching.ts";
import { type Batch, collate } from "../../data/collate.ts";
import type { TokenizedSample } from "../../data/tokenized_sample.ts";
import type { LlamaConfig } from "../../io/config/llama_config.ts";
import type { Tokenizer } from "../../io/tokenizer.ts";
import { LlamaForCausalLM } from "../../models/llama/model.ts";
import { noGrad } from "../../tensor/autograd.ts";
import { Rng } from "../../tensor/rng.ts";
import { train } from "../../train/trainer.ts";
import { type Doc, tokenizeDoc } from "./text_corpus.ts";

export interface LlmPretrainOptions {
  config: LlamaConfig;
  tokenizer: Tokenizer;
  docs: readonly Doc[];
  seed: number;
  epochs: number;
  batchSize: number;
  /** Documents are cut to this many tokens. */
  maxLength: number;
  lr: number;
  /** Where the trainer writes its metrics and final checkpoint. */
  runDir: string;
  progress: "auto" | "quiet";
}

function tokenize(docs: readonly Doc[], tokenizer: Tokenizer): TokenizedSample[] {
  return docs.map((d) => tokenizeDoc(d, tokenizer));
}

const lossOf = (model: LlamaForCausalLM, b: Batch) =>
  model.forward({
    inputIds: b.inputIds,
    batch: b.batchSize,
    seqLen: b.seqLen,
    attentionMask: b.attentionMask,
    labels: b.labels,
  });

/** A fresh model (initialised from the seed) trained on the documents; batches group similar lengths. */
export async function pretrainLlm(
  o: LlmPretrainOptions,
): Promise<{ model: LlamaForCausalLM; finalLoss: number; steps: number }> {
  const model = new LlamaForCausalLM(o.config, new Rng(o.seed));
  model.train();
  const samples = tokenize(o.docs, o.tokenizer);
  const lengths = samples.map((s) => Math.min(s.inputIds.length, o.maxLength));
  const order = { batchSize: o.batchSize, seed: o.seed, lengths, groupByLength: true };
  const batchesPerEpoch = makeBatches(samples.length, order).length;
  let epochBatches: { epoch: number; batches: number[][] } | null = null;
  const source = {
    batchesPerEpoch,
    batch(epoch: number, index: number): Batch {
      if (epochBatches?.epoch !== epoch)
        epochBatches = { epoch, batches: makeBatches(samples.length, order, epoch) };
      const items = epochBatches.batches[index].map((i) => ({ sample: samples[i], pixelValues: null }));
      return collate(items, o.tokenizer.padTokenId, o.maxLength);
    },
  };
  const summary = await train(
    model,
    source,
    (b) => ({ loss: lossOf(model, b).loss!, tokens: b.attentionMask.reduce((n, m) => n + m, 0) }),
    {
      outputDir: o.runDir,
      lr: o.lr,
      epochs: o.epochs,
      warmupRatio: 0.03,
      weightDecay: 0.01,
      seed: o.seed,
      progress: o.progress,
    },
  );
  model.requiresGrad(false);
  model.eval();
  return { model, finalLoss: summary.finalLoss, steps: summary.steps };
}

/** Mean cross-entropy per target token over the documents (conversations: the assistant's tokens). */
export function meanTextLoss(
  model: LlamaForCausalLM,
  tokenizer: Tokenizer,
  docs: readonly Doc[],
  maxLength: number,
  batchSize = 16,
): number {
  const samples = tokenize(docs, tokenizer);
  let total = 0;
  let tokens = 0;
  noGrad(() => {
    for (let i = 0; i < samples.length; i += batchSize) {
      const items = samples.slice(i, i + batchSize).map((sample) => ({ sample, pixelValues: null }));
      const out = lossOf(model, collate(items, tokenizer.padTokenId, maxLength));
      total += out.loss!.item() * out.lossTokens;
      tokens += out.lossTokens;
    }
  });
  return total / tokens;
}
