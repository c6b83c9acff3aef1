// CLIP vision transformer (HF CLIPVisionModel): patch embedding as a linear map over unfolded patches,
// class token, learned positions, pre-LayerNorm ("pre_layrnorm", sic), pre-LN encoder layers.

import type { CLIPVisionConfig } from "../../io/config/clip_vision_config.ts";
import { constParam, normalParam } from "../../nn/init.ts";
import { Embedding, LayerNorm, Linear } from "../../nn/layers.ts";
import { Module, type Parameter } from "../../nn/module.ts";
import type { GeluKind } from "../../tensor/ops/activations.ts";
import { gelu } from "../../tensor/ops/activations.ts";
import { add } from "../../tensor/ops/arithmetic.ts";
import { attention } from "../../tensor/ops/attention.ts";
import { linear } from "../../tensor/ops/matmul.ts";
import { concat, indexSelect, reshape, slice } from "../../tensor/ops/shape.ts";
import type { Rng } from "../../tensor/rng.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { VisionTower } from "../vision_tower.ts";

const ACT: Record<CLIPVisionConfig["hidden_act"], GeluKind> = {
  quick_gelu: "quick",
  gelu: "erf",
  gelu_new: "tanh",
  gelu_pytorch_tanh: "tanh",
};

/** The Conv2d(C, D, P, stride P, padding "valid") of a ViT's patch embedding as a linear map over unfolded
 * patches; weight [D, C, P, P], bias [D] when the tower has one (SigLIP's does, CLIP's does not). An image
 * size that is no multiple of the patch size leaves its last pixels unread, as the convolution does. */
/** Patches per side: floor(image / patch), as the valid convolution gives. */
export function patchGrid(c: { image_size: number; patch_size: number }): number {
  return Math.floor(c.image_size / c.patch_size);
}

export class PatchEmbedding extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(
    readonly cfg: Pick<CLIPVisionConfig, "hidden_size" | "num_channels" | "patch_size" | "image_size">,
    bias: boolean,
    rng: Rng | null,
  ) {
    super();
    const { hidden_size: D, num_channels: C, patch_size: P } = cfg;
    this.weight = normalParam([D, C, P, P], rng);
    this.bias = bias ? constParam([D], 0, rng === null) : null;
  }

  /** pixels [N, C, S, S] → [N, G², D], patches in row-major grid order. */
  forward(pixels: Float32Array, N: number): Tensor {
    const { image_size: S, patch_size: P, num_channels: C, hidden_size: D } = this.cfg;
    const G = patchGrid(this.cfg);
    if (pixels.length !== N * C * S * S)
      throw new Error(`pixel values hold ${pixels.length} floats, expected ${N}×${C}×${S}×${S}`);
    // Unfold in (c, ky, kx) order so the conv weight [D, C, P, P] reads as a [D, C·P·P] matrix.
    const patches = new Float32Array(N * G * G * C * P * P);
    let at = 0;
    for (let n = 0; n < N; n++)
      for (let gy = 0; gy < G; gy++)
        for (let gx = 0; gx < G; gx++)
          for (let c = 0; c < C; c++)
            for (let ky = 0; ky < P; ky++) {
              const src = ((n * C + c) * S + gy * P + ky) * S + gx * P;
              patches.set(pixels.subarray(src, src + P), at);
              at += P;
            }
    const flatW = reshape(this.weight, [D, C * P * P]);
    return linear(new Tensor(patches, [N, G * G, C * P * P]), flatW, this.bias);
  }
}

class CLIPVisionEmbeddings extends Module {
  class_embedding: Parameter;
  patch_embedding: PatchEmbedding;
  position_embedding: Embedding;

  constructor(
    readonly cfg: CLIPVisionConfig,
    rng: Rng | null,
  ) {
    super();
    const D = cfg.hidden_size;
    const grid = cfg.image_size / cfg.patch_size;
    this.class_embedding = normalParam([D], rng);
    this.patch_embedding = new PatchEmbedding(cfg, false, rng);
    this.position_embedding = new Embedding(grid * grid + 1, D, rng);
  }

  /** pixels [N, C, S, S] → [N, 1 + G², D]. */
  forward(pixels: Float32Array, N: number): Tensor {
    const { image_size: S, patch_size: P, hidden_size: D } = this.cfg;
    const G = S / P;
    const emb = this.patch_embedding.forward(pixels, N);
    const cls = indexSelect(reshape(this.class_embedding, [1, 1, D]), 0, new Int32Array(N));
    const pos = reshape(this.position_embedding.weight, [1, G * G + 1, D]);
    return add(concat([cls, emb], 1), pos);
  }
}

/** The encoder settings a ViT layer needs (CLIP's and SigLIP's configs both have them). */
export type EncoderConfig = Pick<
  CLIPVisionConfig,
  | "hidden_size"
  | "intermediate_size"
  | "num_hidden_layers"
  | "num_attention_heads"
  | "hidden_act"
  | "layer_norm_eps"
>;

class CLIPAttention extends Module {
  k_proj: Linear;
  v_proj: Linear;
  q_proj: Linear;
  out_proj: Linear;
  constructor(
    readonly cfg: EncoderConfig,
    rng: Rng | null,
  ) {
    super();
    const D = cfg.hidden_size;
    this.k_proj = new Linear(D, D, true, rng);
    this.v_proj = new Linear(D, D, true, rng);
    this.q_proj = new Linear(D, D, true, rng);
    this.out_proj = new Linear(D, D, true, rng);
  }

  forward(x: Tensor): Tensor {
    const [N, T, D] = x.shape;
    const H = this.cfg.num_attention_heads;
    const heads = (t: Tensor) => reshape(t, [N, T, H, D / H]);
    const o = attention(
      heads(this.q_proj.forward(x)),
      heads(this.k_proj.forward(x)),
      heads(this.v_proj.forward(x)),
      {
        causal: false,
      },
    );
    return this.out_proj.forward(reshape(o, [N, T, D]));
  }
}

class CLIPMLP extends Module {
  fc1: Linear;
  fc2: Linear;
  constructor(
    readonly cfg: EncoderConfig,
    rng: Rng | null,
  ) {
    super();
    this.fc1 = new Linear(cfg.hidden_size, cfg.intermediate_size, true, rng);
    this.fc2 = new Linear(cfg.intermediate_size, cfg.hidden_size, true, rng);
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(gelu(this.fc1.forward(x), ACT[this.cfg.hidden_act]));
  }
}

class CLIPEncoderLayer extends Module {
  self_attn: CLIPAttention;
  layer_norm1: LayerNorm;
  mlp: CLIPMLP;
  layer_norm2: LayerNorm;
  constructor(cfg: EncoderConfig, rng: Rng | null) {
    super();
    this.self_attn = new CLIPAttention(cfg, rng);
    this.layer_norm1 = new LayerNorm(cfg.hidden_size, cfg.layer_norm_eps, rng === null);
    this.mlp = new CLIPMLP(cfg, rng);
    this.layer_norm2 = new LayerNorm(cfg.hidden_size, cfg.layer_norm_eps, rng === null);
  }
  forward(x: Tensor): Tensor {
    const h = add(x, this.self_attn.forward(this.layer_norm1.forward(x)));
    return add(h, this.mlp.forward(this.layer_norm2.forward(h)));
  }
}

/** The pre-LN transformer encoder of CLIP's and SigLIP's towers (same modules, same names). */
export class CLIPEncoder extends Module {
  layers: CLIPEncoderLayer[];
  constructor(cfg: EncoderConfig, rng: Rng | null) {
    super();
    this.layers = Array.from({ length: cfg.num_hidden_layers }, () => new CLIPEncoderLayer(cfg, rng));
  }

  /** HF hidden_states: the input `x`, then the output of each layer up to `upTo`. */
  states(x: Tensor, upTo = this.layers.length): Tensor[] {
    const out = [x];
    for (let i = 0; i < upTo; i++) out.push(this.layers[i].forward(out[i]));
    return out;
  }
}

export class CLIPVisionTransformer extends Module {
  embeddings: CLIPVisionEmbeddings;
  pre_layrnorm: LayerNorm;
  encoder: CLIPEncoder;
  post_layernorm: LayerNorm;

  constructor(
    readonly config: CLIPVisionConfig,
    rng: Rng | null,
  ) {
    super();
    this.embeddings = new CLIPVisionEmbeddings(config, rng);
    this.pre_layrnorm = new LayerNorm(config.hidden_size, config.layer_norm_eps, rng === null);
    this.encoder = new CLIPEncoder(config, rng);
    this.post_layernorm = new LayerNorm(config.hidden_size, config.layer_norm_eps, rng === null);
  }

  /** HF hidden_states[0..upTo]: [0] = embeddings after pre_layrnorm, [k] = output of layer k. Layers past
   * `upTo` are not computed (LLaVA's default −2 never needs the last one). */
  hiddenStates(pixels: Float32Array, N: number, upTo = this.config.num_hidden_layers): Tensor[] {
    return this.encoder.states(this.pre_layrnorm.forward(this.embeddings.forward(pixels, N)), upTo);
  }

  /** post_layernorm of the CLS token of the last layer. */
  pooled(pixels: Float32Array, N: number): Tensor {
    const last = this.hiddenStates(pixels, N).at(-1)!;
    return this.post_layernorm.forward(reshape(slice(last, 1, 0, 1), [N, this.config.hidden_size]));
  }
}

export class CLIPVisionModel extends Module implements VisionTower {
  vision_model: CLIPVisionTransformer;
  constructor(
    readonly config: CLIPVisionConfig,
    rng: Rng | null,
  ) {
    super();
    this.vision_model = new CLIPVisionTransformer(config, rng);
  }

  /** The class token, then one per patch. */
  get sequenceLength(): number {
    return (this.config.image_size / this.config.patch_size) ** 2 + 1;
  }

  hiddenStates(pixels: Float32Array, N: number, upTo?: number): Tensor[] {
    return this.vision_model.hiddenStates(pixels, N, upTo);
  }
}
