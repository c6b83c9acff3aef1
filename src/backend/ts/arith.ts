// Reference element-wise arithmetic: binary ops with broadcasting (through strides) and their gradients,
// scaling and accumulation. Values are rounded to f32 after every operation, as the native kernels compute.
import type { BinaryOp, KernelFns } from "../kernels.ts";
import { walk2 } from "./strided.ts";

const f = Math.fround;

const FORWARD: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

export const binaryForward: KernelFns["binaryForward"] = (op, a, aStrides, b, bStrides, out, shape) => {
  const fn = FORWARD[op];
  walk2(shape, aStrides, bStrides, (k, i, j) => {
    out[k] = fn(a[i], b[j]);
  });
};

/** ∂(x op y)/∂x and ∂(x op y)/∂y times g, each rounded to f32. */
const GRADS: Record<BinaryOp, (g: number, x: number, y: number) => [number, number]> = {
  add: (g) => [g, g],
  sub: (g) => [g, -g],
  mul: (g, x, y) => [f(g * y), f(g * x)],
  div: (g, x, y) => [f(g / y), f(-f(g * x) / f(y * y))],
};

export const binaryBackward: KernelFns["binaryBackward"] = (
  op,
  g,
  a,
  aStrides,
  b,
  bStrides,
  ga,
  gb,
  shape,
) => {
  const grads = GRADS[op];
  walk2(shape, aStrides, bStrides, (k, i, j) => {
    const [dx, dy] = grads(g[k], a[i], b[j]);
    if (ga) ga[i] += dx;
    if (gb) gb[j] += dy;
  });
};

export const scale: KernelFns["scale"] = (x, y, n, alpha) => {
  for (let i = 0; i < n; i++) y[i] = x[i] * alpha;
};

export const accumulate: KernelFns["accumulate"] = (dst, src, n) => {
  for (let i = 0; i < n; i++) dst[i] += src[i];
};
