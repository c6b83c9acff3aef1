// Reference element-wise arithmetic: binary ops with broadcasting (through strides) and their gradients,
// scaling and accumulation. Values are rounded to f32 after every operation, as the native kernels compute.
import type { BinaryOp, F32 } from "../kernels.ts";
import { walk2 } from "./strided.ts";

const f = Math.fround;

const FORWARD: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

export function binaryForward(
  op: BinaryOp,
  a: F32,
  aStrides: Int32Array,
  b: F32,
  bStrides: Int32Array,
  out: F32,
  shape: Int32Array,
): void {
  const fn = FORWARD[op];
  walk2(shape, aStrides, bStrides, (k, i, j) => {
    out[k] = fn(a[i], b[j]);
  });
}

/** ∂(x op y)/∂x and ∂(x op y)/∂y times g, each rounded to f32. */
const GRADS: Record<BinaryOp, (g: number, x: number, y: number) => [number, number]> = {
  add: (g) => [g, g],
  sub: (g) => [g, -g],
  mul: (g, x, y) => [f(g * y), f(g * x)],
  div: (g, x, y) => [f(g / y), f(-f(g * x) / f(y * y))],
};

export function binaryBackward(
  op: BinaryOp,
  g: F32,
  a: F32,
  aStrides: Int32Array,
  b: F32,
  bStrides: Int32Array,
  ga: F32 | null,
  gb: F32 | null,
  shape: Int32Array,
): void {
  const grads = GRADS[op];
  walk2(shape, aStrides, bStrides, (k, i, j) => {
    const [dx, dy] = grads(g[k], a[i], b[j]);
    if (ga) ga[i] += dx;
    if (gb) gb[j] += dy;
  });
}

export function scale(x: F32, y: F32, n: number, alpha: number): void {
  for (let i = 0; i < n; i++) y[i] = x[i] * alpha;
}

export function accumulate(dst: F32, src: F32, n: number): void {
  for (let i = 0; i < n; i++) dst[i] += src[i];
}
