// Data parallelism in the trainer, as PyTorch's DistributedDataParallel under HF's Trainer does it: every rank
// starts from the root's trainable weights and optimizer state, computes the gradients of its share of each
// global batch, and the gradients are summed over the ranks in one fused all-reduce per step, so every rank
// applies the same update and the weights stay identical without being sent again.
import type { World } from "../dist/world.ts";
import type { Parameter } from "../nn/module.ts";
import type { AdamW } from "./adamw.ts";
import type { RunOptions } from "./run_options.ts";

type Params = ReadonlyArray<readonly [string, Parameter]>;

/** One buffer holding every trainable gradient, then a few step statistics: backward accumulates into
 * views of it, so packing is free, and one all-reduce sums it all. */
export class GradientBucket {
  readonly data: Float32Array;
  private readonly views: Float32Array[];
  private readonly statsAt: number;

  constructor(
    private readonly params: Params,
    stats: number,
  ) {
    this.statsAt = params.reduce((n, [, p]) => n + p.size, 0);
    this.data = new Float32Array(this.statsAt + stats);
    let at = 0;
    this.views = params.map(([, p]) => {
      const view = this.data.subarray(at, at + p.size);
      at += p.size;
      return view;
    });
  }

  /** Zeroes the bucket and makes each parameter's gradient its view, for the step's backward passes to
   * accumulate into (0 + g is g exactly, so a rank's gradients are what they would be without the bucket). */
  attach(): void {
    this.data.fill(0);
    for (const [i, [, p]] of this.params.entries()) p.grad = this.views[i];
  }

  /** Sums gradients and `stats` over the ranks; every parameter's gradient is then its view of the sum.
   * Returns the summed stats. */
  allreduce(world: World, stats: readonly number[]): number[] {
    for (const [i, [, p]] of this.params.entries()) {
      // A gradient that was replaced rather than accumulated into is packed by copying.
      if (p.grad !== this.views[i]) {
        if (p.grad) this.views[i].set(p.grad);
        p.grad = this.views[i];
      }
    }
    this.data.set(stats, this.statsAt);
    world.allreduceSum(this.data);
    return Array.from(this.data.subarray(this.statsAt, this.statsAt + stats.length));
  }
}

/** Throws on a rank whose run differs from the root's: other options (a data file with other contents on
 * this node, say) or another trainable set, which would make the ranks' buffers disagree. */
export function checkSameRun(world: World, options: RunOptions, params: Params): void {
  const mine = { options, trainable: params.map(([name, p]) => `${name} ${p.size}`) };
  const root = world.broadcastJson(mine);
  const differ = Object.keys({ ...root.options, ...options }).filter(
    (k) => JSON.stringify(root.options[k]) !== JSON.stringify(options[k]),
  );
  if (JSON.stringify(root.trainable) !== JSON.stringify(mine.trainable))
    differ.push("the trainable parameters");
  if (differ.length > 0)
    throw new Error(
      `rank ${world.rank} would train another run than rank 0: ${differ.join(", ")} differ; every rank must ` +
        "see the same model, data and options",
    );
}

/** Gives every rank the root's trainable weights, AdamW moments and step, and the root's `shared` value
 * (the trainer state it started or resumed from); returns that value. Frozen weights are not sent: every
 * rank reads them from the same checkpoint files. */
export function shareRootState<T>(world: World, params: Params, opt: AdamW, shared: T): T {
  const value = world.broadcastJson({ shared, optimizerStep: opt.step });
  opt.step = value.optimizerStep;
  for (const [name, p] of params) {
    world.broadcast(p.values);
    world.broadcast(opt.m.get(name)!);
    world.broadcast(opt.v.get(name)!);
  }
  return value.shared;
}

/** Counters (samples skipped by reason) summed over the ranks, on the root (null elsewhere). Each rank
 * counts the batches it read on top of `base`, the counts every rank started with. */
export function sumCounters(
  world: World,
  base: Readonly<Record<string, number>>,
  local: Readonly<Record<string, number>>,
): Record<string, number> | null {
  const delta = Object.fromEntries(Object.entries(local).map(([k, n]) => [k, n - (base[k] ?? 0)]));
  const all = world.gatherJson(delta);
  if (!all) return null;
  const sum: Record<string, number> = { ...base };
  for (const d of all) for (const [k, n] of Object.entries(d)) sum[k] = (sum[k] ?? 0) + n;
  return sum;
}
