// Pretrains the sandbox's CLIP vision tower with supervision from the world's scene records: linear heads
// read the region features of the hidden state LLaVA feeds its connector (the second-to-last layer) and
// predict each region's shape, colour and size ("empty" being a class), and heads on the pooled output
// (post_layernorm of the last layer's CLS token) predict the object count and the background. The loss is
// the sum of the heads' cross-entropies. The heads are thrown away; the tower is then frozen.
//
// The patch, class and position embeddings stay frozen at their initialisation, as they were when the shipped
// tower was made: a fixed random patch projection keeps the colour and outline information of these
// flat-coloured scenes. (Their ops have a backward, so unfreezing them here would train them, and change the
// shipped tower.)

import type { CLIPImageProcessorConfig } from "../../io/config/clip_preprocessor_config.ts";
import type { CLIPVisionConfig } from "../../io/config/clip_vision_config.ts";
import { CLIPVisionModel } from "../../models/clip/vision_model.ts";
import { LayerNorm, Linear } from "../../nn/layers.ts";
import { Module } from "../../nn/module.ts";
import { add } from "../../tensor/ops/arithmetic.ts";
import { crossEntropy } from "../../tensor/ops/loss.ts";
import { reshape, slice } from "../../tensor/ops/shape.ts";
import { Rng } from "../../tensor/rng.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { train } from "../../train/trainer.ts";
import { BACKGROUNDS, COLORS, MAX_OBJECTS, POSITIONS, SHAPES, SIZES } from "../world/scene.ts";
import { regionFeatures, regionPoolMatrix } from "./region_features.ts";
import { type SceneBatch, sceneBatch } from "./scene_batch.ts";

const REGIONS = POSITIONS.length;

/** A linear classifier behind a LayerNorm (the tower's hidden states are an un-normalised residual stream). */
class Head extends Module {
  norm: LayerNorm;
  proj: Linear;
  constructor(dim: number, classes: number, rng: Rng) {
    super();
    this.norm = new LayerNorm(dim, 1e-5);
    this.proj = new Linear(dim, classes, true, rng);
  }
  forward(x: Tensor): Tensor {
    return this.proj.forward(this.norm.forward(x));
  }
}

class TowerWithHeads extends Module {
  tower: CLIPVisionModel;
  shape: Head;
  color: Head;
  size: Head;
  count: Head;
  background: Head;
  private readonly pool: Tensor;

  constructor(config: CLIPVisionConfig, rng: Rng) {
    super();
    const D = config.hidden_size;
    this.tower = new CLIPVisionModel(config, rng);
    // One more class than the vocabulary: an empty region.
    this.shape = new Head(D, SHAPES.length + 1, rng);
    this.color = new Head(D, COLORS.length + 1, rng);
    this.size = new Head(D, SIZES.length + 1, rng);
    this.count = new Head(D, MAX_OBJECTS, rng);
    this.background = new Head(D, BACKGROUNDS.length, rng);
    this.pool = regionPoolMatrix(config.image_size / config.patch_size);
  }

  loss(b: SceneBatch): Tensor {
    const vm = this.tower.vision_model;
    const L = vm.config.num_hidden_layers;
    const states = vm.hiddenStates(b.pixels, b.n);
    const regions = regionFeatures(states[L - 1], this.pool);
    const perRegion = (
      head: Head,
      pick: (a: SceneBatch["attributes"][number]) => number[],
      classes: number,
    ) =>
      crossEntropy(
        reshape(head.forward(regions), [b.n * REGIONS, classes]),
        // Class 0 is "empty" (the records use -1).
        Int32Array.from(b.attributes.flatMap((a) => pick(a).map((v) => v + 1))),
      );
    const cls = vm.post_layernorm.forward(reshape(slice(states[L], 1, 0, 1), [b.n, vm.config.hidden_size]));
    const terms = [
      perRegion(this.shape, (a) => a.shape, SHAPES.length + 1),
      perRegion(this.color, (a) => a.color, COLORS.length + 1),
      perRegion(this.size, (a) => a.size, SIZES.length + 1),
      crossEntropy(
        this.count.forward(cls),
        Int32Array.from(b.attributes, (a) => a.count - 1),
      ),
      crossEntropy(
        this.background.forward(cls),
        Int32Array.from(b.attributes, (a) => a.background),
      ),
    ];
    return terms.reduce((s, t) => add(s, t));
  }
}

export interface VisionPretrainOptions {
  config: CLIPVisionConfig;
  processor: CLIPImageProcessorConfig;
  /** Image sizes the scenes are rendered at before preprocessing. */
  sceneSizes: readonly number[];
  seed: number;
  steps: number;
  batchSize: number;
  lr: number;
  /** Where the trainer writes its metrics and final checkpoint. */
  runDir: string;
  progress: "auto" | "quiet";
}

/** Trains a fresh tower on freshly sampled scenes (batch i is a function of the seed and i). */
export async function pretrainVision(
  o: VisionPretrainOptions,
): Promise<{ tower: CLIPVisionModel; finalLoss: number }> {
  const model = new TowerWithHeads(o.config, new Rng(o.seed));
  model.tower.vision_model.embeddings.requiresGrad(false);
  model.train();
  const source = {
    batchesPerEpoch: o.steps,
    batch: (epoch: number, index: number) =>
      sceneBatch(new Rng(o.seed + 1 + epoch * o.steps + index), o.batchSize, o.sceneSizes, o.processor),
  };
  const summary = await train(model, source, (b) => ({ loss: model.loss(b), tokens: b.n }), {
    outputDir: o.runDir,
    lr: o.lr,
    maxSteps: o.steps,
    warmupRatio: 0.05,
    weightDecay: 0.05,
    seed: o.seed,
    progress: o.progress,
  });
  model.tower.requiresGrad(false);
  model.tower.eval();
  return { tower: model.tower, finalLoss: summary.finalLoss };
}
