// RMSNorm, LayerNorm and row softmax: forward against float64 references, backward against finite
// differences of those references (weight gradients accumulate into what the buffers held).
import { assertClose, assertGradient, type OpCase, rand, weighted } from "./harness.ts";

type Rows = [rows: number, cols: number];
const SHAPES: Rows[] = [
  [0, 7],
  [1, 1],
  [7, 257],
  [64, 520],
  [3, 4099],
];

function rmsRef(x: ArrayLike<number>, w: ArrayLike<number>, rows: number, cols: number, eps: number) {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let c = 0; c < cols; c++) ss += x[r * cols + c] ** 2;
    const rs = 1 / Math.sqrt(ss / cols + eps);
    for (let c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c] * rs * w[c];
  }
  return y;
}

function lnRef(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  rows: number,
  cols: number,
  eps: number,
) {
  const y = new Float64Array(rows * cols);
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mu = 0;
    for (let c = 0; c < cols; c++) mu += x[r * cols + c] / cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[r * cols + c] - mu) ** 2 / cols;
    mean[r] = mu;
    rstd[r] = 1 / Math.sqrt(v + eps);
    for (let c = 0; c < cols; c++) y[r * cols + c] = (x[r * cols + c] - mu) * rstd[r] * w[c] + b[c];
  }
  return { y, mean, rstd };
}

function softmaxRef(x: ArrayLike<number>, rows: number, cols: number) {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[r * cols + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[r * cols + c] - m);
    for (let c = 0; c < cols; c++) y[r * cols + c] = Math.exp(x[r * cols + c] - m) / s;
  }
  return y;
}

const rmsCase = ([rows, cols]: Rows): OpCase => ({
  kernels: ["rmsNormForward", "rmsNormBackward"],
  name: `rmsNorm ${rows}x${cols}`,
  run(k) {
    const n = rows * cols;
    const eps = 1e-6;
    const x = rand(n, rows + 1, -2, 2);
    const w = rand(cols, 2);
    const y = new Float32Array(n);
    const rstd = new Float32Array(rows);
    k.rmsNormForward(x, w, y, rstd, rows, cols, eps);
    assertClose(y, rmsRef(x, w, rows, cols, eps), 1e-6, 1e-5, `${this.name} y`);
    const dy = rand(n, 4);
    const dx = new Float32Array(n).fill(Number.NaN);
    const dw0 = rand(cols, 5);
    const dw = dw0.slice();
    k.rmsNormBackward(dy, x, w, rstd, dx, dw, rows, cols);
    assertGradient(dx, (xs) => weighted(dy, rmsRef(xs, w, rows, cols, eps)), x, `${this.name} dx`);
    const added = dw.map((v, i) => v - dw0[i]);
    assertGradient(added, (ws) => weighted(dy, rmsRef(x, ws, rows, cols, eps)), w, `${this.name} dw`, 1e-3);
    const dxOnly = new Float32Array(n);
    k.rmsNormBackward(dy, x, w, rstd, dxOnly, null, rows, cols);
    assertClose(dxOnly, dx, 0, 0, `${this.name} dx without dw`);
  },
});

const lnCase = ([rows, cols]: Rows): OpCase => ({
  kernels: ["layerNormForward", "layerNormBackward"],
  name: `layerNorm ${rows}x${cols}`,
  run(k) {
    const n = rows * cols;
    const eps = 1e-5;
    const x = rand(n, rows + 7, -2, 2);
    const [w, b] = [rand(cols, 2), rand(cols, 3)];
    const y = new Float32Array(n);
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    k.layerNormForward(x, w, b, y, mean, rstd, rows, cols, eps);
    const ref = lnRef(x, w, b, rows, cols, eps);
    assertClose(y, ref.y, 1e-5, 1e-4, `${this.name} y`);
    assertClose(mean, ref.mean, 1e-6, 1e-4, `${this.name} mean`);
    assertClose(rstd, ref.rstd, 1e-6, 1e-4, `${this.name} rstd`);
    const dy = rand(n, 4);
    const dx = new Float32Array(n);
    const [dw0, db0] = [rand(cols, 5), rand(cols, 6)];
    const [dw, db] = [dw0.slice(), db0.slice()];
    k.layerNormBackward(dy, x, w, mean, rstd, dx, dw, db, rows, cols);
    const loss = (xs: ArrayLike<number>, ws: ArrayLike<number>, bs: ArrayLike<number>) =>
      weighted(dy, lnRef(xs, ws, bs, rows, cols, eps).y);
    assertGradient(dx, (xs) => loss(xs, w, b), x, `${this.name} dx`);
    assertGradient(
      dw.map((v, i) => v - dw0[i]),
      (ws) => loss(x, ws, b),
      w,
      `${this.name} dw`,
      1e-3,
    );
    assertGradient(
      db.map((v, i) => v - db0[i]),
      (bs) => loss(x, w, bs),
      b,
      `${this.name} db`,
      1e-3,
    );
  },
});

const softmaxCase = ([rows, cols]: Rows): OpCase => ({
  kernels: ["softmaxForward", "softmaxBackward"],
  name: `softmax ${rows}x${cols}`,
  run(k) {
    const n = rows * cols;
    const x = rand(n, cols, -8, 8);
    const y = new Float32Array(n);
    k.softmaxForward(x, y, rows, cols);
    assertClose(y, softmaxRef(x, rows, cols), 1e-7, 1e-5, `${this.name} y`);
    const dy = rand(n, 9);
    const dx = new Float32Array(n);
    k.softmaxBackward(dy, y, dx, rows, cols);
    assertGradient(dx, (xs) => weighted(dy, softmaxRef(xs, rows, cols)), x, `${this.name} dx`, 1e-5);
    // A −Infinity score gets probability 0 and the rest of its row stays finite.
    if (n > 1) {
      x[1] = Number.NEGATIVE_INFINITY;
      k.softmaxForward(x, y, rows, cols);
      assertClose(y, softmaxRef(x, rows, cols), 1e-7, 1e-5, `${this.name} y with −Infinity`);
    }
  },
});

export const NORM_CASES: OpCase[] = [
  ...SHAPES.map(rmsCase),
  ...SHAPES.map(lnCase),
  ...SHAPES.map(softmaxCase),
];
