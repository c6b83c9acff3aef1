// Data parallelism in the trainer, as PyTorch's DistributedDataParallel under HF's Trainer does it: every rank
// starts from the root's trainable weights and optimizer state, computes the gradients of its share of each
// global batch, and the gradients are summed over the ranks in one all-reduce per step of the optimizer's
// gradient buffer (tensor/arena.ts: backward accumulates into it, and a few step statistics ride along), so
// every rank applies the same update and the weights stay identical without being sent again.
import type { World } from "../dist/world.ts";
import type { Parameter } from "../nn/module.ts";
import type { AdamW } from "./adamw.ts";
import type { RunOptions } from "./run_options.ts";

type Params = ReadonlyArray<readonly [string, Parameter]>;

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
export function shareRootState<T>(world: World, opt: AdamW, shared: T): T {
  const value = world.broadcastJson({ shared, optimizerStep: opt.step });
  opt.step = value.optimizerStep;
  opt.arena.broadcast(world);
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
