// AdamW (PyTorch semantics, decoupled weight decay) over named parameters, with HF's grouping: no weight
// decay on norm weights and biases. State (m, v, step) is saved by name so runs resume exactly.
import { kernels } from "../backend/index.ts";
import type { Parameter } from "../nn/module.ts";

export interface AdamWOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/** torch.optim.AdamW's defaults. */
export const DEFAULT_BETAS: [number, number] = [0.9, 0.999];
export const DEFAULT_EPS = 1e-8;

/** HF Trainer's rule: decay everything except LayerNorm/RMSNorm weights and biases. */
export function decays(name: string): boolean {
  return !/norm\d*\.weight$/.test(name) && !name.endsWith(".bias");
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
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
      const wd = decays(name) ? this.weightDecay : 0;
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
