// AdamW (PyTorch semantics, decoupled weight decay) over named parameters, with HF's grouping: no weight
// decay on norm weights and biases. The parameters, their gradients and the state (m, v) live in one arena
// (tensor/arena.ts), so a step is one pass over it; the state is saved by name so runs resume exactly.
import { LayerNorm, RMSNorm } from "../nn/layers.ts";
import { type Module, Parameter } from "../nn/module.ts";
import { TrainableArena } from "../tensor/arena.ts";

export interface AdamWOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  /** Parameters weight decay skips (see noDecayParameters). */
  noDecay?: ReadonlySet<Parameter>;
  /** Numbers the data-parallel all-reduce sums along with the gradients (TrainableArena.allreduceGrads). */
  extraGradSlots?: number;
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
  /** The parameters' values, gradients and moments, the decayed ones first so that a step is at most two
   * kernel calls. */
  readonly arena: TrainableArena;
  private readonly decays: number[];
  lr: number;
  step = 0;

  constructor(
    readonly params: ReadonlyArray<readonly [string, Parameter]>,
    opts: AdamWOptions,
  ) {
    this.lr = opts.lr;
    [this.beta1, this.beta2] = opts.betas ?? DEFAULT_BETAS;
    this.eps = opts.eps ?? DEFAULT_EPS;
    this.weightDecay = opts.weightDecay ?? 0;
    const noDecay = opts.noDecay ?? new Set();
    const decayed = params.filter(([, p]) => !noDecay.has(p));
    const ordered = [...decayed, ...params.filter(([, p]) => noDecay.has(p))];
    this.arena = new TrainableArena(ordered, opts.extraGradSlots);
    this.decays = ordered.map((_, i) => (i < decayed.length ? this.weightDecay : 0));
  }

  /** Applies one update at learning rate `lr` to every parameter that has a gradient. */
  update(lr: number): void {
    this.step++;
    this.arena.collectGrads(false);
    this.arena.adamw(
      { lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, step: this.step },
      (i) => this.decays[i],
    );
  }

  zeroGrad(): void {
    this.arena.dropGrads();
  }
}
