// Fused normalisations over the last axis: RMSNorm (HF LlamaRMSNorm) and LayerNorm (CLIP).
import { kernels } from "../../backend/index.ts";
import { gradBuffer, record } from "../autograd.ts";
import { hostF32 } from "../storage.ts";
import { opResult, type Tensor } from "../tensor.ts";

function rowsOf(x: Tensor, w: Tensor, op: string): [number, number] {
  const cols = x.shape[x.ndim - 1];
  if (w.ndim !== 1 || w.shape[0] !== cols)
    throw new Error(`${op}: weight [${w.shape}] for input [${x.shape}]`);
  return [x.size / cols, cols];
}

export function rmsNorm(x: Tensor, w: Tensor, eps: number): Tensor {
  const [rows, cols] = rowsOf(x, w, "rmsNorm");
  const k = kernels();
  const xv = hostF32(x);
  const wv = hostF32(w);
  const y = new Float32Array(xv.length);
  const rstd = new Float32Array(rows);
  k.rmsNormForward(xv, wv, y, rstd, rows, cols, eps);
  return record(
    "rmsNorm",
    opResult(y, x.shape),
    [x, w],
    () => (g) => {
      const gx = new Float32Array(xv.length);
      const gw = w.requiresGrad ? gradBuffer(w) : null;
      k.rmsNormBackward(g, xv, wv, rstd, gx, gw, rows, cols);
      return [x.requiresGrad ? gx : null, gw];
    },
    { saved: [rstd] },
  );
}

export function layerNorm(x: Tensor, w: Tensor, b: Tensor, eps: number): Tensor {
  const [rows, cols] = rowsOf(x, w, "layerNorm");
  if (b.ndim !== 1 || b.shape[0] !== cols)
    throw new Error(`layerNorm: bias [${b.shape}] for input [${x.shape}]`);
  const k = kernels();
  const xv = hostF32(x);
  const wv = hostF32(w);
  const y = new Float32Array(xv.length);
  const mean = new Float32Array(rows);
  const rstd = new Float32Array(rows);
  k.layerNormForward(xv, wv, hostF32(b), y, mean, rstd, rows, cols, eps);
  return record(
    "layerNorm",
    opResult(y, x.shape),
    [x, w, b],
    () => (g) => {
      const gx = new Float32Array(xv.length);
      const gw = w.requiresGrad ? gradBuffer(w) : null;
      const gb = b.requiresGrad ? gradBuffer(b) : null;
      k.layerNormBackward(g, xv, wv, mean, rstd, gx, gw, gb, rows, cols);
      return [x.requiresGrad ? gx : null, gw, gb];
    },
    { saved: [mean, rstd] },
  );
}

/** Softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  const cols = x.shape[x.ndim - 1];
  const rows = x.size / cols;
  const k = kernels();
  const y = new Float32Array(x.size);
  k.softmaxForward(hostF32(x), y, rows, cols);
  return record("softmax", opResult(y, x.shape), [x], () => (g) => {
    const gx = new Float32Array(g.length);
    k.softmaxBackward(g, y, gx, rows, cols);
    return [gx];
  });
}
