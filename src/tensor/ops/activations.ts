// Activations: SwiGLU (silu(gate)·up, the LLaMA MLP), SiLU, and the GELU family (erf, tanh, quick_gelu).
import { kernels } from "../../backend/index.ts";
import type { GeluKind } from "../../backend/kernels.ts";

export type { GeluKind };

import { record } from "../autograd.ts";
import { hostF32 } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";

export function swiglu(gate: Tensor, up: Tensor): Tensor {
  if (gate.shape.join() !== up.shape.join()) throw new Error(`swiglu: [${gate.shape}] vs [${up.shape}]`);
  const k = kernels();
  const gv = hostF32(gate);
  const uv = hostF32(up);
  const out = new Float32Array(gv.length);
  k.swigluForward(gv, uv, out, gv.length);
  return record("swiglu", opResult(out, gate.shape), [gate, up], () => (g) => {
    const dg = new Float32Array(gv.length);
    const du = new Float32Array(uv.length);
    k.swigluBackward(gv, uv, g, dg, du, gv.length);
    return [dg, du];
  });
}

let onesCache = new Float32Array(0);

/** silu(x) = x·σ(x), as SwiGLU with up = 1. */
export function silu(x: Tensor): Tensor {
  if (onesCache.length < x.size) onesCache = new Float32Array(x.size).fill(1);
  const k = kernels();
  const xv = hostF32(x);
  const ones = onesCache.subarray(0, x.size);
  const out = new Float32Array(xv.length);
  k.swigluForward(xv, ones, out, xv.length);
  return record("silu", opResult(out, x.shape), [x], () => (g) => {
    const dx = new Float32Array(xv.length);
    k.swigluBackward(xv, ones, g, dx, new Float32Array(xv.length), xv.length);
    return [dx];
  });
}

export function gelu(x: Tensor, kind: GeluKind = "erf"): Tensor {
  const k = kernels();
  const xv = hostF32(x);
  const out = new Float32Array(xv.length);
  k.geluForward(xv, out, xv.length, kind);
  return record(`gelu_${kind}`, opResult(out, x.shape), [x], () => (g) => {
    const dx = new Float32Array(xv.length);
    k.geluBackward(xv, g, dx, xv.length, kind);
    return [dx];
  });
}
