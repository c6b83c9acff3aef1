// Seeded epoch order and batching. With `groupByLength`, samples of similar length share a batch (less padding),
// in the spirit of LLaVA's length-grouped sampler: shuffle, sort within mega-batches by length, cut into
// batches, then shuffle the batches.
import { Rng } from "../tensor/rng.ts";

export interface BatchOptions {
  batchSize: number;
  seed: number;
  shuffle?: boolean;
  /** Per-sample lengths; required for groupByLength. */
  lengths?: readonly number[];
  groupByLength?: boolean;
  /** Batches per length-sorted group (default 50). */
  megaBatchFactor?: number;
  dropLast?: boolean;
}

/** Batches of sample indices for one epoch; `epoch` varies the order deterministically. */
export function makeBatches(count: number, options: BatchOptions, epoch = 0): number[][] {
  const { batchSize } = options;
  if (!(batchSize > 0)) throw new Error("batchSize must be positive");
  const rng = new Rng((options.seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  const order = Array.from({ length: count }, (_, i) => i);
  if (options.shuffle ?? true) rng.shuffle(order);
  let batches: number[][] = [];
  if (options.groupByLength) {
    const lengths = options.lengths;
    if (!lengths || lengths.length !== count) throw new Error("groupByLength needs one length per sample");
    const mega = batchSize * (options.megaBatchFactor ?? 50);
    for (let i = 0; i < count; i += mega) {
      const group = order.slice(i, i + mega).sort((a, b) => lengths[b] - lengths[a]);
      for (let j = 0; j < group.length; j += batchSize) batches.push(group.slice(j, j + batchSize));
    }
    if (options.shuffle ?? true) rng.shuffle(batches);
  } else {
    for (let i = 0; i < count; i += batchSize) batches.push(order.slice(i, i + batchSize));
  }
  if (options.dropLast) batches = batches.filter((b) => b.length === batchSize);
  return batches;
}
