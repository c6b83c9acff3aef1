// Reference RMSNorm (HF LlamaRMSNorm), LayerNorm (biased variance) and row softmax, forward and backward.
import type { KernelFns } from "../kernels.ts";

export const rmsNormForward: KernelFns["rmsNormForward"] = (x, w, y, rstd, rows, cols, eps) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let ss = 0;
    for (let c = 0; c < cols; c++) ss += x[o + c] * x[o + c];
    const rs = Math.fround(1 / Math.sqrt(ss / cols + eps));
    rstd[r] = rs;
    // HF normalises first (in f32), then multiplies by the weight.
    for (let c = 0; c < cols; c++) y[o + c] = Math.fround(x[o + c] * rs) * w[c];
  }
};

export const rmsNormBackward: KernelFns["rmsNormBackward"] = (dy, x, w, rstd, dx, dw, rows, cols) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const rs = rstd[r];
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[o + c] * w[c] * x[o + c] * rs;
    const k = dot / cols;
    for (let c = 0; c < cols; c++) {
      const xhat = x[o + c] * rs;
      dx[o + c] = rs * (dy[o + c] * w[c] - xhat * k);
      if (dw) dw[c] += dy[o + c] * xhat;
    }
  }
};

export const layerNormForward: KernelFns["layerNormForward"] = (x, w, b, y, mean, rstd, rows, cols, eps) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += x[o + c];
    const mu = s / cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[o + c] - mu) ** 2;
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let c = 0; c < cols; c++) y[o + c] = (x[o + c] - mu) * rs * w[c] + b[c];
  }
};

export const layerNormBackward: KernelFns["layerNormBackward"] = (
  dy,
  x,
  w,
  mean,
  rstd,
  dx,
  dw,
  db,
  rows,
  cols,
) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const mu = mean[r];
    const rs = rstd[r];
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < cols; c++) {
      const g = dy[o + c] * w[c];
      sg += g;
      sgx += g * (x[o + c] - mu) * rs;
    }
    sg /= cols;
    sgx /= cols;
    for (let c = 0; c < cols; c++) {
      const xhat = (x[o + c] - mu) * rs;
      dx[o + c] = rs * (dy[o + c] * w[c] - sg - xhat * sgx);
      if (dw) dw[c] += dy[o + c] * xhat;
      if (db) db[c] += dy[o + c];
    }
  }
};

export const softmaxForward: KernelFns["softmaxForward"] = (x, y, rows, cols) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) if (x[o + c] > m) m = x[o + c];
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(x[o + c] - m);
      y[o + c] = e;
      s += e;
    }
    for (let c = 0; c < cols; c++) y[o + c] /= s;
  }
};

export const softmaxBackward: KernelFns["softmaxBackward"] = (dy, y, dx, rows, cols) => {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) s += dy[o + c] * y[o + c];
    for (let c = 0; c < cols; c++) dx[o + c] = y[o + c] * (dy[o + c] - s);
  }
};
