// Element-wise arithmetic with broadcasting: add, sub, mul, div, and scaling by a constant.
import { kernels } from "../../backend/index.ts";
import type { BinaryOp } from "../../backend/kernels.ts";
import { record } from "../autograd.ts";
import { broadcastShapes, broadcastStrides, collapse } from "../broadcast.ts";
import { hostF32 } from "../storage.ts";
import { numel, opResult, type Tensor } from "../tensor.ts";

function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const [dims, sa, sb] = collapse(shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape));
  const k = kernels();
  const av = hostF32(a);
  const bv = hostF32(b);
  const out = new Float32Array(numel(shape));
  k.binaryForward(op, av, sa, bv, sb, out, dims);
  return record(op, opResult(out, shape), [a, b], () => (g) => {
    // For add and sub, the output gradient itself is a's gradient when a spans the whole output.
    const passA = a.requiresGrad && (op === "add" || op === "sub") && a.size === g.length;
    const ga = a.requiresGrad && !passA ? new Float32Array(a.size) : null;
    const gb = b.requiresGrad ? new Float32Array(b.size) : null;
    k.binaryBackward(op, g, av, sa, bv, sb, ga, gb, dims);
    return [passA ? g : ga, gb];
  });
}

export function add(a: Tensor, b: Tensor): Tensor {
  return binary("add", a, b);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  return binary("sub", a, b);
}

export function mul(a: Tensor, b: Tensor): Tensor {
  return binary("mul", a, b);
}

export function div(a: Tensor, b: Tensor): Tensor {
  return binary("div", a, b);
}

/** a · c for a constant c. */
export function scale(a: Tensor, c: number): Tensor {
  const k = kernels();
  const out = new Float32Array(a.size);
  k.scale(hostF32(a), out, a.size, c);
  return record("scale", opResult(out, a.shape), [a], () => (g) => {
    k.scale(g, g, g.length, c);
    return [g];
  });
}
