// Reverse-mode autograd. Each op that has an input requiring a gradient records a Node on its output:
// the inputs and a backward closure over what it saved. backward() walks the recorded graph from a
// scalar in reverse creation order, and drops each node's closure (and so its saved activations) as
// soon as it has run.
//
// Activation accounting: a node holds the storage of its output and inputs where ops computed it (not leaves
// such as weights or the batch, nor views of them) and the buffers its backward saved; each storage is counted once
// however many nodes hold it (Storage.graphRefs), from the node's recording until its backward has run. The
// high-water mark of that count is the peak of activation memory the graph held (trainer.ts reports it).
import { kernels } from "../backend/index.ts";
import type { Rng } from "./rng.ts";
import type { Storage } from "./storage.ts";
import type { Tensor } from "./tensor.ts";

export type GradFn = (gradOut: Float32Array) => Array<Float32Array | null>;

export interface Node {
  readonly id: number;
  readonly op: string;
  inputs: Tensor[];
  backward: GradFn | null;
  /** Storage this node keeps alive for its backward, and the bytes of the buffers its closure saved. */
  held: Storage[];
  savedBytes: number;
}

let liveBytes = 0;
let peakBytes = 0;

/** Bytes of activations the recorded graphs hold now, and the most they held since resetActivationPeak. */
export function activationBytes(): { live: number; peak: number } {
  return { live: liveBytes, peak: peakBytes };
}

/** Starts a new high-water mark at the bytes held now. */
export function resetActivationPeak(): void {
  peakBytes = liveBytes;
}

function hold(node: Node): void {
  let added = node.savedBytes;
  for (const s of node.held) if (s.graphRefs++ === 0) added += s.byteLength;
  liveBytes += added;
  if (liveBytes > peakBytes) peakBytes = liveBytes;
}

function release(node: Node): void {
  let freed = node.savedBytes;
  for (const s of node.held) if (--s.graphRefs === 0) freed += s.byteLength;
  liveBytes -= freed;
  node.held = [];
  node.savedBytes = 0;
}

let gradEnabled = true;
let nextId = 0;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording anything (inference, evaluation, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** A backward closure owns gradOut (it may overwrite it) and may return it for at most one input;
 * every other buffer it returns must be fresh or come from gradBuffer, since returned buffers are stored
 * without copying. */

export interface RecordOptions {
  /** Record even when no input requires a gradient (activation recomputation). */
  force?: boolean;
  /** Buffers the backward closure keeps besides the inputs and the output (statistics, masks), counted as
   * activations. */
  saved?: ReadonlyArray<ArrayBufferView | null>;
}

/** Attaches a node to `out` if grad mode is on and some input requires a gradient. The closure is
 * only built when needed, so no activation is kept alive in inference. */
export function record(
  op: string,
  out: Tensor,
  inputs: Tensor[],
  makeBackward: () => GradFn,
  opts: RecordOptions = {},
): Tensor {
  if (!gradEnabled || !(opts.force || inputs.some((t) => t.requiresGrad))) return out;
  out.requiresGrad = true;
  // A view of a leaf (a reshaped weight) holds no activation.
  const held = [out, ...inputs].filter((t) => t.storage.fromOp).map((t) => t.storage);
  const savedBytes = (opts.saved ?? []).reduce((n, b) => n + (b?.byteLength ?? 0), 0);
  out.node = { id: nextId++, op, inputs, backward: makeBackward(), held, savedBytes };
  hold(out.node);
  return out;
}

/** A zeroed buffer for a backward closure to form the gradient of input `t` in: the leaf's gradient slot when
 * it has no gradient yet (backward then keeps that buffer as it is, without a copy), else a new one. */
export function gradBuffer(t: Tensor): Float32Array {
  if (t.node || t.grad || !t.gradSlot) return new Float32Array(t.size);
  t.gradSlot.fill(0);
  return t.gradSlot;
}

function addInto(dst: Float32Array, src: Float32Array): void {
  kernels().accumulate(dst, src, dst.length);
}

/** Back-propagates from a scalar (or from `seed`, the gradient of `root`). Gradients of leaves that
 * require one are accumulated into their `.grad`. The graph is consumed (closures and input references are
 * dropped as it goes): a second call through it raises. */
export function backward(root: Tensor, seed?: Float32Array): void {
  if (!root.requiresGrad) throw new Error("backward() on a tensor that does not require a gradient");
  if (!seed && root.size !== 1) throw new Error(`backward() needs a scalar, got shape [${root.shape}]`);
  const order = topoOrder(root);
  const grads = new Map<Tensor, Float32Array>();
  grads.set(root, seed ? seed.slice() : Float32Array.of(1));
  if (!root.node) accumulateLeaf(root, grads.get(root)!);
  for (const t of order) {
    const node = t.node!;
    const g = grads.get(t);
    grads.delete(t);
    if (!node.backward) throw new Error(`backward through ${node.op} a second time; its graph was freed`);
    const inGrads = g ? node.backward(g) : [];
    node.backward = null;
    release(node);
    node.inputs.forEach((input, i) => {
      const gi = inGrads[i];
      if (!gi || !input.requiresGrad) return;
      if (!input.node) {
        accumulateLeaf(input, gi);
        return;
      }
      const prev = grads.get(input);
      if (prev) addInto(prev, gi);
      else grads.set(input, gi);
    });
    // Keep the spent node (a second backward through it must fail) but let go of its inputs.
    node.inputs = [];
  }
}

function accumulateLeaf(leaf: Tensor, g: Float32Array): void {
  if (g.length !== leaf.size)
    throw new Error(`gradient of ${g.length} elements for a tensor of ${leaf.size}`);
  if (leaf.grad) addInto(leaf.grad, g);
  else if (leaf.gradSlot) {
    if (g !== leaf.gradSlot) leaf.gradSlot.set(g);
    leaf.grad = leaf.gradSlot;
  } else leaf.grad = g;
}

/** Non-leaf tensors reachable from root, outputs before inputs (reverse creation order). */
function topoOrder(root: Tensor): Tensor[] {
  const seen = new Set<Tensor>();
  const found: Tensor[] = [];
  const stack: Tensor[] = [root];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t) || !t.node) continue;
    seen.add(t);
    found.push(t);
    for (const i of t.node.inputs) if (i.node && !seen.has(i)) stack.push(i);
  }
  // Node ids grow with creation time, so sorting by id descending is a valid reverse topological order.
  return found.sort((a, b) => b.node!.id - a.node!.id);
}

/** Activation recomputation: runs fn without keeping its activations, and runs it again (with gradients)
 * during backward. Parameters used inside fn receive their gradients then. `rngs` are restored to their
 * pre-forward state for the rerun, so dropout masks repeat exactly. */
export function checkpoint(fn: (xs: Tensor[]) => Tensor, inputs: Tensor[], rngs: Rng[] = []): Tensor {
  const states = rngs.map((r) => r.getState());
  const out = noGrad(() => fn(inputs));
  const after = rngs.map((r) => r.getState());
  return record(
    "checkpoint",
    out,
    inputs,
    () => (g) => {
      for (const [i, r] of rngs.entries()) r.setState(states[i]);
      const leaves = inputs.map((x) => {
        const leaf = x.detach();
        leaf.requiresGrad = x.requiresGrad;
        return leaf;
      });
      const y = fn(leaves);
      for (const [i, r] of rngs.entries()) r.setState(after[i]);
      if (y.requiresGrad) backward(y, g);
      return leaves.map((l) => l.grad);
    },
    { force: true },
  );
}
