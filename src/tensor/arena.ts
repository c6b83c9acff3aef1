// The trainable set in contiguous buffers: values, gradients and AdamW's two moments, each tensor at the same
// offset in each. A tensor's storage becomes a view of the value buffer and its gradient slot a view of the
// gradient buffer (backward writes its first gradient there), so the optimizer step, the gradient norm,
// clipping and the data-parallel all-reduce and broadcast each run once over the whole set rather than once
// per tensor.
import { kernels } from "../backend/index.ts";
import type { World } from "../dist/world.ts";
import { hostF32, Storage } from "./storage.ts";
import { Tensor } from "./tensor.ts";

export interface AdamWStep {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Optimizer updates so far, this one included. */
  step: number;
}

export class TrainableArena {
  readonly names: readonly string[];
  readonly tensors: readonly Tensor[];
  /** Elements of the whole set. */
  readonly size: number;
  /** Where each tensor starts; offsets[i + 1] is where it ends. */
  private readonly offsets: number[];
  private readonly storages: Storage[];
  private readonly values: Float32Array;
  /** The gradients, then `extraSlots` numbers that the all-reduce sums along with them. */
  private readonly grads: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;

  /** Moves the tensors' values (which must be f32) into the arena; the tensors are otherwise unchanged. */
  constructor(
    params: ReadonlyArray<readonly [string, Tensor]>,
    readonly extraSlots = 0,
  ) {
    this.names = params.map(([n]) => n);
    this.tensors = params.map(([, t]) => t);
    this.offsets = [0];
    for (const [name, t] of params) {
      if (t.dtype !== "f32") throw new Error(`${name}: trainable parameters must be f32, not ${t.dtype}`);
      this.offsets.push(this.offsets[this.offsets.length - 1] + t.size);
    }
    this.size = this.offsets[this.tensors.length];
    this.values = new Float32Array(this.size);
    this.grads = new Float32Array(this.size + extraSlots);
    this.m = new Float32Array(this.size);
    this.v = new Float32Array(this.size);
    this.storages = this.tensors.map((t, i) => {
      const view = this.slice(this.values, i);
      view.set(hostF32(t));
      t.storage = new Storage("f32", view);
      t.gradSlot = this.slice(this.grads, i);
      if (t.grad) {
        t.gradSlot.set(t.grad);
        t.grad = t.gradSlot;
      }
      return t.storage;
    });
  }

  private slice(buffer: Float32Array, i: number): Float32Array {
    return buffer.subarray(this.offsets[i], this.offsets[i + 1]);
  }

  /** Tensor i's first or second AdamW moment as a tensor viewing the arena (checkpoint I/O). */
  moment(which: "m" | "v", i: number): Tensor {
    return new Tensor(this.slice(which === "m" ? this.m : this.v, i), this.tensors[i].shape);
  }

  /** Zeroes the gradient buffer and makes every tensor's gradient its slot, for backward to accumulate into
   * (data parallelism: every rank then sums every gradient, 0 + g being g exactly). */
  attachGrads(): void {
    this.grads.fill(0);
    for (const t of this.tensors) t.grad = t.gradSlot;
  }

  /** Puts every gradient in its slot: one held elsewhere (replaced since backward wrote it) is copied in, and
   * the slot of a tensor without one is zeroed, so the passes over the whole buffer see exactly the gradients
   * the tensors have. With `all`, those tensors get the zero gradient (data parallelism). */
  collectGrads(all: boolean): void {
    for (const [i, t] of this.tensors.entries()) {
      if (t.storage !== this.storages[i])
        throw new Error(`${this.names[i]}: its storage was replaced after the optimizer took it`);
      const slot = t.gradSlot!;
      if (t.grad === slot) continue;
      if (t.grad) slot.set(t.grad);
      else slot.fill(0);
      if (t.grad || all) t.grad = slot;
    }
  }

  /** Drops every gradient (the slots are rewritten by the next backward or zeroed by collectGrads). */
  dropGrads(): void {
    for (const t of this.tensors) t.grad = null;
  }

  /** Σ g² over every gradient, in double (after collectGrads). */
  gradSumSquares(): number {
    return kernels().sumSquares(this.grads, this.size);
  }

  /** Multiplies every gradient by `coef` (after collectGrads). */
  scaleGrads(coef: number): void {
    const g = this.grads.subarray(0, this.size);
    kernels().scale(g, g, this.size, coef);
  }

  /** Names of the tensors whose gradient holds a NaN or ±Infinity (a sum of squares in double is finite
   * exactly when every element is). */
  nonFiniteGrads(): string[] {
    const k = kernels();
    return this.names.filter(
      (_, i) => !Number.isFinite(k.sumSquares(this.slice(this.grads, i), this.tensors[i].size)),
    );
  }

  /** One AdamW update of every tensor that has a gradient, weight decay `decay(i)` for tensor i: one kernel
   * call per run of neighbours that have a gradient and the same decay (after collectGrads). */
  adamw(s: AdamWStep, decay: (i: number) => number): void {
    const k = kernels();
    const n = this.tensors.length;
    for (let i = 0; i < n; ) {
      if (!this.tensors[i].grad) {
        i++;
        continue;
      }
      const wd = decay(i);
      let j = i + 1;
      while (j < n && this.tensors[j].grad && decay(j) === wd) j++;
      const [a, b] = [this.offsets[i], this.offsets[j]];
      k.adamw(
        this.values.subarray(a, b),
        this.grads.subarray(a, b),
        this.m.subarray(a, b),
        this.v.subarray(a, b),
        b - a,
        s.lr,
        s.beta1,
        s.beta2,
        s.eps,
        wd,
        s.step,
      );
      i = j;
    }
  }

  /** Sums the gradients and `extra` (at most extraSlots numbers) over the ranks in one all-reduce, after
   * collectGrads(true); returns the summed extra numbers. */
  allreduceGrads(world: World, extra: readonly number[]): number[] {
    if (extra.length > this.extraSlots)
      throw new Error(`${extra.length} numbers to sum with the gradients, room for ${this.extraSlots}`);
    this.grads.set(extra, this.size);
    world.allreduceSum(this.grads);
    return Array.from(this.grads.subarray(this.size, this.size + extra.length));
  }

  /** Gives every rank the root's values and moments. */
  broadcast(world: World): void {
    world.broadcast(this.values);
    world.broadcast(this.m);
    world.broadcast(this.v);
  }
}
