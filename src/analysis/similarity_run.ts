// Layer similarity of a model (optionally with an adapter) over the first N samples of a LLaVA data file:
// each sample is spliced as in training and the decoder layers' outputs are compared (layer_similarity.ts).

import { batchInputs } from "../data/batch_inputs.ts";
import { LlavaDataset } from "../data/llava_dataset.ts";
import { getTemplate } from "../data/templates/index.ts";
import { loadTokenizer } from "../io/tokenizer.ts";
import { loadLlava } from "../models/load.ts";
import { noGrad } from "../tensor/autograd.ts";
import { loadAdapter } from "../tuning/peft_adapter.ts";
import { LayerSimilarity, type SimilarityResult } from "./layer_similarity.ts";

export interface SimilarityOptions {
  model: string;
  adapter?: string;
  visionTower?: string;
  tokenizer?: string;
  data: string;
  images: string;
  template?: string;
  limit?: number;
  seed?: number;
}

export async function layerSimilarityOf(o: SimilarityOptions): Promise<SimilarityResult> {
  const model = loadLlava(o.model, { visionTowerDir: o.visionTower });
  if (o.adapter) loadAdapter(o.adapter, model);
  model.eval();
  const tokenizer = loadTokenizer(o.tokenizer ?? o.model);
  const data = await LlavaDataset.open({
    dataPath: o.data,
    imageFolder: o.images,
    tokenizer,
    template: getTemplate(o.template ?? "vicuna_v1", tokenizer),
    processor: model.preprocessing.imageProcessor,
    batchSize: 1,
    seed: o.seed ?? 0,
  });
  const L = model.text.num_hidden_layers;
  const H = model.text.hidden_size;
  const acc = new LayerSimilarity(L);
  const n = Math.min(o.limit ?? 100, data.batchesPerEpoch);
  for (let i = 0; i < n; i++) {
    const b = await data.peek(0, i);
    if (b.batchSize === 0) continue;
    const out = noGrad(() =>
      model.forwardMultimodal({
        ...batchInputs(model, b),
        labels: undefined,
        logits: "last",
        outputHiddenStates: true,
      }),
    );
    // hiddenStates holds each layer's input and the last layer's output: the outputs are entries 1..L.
    const states = out.hiddenStates!.slice(1).map((t) => t.readF32());
    acc.add(states, out.plan.seqLen, H, out.plan.attentionMask);
  }
  return acc.result();
}
