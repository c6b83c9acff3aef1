// Reference RoPE, SwiGLU and GELU-family kernels.
import type { GeluKind, KernelFns } from "../kernels.ts";
import { erf } from "./erf.ts";

export const rope: KernelFns["rope"] = (x, cos, sin, N, H, D, inverse) => {
  const half = D / 2;
  const sign = inverse ? -1 : 1;
  for (let n = 0; n < N; n++)
    for (let h = 0; h < H; h++) {
      const o = (n * H + h) * D;
      for (let i = 0; i < half; i++) {
        const c = cos[n * half + i];
        const s = sign * sin[n * half + i];
        const a = x[o + i];
        const b = x[o + i + half];
        x[o + i] = a * c - b * s;
        x[o + i + half] = b * c + a * s;
      }
    }
};

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export const swigluForward: KernelFns["swigluForward"] = (gate, up, out, n) => {
  for (let i = 0; i < n; i++) out[i] = gate[i] * sigmoid(gate[i]) * up[i];
};

export const swigluBackward: KernelFns["swigluBackward"] = (gate, up, dout, dgate, dup, n) => {
  for (let i = 0; i < n; i++) {
    const g = gate[i];
    const sg = sigmoid(g);
    const silu = g * sg;
    const d = dout[i];
    dup[i] = d * silu;
    dgate[i] = d * up[i] * sg * (1 + g * (1 - sg));
  }
};

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function geluValue(x: number, kind: GeluKind): number {
  if (kind === "erf") return 0.5 * x * (1 + erf(x / Math.SQRT2));
  if (kind === "tanh") return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
  return x * sigmoid(1.702 * x);
}

export function geluDerivative(x: number, kind: GeluKind): number {
  if (kind === "erf") return 0.5 * (1 + erf(x / Math.SQRT2)) + x * Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
  if (kind === "tanh") {
    const t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
  }
  const s = sigmoid(1.702 * x);
  return s + 1.702 * x * s * (1 - s);
}

export const geluForward: KernelFns["geluForward"] = (x, y, n, kind) => {
  for (let i = 0; i < n; i++) y[i] = geluValue(x[i], kind);
};

export const geluBackward: KernelFns["geluBackward"] = (x, dy, dx, n, kind) => {
  for (let i = 0; i < n; i++) dx[i] = dy[i] * geluDerivative(x[i], kind);
};
