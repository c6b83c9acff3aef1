// What LLaVA needs of a vision tower, whatever its family (CLIP, SigLIP): its hidden states by layer.
import type { CLIPVisionConfig } from "../io/config/clip_vision_config.ts";
import type { Module } from "../nn/module.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { SiglipVisionConfig } from "./families/siglip_vision/config.ts";

export type VisionConfig = CLIPVisionConfig | SiglipVisionConfig;

export interface VisionTower extends Module {
  readonly config: VisionConfig;
  /** Tokens per image in every hidden state (CLIP: class token + patches; SigLIP: patches). */
  readonly sequenceLength: number;
  /** HF hidden_states[0..upTo] of N images [N, C, S, S]: [0] the embeddings, [k] the output of layer k. */
  hiddenStates(pixels: Float32Array, N: number, upTo?: number): Tensor[];
}
