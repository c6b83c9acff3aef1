// SigLIP vision tower (HF SiglipVisionModel): patch embedding with a bias, learned positions, no class token
// and no pre-norm, CLIP's pre-LN encoder layers, a post_layernorm. The attention-pooling head is not built:
// LLaVA reads hidden states, never the pooled output.
import { Embedding, LayerNorm } from "../../../nn/layers.ts";
import { Module } from "../../../nn/module.ts";
import { add } from "../../../tensor/ops/arithmetic.ts";
import { reshape } from "../../../tensor/ops/shape.ts";
import type { Rng } from "../../../tensor/rng.ts";
import type { Tensor } from "../../../tensor/tensor.ts";
import { CLIPEncoder, PatchEmbedding, patchGrid } from "../../clip/vision_model.ts";
import type { VisionTower } from "../../vision_tower.ts";
import type { SiglipVisionConfig } from "./config.ts";

class SiglipVisionEmbeddings extends Module {
  patch_embedding: PatchEmbedding;
  position_embedding: Embedding;

  constructor(cfg: SiglipVisionConfig, rng: Rng | null) {
    super();
    const grid = patchGrid(cfg);
    this.patch_embedding = new PatchEmbedding(cfg, true, rng);
    this.position_embedding = new Embedding(grid * grid, cfg.hidden_size, rng);
  }

  /** pixels [N, C, S, S] → [N, G², D]. */
  forward(pixels: Float32Array, N: number): Tensor {
    const pos = this.position_embedding.weight;
    return add(this.patch_embedding.forward(pixels, N), reshape(pos, [1, ...pos.shape]));
  }
}

export class SiglipVisionTransformer extends Module {
  embeddings: SiglipVisionEmbeddings;
  encoder: CLIPEncoder;
  post_layernorm: LayerNorm;

  constructor(
    readonly config: SiglipVisionConfig,
    rng: Rng | null,
  ) {
    super();
    this.embeddings = new SiglipVisionEmbeddings(config, rng);
    this.encoder = new CLIPEncoder(config, rng);
    this.post_layernorm = new LayerNorm(config.hidden_size, config.layer_norm_eps, rng === null);
  }

  /** HF hidden_states[0..upTo]: [0] the embeddings, [k] the output of layer k. */
  hiddenStates(pixels: Float32Array, N: number, upTo = this.config.num_hidden_layers): Tensor[] {
    return this.encoder.states(this.embeddings.forward(pixels, N), upTo);
  }

  /** HF last_hidden_state: post_layernorm of the last layer's output. */
  lastHiddenState(pixels: Float32Array, N: number): Tensor {
    return this.post_layernorm.forward(this.hiddenStates(pixels, N).at(-1)!);
  }
}

export class SiglipVisionModel extends Module implements VisionTower {
  vision_model: SiglipVisionTransformer;

  constructor(
    readonly config: SiglipVisionConfig,
    rng: Rng | null,
  ) {
    super();
    this.vision_model = new SiglipVisionTransformer(config, rng);
  }

  /** One token per patch. */
  get sequenceLength(): number {
    return patchGrid(this.config) ** 2;
  }

  hiddenStates(pixels: Float32Array, N: number, upTo?: number): Tensor[] {
    return this.vision_model.hiddenStates(pixels, N, upTo);
  }
}
