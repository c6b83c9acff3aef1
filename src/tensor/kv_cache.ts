// Key/value cache for incremental decoding: per layer, [B, capacity, Hkv, D] buffers filled up to `length`.
// Each batch row's keys are contiguous, so attention over the cache reads them row by row as tensors that
// view the cache, without copying.
import { hostF32 } from "./storage.ts";
import { Tensor } from "./tensor.ts";

export class KVCache {
  private readonly keys: Float32Array[];
  private readonly values: Float32Array[];
  length = 0;

  constructor(
    layers: number,
    readonly batch: number,
    readonly capacity: number,
    readonly kvHeads: number,
    readonly headDim: number,
  ) {
    const size = batch * capacity * kvHeads * headDim;
    this.keys = Array.from({ length: layers }, () => new Float32Array(size));
    this.values = Array.from({ length: layers }, () => new Float32Array(size));
  }

  /** Writes the T new positions of one layer (k, v: [B, T, Hkv, D]) after the current length. */
  write(layer: number, k: Tensor, v: Tensor): void {
    const T = k.shape[1];
    if (this.length + T > this.capacity) throw new Error(`KV cache capacity ${this.capacity} exceeded`);
    const row = this.kvHeads * this.headDim;
    const kv = hostF32(k);
    const vv = hostF32(v);
    for (let b = 0; b < this.batch; b++) {
      const dst = (b * this.capacity + this.length) * row;
      this.keys[layer].set(kv.subarray(b * T * row, (b + 1) * T * row), dst);
      this.values[layer].set(vv.subarray(b * T * row, (b + 1) * T * row), dst);
    }
  }

  /** Keeps the first `length` positions; the next writes go after them. */
  truncate(length: number): void {
    if (!Number.isInteger(length) || length < 0 || length > this.length)
      throw new Error(`cannot truncate a KV cache of ${this.length} positions to ${length}`);
    this.length = length;
  }

  /** Row b's keys and values at positions [from, to), as [1, to − from, Hkv, D] tensors viewing the cache
   * (valid until the next write). */
  rowKeys(layer: number, b: number, from: number, to: number): { k: Tensor; v: Tensor } {
    const row = this.kvHeads * this.headDim;
    const start = (b * this.capacity + from) * row;
    const end = start + (to - from) * row;
    const shape = [1, to - from, this.kvHeads, this.headDim];
    return {
      k: new Tensor(this.keys[layer].subarray(start, end), shape),
      v: new Tensor(this.values[layer].subarray(start, end), shape),
    };
  }
}
