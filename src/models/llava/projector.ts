// The vision-language connector: one Linear (LLaVA v1) or Linear, then (depth − 1) × [act, Linear]
// (mlp2x_gelu in LLaVA v1.5). Canonical names: projector.linear_1, projector.linear_2, …

import { Linear } from "../../nn/layers.ts";
import { Module } from "../../nn/module.ts";
import type { GeluKind } from "../../tensor/ops/activations.ts";
import { gelu } from "../../tensor/ops/activations.ts";
import type { Rng } from "../../tensor/rng.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { ProjectorConfig } from "../families/llava/config.ts";

export class Projector extends Module {
  [linear: `linear_${number}`]: Linear;

  constructor(
    readonly config: ProjectorConfig,
    rng: Rng | null,
  ) {
    super();
    const depth = config.type === "linear" ? 1 : config.depth;
    for (let k = 1; k <= depth; k++)
      this[`linear_${k}`] = new Linear(
        k === 1 ? config.in_features : config.out_features,
        config.out_features,
        config.bias,
        rng,
      );
  }

  get depth(): number {
    return this.config.type === "linear" ? 1 : this.config.depth;
  }

  /** LLaVA's nn.GELU() is the exact erf form; gelu_pytorch_tanh and gelu_new are the tanh form. */
  get activation(): GeluKind {
    const act = this.config.act;
    return act === "gelu_pytorch_tanh" || act === "gelu_new"
      ? "tanh"
      : act === "quick_gelu"
        ? "quick"
        : "erf";
  }

  forward(x: Tensor): Tensor {
    let h = this.linear_1.forward(x);
    for (let k = 2; k <= this.depth; k++) h = this[`linear_${k}`].forward(gelu(h, this.activation));
    return h;
  }
}
