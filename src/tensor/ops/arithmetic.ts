// Element-wise arithmetic with broadcasting: add, sub, mul, div, and scaling by a constant.
import { record } from "../autograd.ts";
import { broadcastIndex, broadcastShapes, reduceToShape } from "../broadcast.ts";
import { Tensor } from "../tensor.ts";

type Combine = (x: number, y: number) => number;

function binary(op: string, a: Tensor, b: Tensor, f: Combine, rule: GradRule): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const av = a.toFloat32();
  const bv = b.toFloat32();
  const out = new Float32Array(ia ? ia.length : av.length);
  if (!ia && !ib) for (let k = 0; k < out.length; k++) out[k] = f(av[k], bv[k]);
  else for (let k = 0; k < out.length; k++) out[k] = f(av[ia ? ia[k] : k], bv[ib ? ib[k] : k]);
  return record(op, new Tensor(out, shape), [a, b], () => (g) => {
    const ga = a.requiresGrad ? new Float32Array(g.length) : null;
    const gb = b.requiresGrad ? new Float32Array(g.length) : null;
    for (let k = 0; k < g.length; k++) rule(g[k], av[ia ? ia[k] : k], bv[ib ? ib[k] : k], k, ga, gb);
    return [ga && reduceToShape(ga, ia, a.size), gb && reduceToShape(gb, ib, b.size)];
  });
}

type GradRule = (
  g: number,
  x: number,
  y: number,
  k: number,
  ga: Float32Array | null,
  gb: Float32Array | null,
) => void;

export function add(a: Tensor, b: Tensor): Tensor {
  return binary(
    "add",
    a,
    b,
    (x, y) => x + y,
    (g, _x, _y, k, ga, gb) => {
      if (ga) ga[k] = g;
      if (gb) gb[k] = g;
    },
  );
}

export function sub(a: Tensor, b: Tensor): Tensor {
  return binary(
    "sub",
    a,
    b,
    (x, y) => x - y,
    (g, _x, _y, k, ga, gb) => {
      if (ga) ga[k] = g;
      if (gb) gb[k] = -g;
    },
  );
}

export function mul(a: Tensor, b: Tensor): Tensor {
  return binary(
    "mul",
    a,
    b,
    (x, y) => x * y,
    (g, x, y, k, ga, gb) => {
      if (ga) ga[k] = g * y;
      if (gb) gb[k] = g * x;
    },
  );
}

export function div(a: Tensor, b: Tensor): Tensor {
  return binary(
    "div",
    a,
    b,
    (x, y) => x / y,
    (g, x, y, k, ga, gb) => {
      if (ga) ga[k] = g / y;
      if (gb) gb[k] = (-g * x) / (y * y);
    },
  );
}

/** a · c for a constant c. */
export function scale(a: Tensor, c: number): Tensor {
  const av = a.toFloat32();
  const out = new Float32Array(av.length);
  for (let k = 0; k < out.length; k++) out[k] = av[k] * c;
  return record("scale", new Tensor(out, a.shape), [a], () => (g) => {
    for (let k = 0; k < g.length; k++) g[k] *= c;
    return [g];
  });
}
