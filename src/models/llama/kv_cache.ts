// Key/value cache for incremental decoding: per layer, [B, capacity, Hkv, D] buffers filled up to `length`.
// Each batch row's keys are contiguous, so attention over the cache runs row by row without copying.
export class KVCache {
  readonly keys: Float32Array[];
  readonly values: Float32Array[];
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

  /** Writes T new positions of one layer (k, v: [B, T, Hkv, D]) after the current length. */
  write(layer: number, k: Float32Array, v: Float32Array, T: number): void {
    if (this.length + T > this.capacity) throw new Error(`KV cache capacity ${this.capacity} exceeded`);
    const row = this.kvHeads * this.headDim;
    for (let b = 0; b < this.batch; b++) {
      const dst = (b * this.capacity + this.length) * row;
      this.keys[layer].set(k.subarray(b * T * row, (b + 1) * T * row), dst);
      this.values[layer].set(v.subarray(b * T * row, (b + 1) * T * row), dst);
    }
  }

  /** Keeps the first `length` positions; the next writes go after them. */
  truncate(length: number): void {
    if (!Number.isInteger(length) || length < 0 || length > this.length)
      throw new Error(`cannot truncate a KV cache of ${this.length} positions to ${length}`);
    this.length = length;
  }

  /** Row b's keys and values for the first `len` positions. */
  rowKeys(layer: number, b: number, len: number): { k: Float32Array; v: Float32Array } {
    const row = this.kvHeads * this.headDim;
    const start = b * this.capacity * row;
    return {
      k: this.keys[layer].subarray(start, start + len * row),
      v: this.values[layer].subarray(start, start + len * row),
    };
  }
}
