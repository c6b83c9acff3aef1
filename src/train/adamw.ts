// AdamW (PyTorch semantics, decoupled weight decay) over named parameters, with HF's grouping: no weight
// decay on norm weights and biases. State (m, v, step) is saved by name so runs resume exactly.
import { kernels } from "../backend/index.ts";
import { LayerNorm, RMSNorm } from "../nn/layers.ts";
import { type Module, Parameter } from "../nn/module.ts";

export interface AdamWOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** Parameters weight decay skips (see noDecayParameters). */
  noDecay?: ReadonlySet<Parameter>;
}

/** torch.optim.AdamW's defaults. */
export const DEFAULT_BETAS: [number, number] = [0.9, 0.999];
export const DEFAULT_EPS = 1e-8;

/** HF Trainer's rule (get_decay_parameter_names): decay everything except the parameters of norm layers
 * (ALL_LAYERNORM_LAYERS: LayerNorm, and the RMSNorms of LLaMA-architecture models) and biases. Found from the
 * module types, so every family's norms are exempt whatever they are named. */
export function noDecayParameters(model: Module): Set<Parameter> {
  const out = new Set<Parameter>();
  for (const [, m] of model.namedModules()) {
    if (m instanceof LayerNorm || m instanceof RMSNorm) for (const p of m.parameters()) out.add(p);
    const bias = (m as { bias?: unknown }).bias;
    if (bias instanceof Parameter) out.add(bias);
  }
  return out;
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly noDecay: ReadonlySet<Parameter>;
  lr: number;
  step = 0;
  readonly m = new Map<string, Float32Array>();
  readonly v = new Map<string, Float32Array>();

  constructor(
    readonly params: ReadonlyArray<readonly [string, Parameter]>,
    opts: AdamWOptions,
  ) {
    this.lr = opts.lr;
    [this.beta1, this.beta2] = opts.betas ?? DEFAULT_BETAS;
    this.eps = opts.eps ?? DEFAULT_EPS;
    this.weightDecay = opts.weightDecay ?? 0;
    this.noDecay = opts.noDecay ?? new Set();
    for (const [name, p] of params) {
      if (p.dtype !== "f32") throw new Error(`${name}: trainable parameters must be f32`);
      this.m.set(name, new Float32Array(p.size));
      this.v.set(name, new Float32Array(p.size));
    }
  }

  /** Applies one update at learning rate `lr` to every parameter that has a gradient. */
  update(lr: number): void {
    this.step++;
    const k = kernels();
    for (const [name, p] of this.params) {
      if (!p.grad) continue;
      const wd = this.noDecay.has(p) ? 0 : this.weightDecay;
      k.adamw(
        p.values,
        p.grad,
        this.m.get(name)!,
        this.v.get(name)!,
        p.size,
        lr,
        this.beta1,
        this.beta2,
        this.eps,
        wd,
        this.step,
      );
    }
  }

  zeroGrad(): void {
    for (const [, p] of this.params) p.grad = null;
  }
}
