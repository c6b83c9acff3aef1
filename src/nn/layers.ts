// Basic layers with Hugging Face parameter names: Linear (optionally with a LoRA branch), Embedding,
// RMSNorm and LayerNorm.
import { add, scale } from "../tensor/ops/arithmetic.ts";
import { dropout } from "../tensor/ops/dropout.ts";
import { embedding } from "../tensor/ops/embedding.ts";
import { linear } from "../tensor/ops/matmul.ts";
import { layerNorm, rmsNorm } from "../tensor/ops/norms.ts";
import { Rng } from "../tensor/rng.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { constParam, kaimingUniformParam, normalParam } from "./init.ts";
import { Module, type Parameter } from "./module.ts";

export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  /** LoRA branch (PEFT semantics): y += scaling · B(A(dropout(x))). */
  lora_A: Linear | null = null;
  lora_B: Linear | null = null;
  loraScaling = 0;
  loraDropout = 0;
  loraRng: Rng | null = null;

  constructor(inFeatures: number, outFeatures: number, bias: boolean, rng: Rng | null) {
    super();
    this.weight = normalParam([outFeatures, inFeatures], rng);
    this.bias = bias ? constParam([outFeatures], 0, rng === null) : null;
  }

  get inFeatures(): number {
    return this.weight.shape[1];
  }

  get outFeatures(): number {
    return this.weight.shape[0];
  }

  forward(x: Tensor): Tensor {
    const y = linear(x, this.weight, this.bias);
    if (!this.lora_A || !this.lora_B) return y;
    const dropped = this.training && this.loraDropout > 0 ? dropout(x, this.loraDropout, this.loraRng!) : x;
    return add(y, scale(this.lora_B.forward(this.lora_A.forward(dropped)), this.loraScaling));
  }

  /** Adds a LoRA branch: A ~ U(±1/√in) (nn.Linear default, PEFT's init_lora_weights=True), B = 0. */
  addLora(r: number, alpha: number, dropoutP: number, rng: Rng, useRslora = false): void {
    this.lora_A = new Linear(this.inFeatures, r, false, rng);
    this.lora_A.weight = kaimingUniformParam([r, this.inFeatures], rng);
    this.lora_B = new Linear(r, this.outFeatures, false, rng);
    this.lora_B.weight = constParam([this.outFeatures, r], 0);
    this.loraScaling = useRslora ? alpha / Math.sqrt(r) : alpha / r;
    this.loraDropout = dropoutP;
    this.loraRng = new Rng(rng.nextU32());
  }

  removeLora(): void {
    this.lora_A = null;
    this.lora_B = null;
  }
}

export class Embedding extends Module {
  weight: Parameter;

  constructor(num: number, dim: number, rng: Rng | null) {
    super();
    this.weight = normalParam([num, dim], rng);
  }

  /** ids → [...shape, dim]. */
  forward(ids: ArrayLike<number>, shape: readonly number[] = [ids.length]): Tensor {
    return embedding(this.weight, ids, shape);
  }
}

export class RMSNorm extends Module {
  weight: Parameter;
  eps: number;

  /** `placeholder`: no storage until a checkpoint fills it (see init.ts). */
  constructor(dim: number, eps: number, placeholder = false) {
    super();
    this.weight = constParam([dim], 1, placeholder);
    this.eps = eps;
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.weight, this.eps);
  }
}

export class LayerNorm extends Module {
  weight: Parameter;
  bias: Parameter;
  eps: number;

  /** `placeholder`: no storage until a checkpoint fills it (see init.ts). */
  constructor(dim: number, eps: number, placeholder = false) {
    super();
    this.weight = constParam([dim], 1, placeholder);
    this.bias = constParam([dim], 0, placeholder);
    this.eps = eps;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
