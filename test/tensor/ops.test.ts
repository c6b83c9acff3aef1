// Every op: forward against an independent float64 reference, gradients against finite differences.
import assert from "node:assert/strict";
import * as T from "../../src/tensor/index.ts";
import { IGNORE_INDEX } from "../../src/tensor/ops/loss.ts";
import { testEachBackend } from "./backends.ts";
import { gradcheck, randTensor } from "./gradcheck.ts";

const rng = () => new T.Rng(1234);

/** Float64 broadcast read: value of `x` (shape xs) at the multi-index of flat k in shape out. */
function bcast(x: Float64Array, xs: number[], out: number[], k: number): number {
  let idx = 0;
  let stride = 1;
  let rem = k;
  const off = out.length - xs.length;
  const pos: number[] = new Array(out.length);
  for (let i = out.length - 1; i >= 0; i--) {
    pos[i] = rem % out[i];
    rem = Math.floor(rem / out[i]);
  }
  for (let i = xs.length - 1; i >= 0; i--) {
    if (xs[i] !== 1) idx += pos[i + off] * stride;
    stride *= xs[i];
  }
  return x[idx];
}

function binaryRef(f: (a: number, b: number) => number, as: number[], bs: number[], out: number[]) {
  return ([a, b]: Float64Array[]) => {
    const n = out.reduce((p, d) => p * d, 1);
    const y = new Float64Array(n);
    for (let k = 0; k < n; k++) y[k] = f(bcast(a, as, out, k), bcast(b, bs, out, k));
    return y;
  };
}

for (const [name, op, f] of [
  ["add", T.add, (a: number, b: number) => a + b],
  ["sub", T.sub, (a: number, b: number) => a - b],
  ["mul", T.mul, (a: number, b: number) => a * b],
] as const)
  testEachBackend(`${name} with broadcasting`, () => {
    const r = rng();
    for (const [as, bs, out] of [
      [
        [3, 4],
        [3, 4],
        [3, 4],
      ],
      [[2, 3, 4], [4], [2, 3, 4]],
      [
        [2, 1, 4],
        [3, 1],
        [2, 3, 4],
      ],
      [[1], [5, 2], [5, 2]],
    ])
      gradcheck((x) => op(x[0], x[1]), binaryRef(f, as, bs, out), [randTensor(r, as), randTensor(r, bs)]);
  });

testEachBackend("div with broadcasting", () => {
  const r = rng();
  const b = randTensor(r, [1, 4]);
  b.writeF32(b.readF32().map((v) => 1 + Math.abs(v)));
  gradcheck(
    (x) => T.div(x[0], x[1]),
    binaryRef((p, q) => p / q, [3, 4], [1, 4], [3, 4]),
    [randTensor(r, [3, 4]), b],
  );
});

testEachBackend("scale, sum and mean", () => {
  const r = rng();
  gradcheck(
    (x) => T.scale(x[0], -2.5),
    ([a]) => a.map((v) => v * -2.5),
    [randTensor(r, [7])],
  );
  gradcheck(
    (x) => T.sum(x[0]),
    ([a]) => Float64Array.of(a.reduce((p, v) => p + v, 0)),
    [randTensor(r, [3, 5])],
  );
  gradcheck(
    (x) => T.mean(x[0], 1),
    ([a]) => {
      const y = new Float64Array(2 * 4);
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) y[i * 4 + k] += a[(i * 3 + j) * 4 + k] / 3;
      return y;
    },
    [randTensor(r, [2, 3, 4])],
  );
  assert.deepEqual(T.sum(randTensor(r, [2, 3, 4]), -1, true).shape, [2, 3, 1]);
});

function matmulRef(M: number, K: number, N: number, batch: number, shared: boolean) {
  return ([a, b]: Float64Array[]) => {
    const y = new Float64Array(batch * M * N);
    for (let t = 0; t < batch; t++)
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let p = 0; p < K; p++) s += a[t * M * K + i * K + p] * b[(shared ? 0 : t * K * N) + p * N + j];
          y[t * M * N + i * N + j] = s;
        }
    return y;
  };
}

testEachBackend("matmul (batched and shared right operand)", () => {
  const r = rng();
  gradcheck((x) => T.matmul(x[0], x[1]), matmulRef(5, 7, 3, 1, true), [
    randTensor(r, [5, 7]),
    randTensor(r, [7, 3]),
  ]);
  gradcheck((x) => T.matmul(x[0], x[1]), matmulRef(4, 3, 6, 2, false), [
    randTensor(r, [2, 4, 3]),
    randTensor(r, [2, 3, 6]),
  ]);
  gradcheck((x) => T.matmul(x[0], x[1]), matmulRef(4, 3, 6, 3, true), [
    randTensor(r, [3, 4, 3]),
    randTensor(r, [3, 6]),
  ]);
});

function linearRef(rows: number, inF: number, outF: number, bias: boolean) {
  return ([x, w, b]: Float64Array[]) => {
    const y = new Float64Array(rows * outF);
    for (let i = 0; i < rows; i++)
      for (let o = 0; o < outF; o++) {
        let s = bias ? b[o] : 0;
        for (let p = 0; p < inF; p++) s += x[i * inF + p] * w[o * inF + p];
        y[i * outF + o] = s;
      }
    return y;
  };
}

testEachBackend("linear with and without bias; a frozen weight gets no gradient", () => {
  const r = rng();
  gradcheck((x) => T.linear(x[0], x[1], x[2]), linearRef(6, 5, 4, true), [
    randTensor(r, [2, 3, 5]),
    randTensor(r, [4, 5]),
    randTensor(r, [4]),
  ]);
  const frozen = randTensor(r, [4, 5], 1, false);
  gradcheck((x) => T.linear(x[0], x[1]), linearRef(3, 5, 4, false), [randTensor(r, [3, 5]), frozen]);
  assert.equal(frozen.grad, null);
});

testEachBackend("linear with a bf16-stored frozen weight equals f32 of the rounded weight", async () => {
  const { f32ToHalf, halfToF32 } = await import("../../src/backend/half.ts");
  const r = rng();
  const w = randTensor(r, [6, 9], 1, false);
  for (const dtype of ["bf16", "f16"] as const) {
    const half = new T.Tensor(f32ToHalf(w.readF32(), dtype), w.shape, dtype);
    const rounded = new T.Tensor(halfToF32(half.readStored() as Uint16Array, dtype), w.shape);
    const x = randTensor(r, [4, 9]);
    gradcheck((xs) => T.linear(xs[0], half), linearRef(4, 9, 6, false), [x, rounded]);
    rounded.requiresGrad = false;
  }
});

testEachBackend("embedding: lookup with repeated ids scatter-adds", () => {
  const r = rng();
  const ids = [3, 0, 3, 2];
  gradcheck(
    (x) => T.embedding(x[0], ids, [2, 2]),
    ([t]) => {
      const y = new Float64Array(4 * 5);
      ids.forEach((id, i) => {
        for (let c = 0; c < 5; c++) y[i * 5 + c] = t[id * 5 + c];
      });
      return y;
    },
    [randTensor(r, [4, 5])],
  );
  assert.throws(() => T.embedding(randTensor(r, [4, 5]), [4]), /outside the vocabulary/);
});

function rmsRef(rows: number, cols: number, eps: number) {
  return ([x, w]: Float64Array[]) => {
    const y = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      let ss = 0;
      for (let c = 0; c < cols; c++) ss += x[i * cols + c] ** 2;
      const rs = 1 / Math.sqrt(ss / cols + eps);
      for (let c = 0; c < cols; c++) y[i * cols + c] = x[i * cols + c] * rs * w[c];
    }
    return y;
  };
}

function lnRef(rows: number, cols: number, eps: number) {
  return ([x, w, b]: Float64Array[]) => {
    const y = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      let mu = 0;
      for (let c = 0; c < cols; c++) mu += x[i * cols + c] / cols;
      let v = 0;
      for (let c = 0; c < cols; c++) v += (x[i * cols + c] - mu) ** 2 / cols;
      for (let c = 0; c < cols; c++)
        y[i * cols + c] = ((x[i * cols + c] - mu) / Math.sqrt(v + eps)) * w[c] + b[c];
    }
    return y;
  };
}

testEachBackend("rmsNorm and layerNorm", () => {
  const r = rng();
  gradcheck((x) => T.rmsNorm(x[0], x[1], 1e-6), rmsRef(6, 7, 1e-6), [
    randTensor(r, [2, 3, 7]),
    randTensor(r, [7]),
  ]);
  gradcheck((x) => T.layerNorm(x[0], x[1], x[2], 1e-5), lnRef(5, 9, 1e-5), [
    randTensor(r, [5, 9]),
    randTensor(r, [9]),
    randTensor(r, [9]),
  ]);
});

function softmaxRows(x: Float64Array, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) m = Math.max(m, x[i * cols + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[i * cols + c] - m);
    for (let c = 0; c < cols; c++) y[i * cols + c] = Math.exp(x[i * cols + c] - m) / s;
  }
  return y;
}

testEachBackend("softmax", () => {
  gradcheck(
    (x) => T.softmax(x[0]),
    ([x]) => softmaxRows(x, 4, 6),
    [randTensor(rng(), [4, 6], 2)],
  );
});

interface AttnCase {
  B: number;
  Tq: number;
  Tk: number;
  Hq: number;
  Hkv: number;
  D: number;
  causal: boolean;
  keyMask: Uint8Array | null;
}

function attentionRef(c: AttnCase) {
  const { B, Tq, Tk, Hq, Hkv, D } = c;
  const qOffset = Tk - Tq;
  return ([q, k, v]: Float64Array[]) => {
    const o = new Float64Array(B * Tq * Hq * D);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < Hq; h++) {
        const kh = Math.floor((h * Hkv) / Hq);
        for (let i = 0; i < Tq; i++) {
          const scores: number[] = [];
          for (let j = 0; j < Tk; j++) {
            const masked =
              (c.causal && j > qOffset + i) || (c.keyMask !== null && c.keyMask[b * Tk + j] === 0);
            let s = 0;
            for (let d = 0; d < D; d++)
              s += q[((b * Tq + i) * Hq + h) * D + d] * k[((b * Tk + j) * Hkv + kh) * D + d];
            scores.push(masked ? Number.NEGATIVE_INFINITY : s / Math.sqrt(D));
          }
          const m = Math.max(...scores);
          if (m === Number.NEGATIVE_INFINITY) continue;
          const e = scores.map((s) => Math.exp(s - m));
          const z = e.reduce((p, x) => p + x, 0);
          for (let j = 0; j < Tk; j++)
            for (let d = 0; d < D; d++)
              o[((b * Tq + i) * Hq + h) * D + d] += (e[j] / z) * v[((b * Tk + j) * Hkv + kh) * D + d];
        }
      }
    return o;
  };
}

testEachBackend("attention: causal, GQA, key padding, cached-decoding offset, fully masked rows", () => {
  const r = rng();
  const cases: AttnCase[] = [
    { B: 2, Tq: 5, Tk: 5, Hq: 2, Hkv: 2, D: 4, causal: true, keyMask: null },
    { B: 1, Tq: 6, Tk: 6, Hq: 4, Hkv: 2, D: 3, causal: true, keyMask: null },
    {
      B: 2,
      Tq: 4,
      Tk: 4,
      Hq: 2,
      Hkv: 1,
      D: 4,
      causal: false,
      keyMask: Uint8Array.from([1, 1, 1, 0, 0, 1, 1, 1]),
    },
    {
      B: 2,
      Tq: 2,
      Tk: 5,
      Hq: 3,
      Hkv: 1,
      D: 2,
      causal: true,
      keyMask: Uint8Array.from([0, 0, 1, 1, 1, 1, 1, 1, 1, 1]),
    },
    // Row 0 of batch 0 sees only padding: its output must be exactly zero, not NaN.
    { B: 1, Tq: 3, Tk: 3, Hq: 1, Hkv: 1, D: 2, causal: true, keyMask: Uint8Array.from([0, 1, 1]) },
  ];
  for (const c of cases) {
    const q = randTensor(r, [c.B, c.Tq, c.Hq, c.D]);
    const k = randTensor(r, [c.B, c.Tk, c.Hkv, c.D]);
    const v = randTensor(r, [c.B, c.Tk, c.Hkv, c.D]);
    gradcheck(
      (x) => T.attention(x[0], x[1], x[2], { causal: c.causal, keyMask: c.keyMask }),
      attentionRef(c),
      [q, k, v],
    );
  }
});

testEachBackend("rope in the rotate-half convention", () => {
  const r = rng();
  const [B, Tn, H, D] = [2, 3, 2, 6];
  const half = D / 2;
  const cos = new Float32Array(B * Tn * half);
  const sin = new Float32Array(B * Tn * half);
  for (let n = 0; n < B * Tn; n++)
    for (let i = 0; i < half; i++) {
      const angle = (n % Tn) * 10000 ** ((-2 * i) / D);
      cos[n * half + i] = Math.cos(angle);
      sin[n * half + i] = Math.sin(angle);
    }
  gradcheck(
    (x) => T.rope(x[0], cos, sin),
    ([x]) => {
      const y = new Float64Array(x.length);
      for (let n = 0; n < B * Tn; n++)
        for (let h = 0; h < H; h++)
          for (let d = 0; d < D; d++) {
            const o = (n * H + h) * D;
            const i = d % half;
            const rot = d < half ? -x[o + d + half] : x[o + d - half];
            y[o + d] = x[o + d] * cos[n * half + i] + rot * sin[n * half + i];
          }
      return y;
    },
    [randTensor(r, [B, Tn, H, D])],
  );
});

const sig = (z: number) => 1 / (1 + Math.exp(-z));

testEachBackend("silu, swiglu and the GELU family", async () => {
  const { erf } = await import("../../src/backend/ts/erf.ts");
  const r = rng();
  gradcheck(
    (x) => T.silu(x[0]),
    ([x]) => x.map((v) => v * sig(v)),
    [randTensor(r, [11], 2)],
  );
  gradcheck(
    (x) => T.swiglu(x[0], x[1]),
    ([g, u]) => g.map((v, i) => v * sig(v) * u[i]),
    [randTensor(r, [3, 5], 2), randTensor(r, [3, 5])],
  );
  const refs = {
    erf: (v: number) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
    tanh: (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    quick: (v: number) => v * sig(1.702 * v),
  };
  for (const kind of ["erf", "tanh", "quick"] as const)
    gradcheck(
      (x) => T.gelu(x[0], kind),
      ([x]) => x.map(refs[kind]),
      [randTensor(r, [13], 2)],
    );
  // erf itself against known values (Abramowitz & Stegun table).
  assert.ok(Math.abs(erf(0.5) - 0.5204998778130465) < 1e-15);
  assert.ok(Math.abs(erf(2.7) - 0.9998656672600594) < 1e-15);
  assert.ok(Math.abs(erf(-1.2) + 0.9103139782296353) < 1e-15);
});

testEachBackend("shape ops: reshape, permute, transpose, concat, slice, indexSelect", () => {
  const r = rng();
  gradcheck(
    (x) => T.reshape(x[0], [3, -1]),
    ([x]) => x.slice(),
    [randTensor(r, [2, 3, 2])],
  );
  gradcheck(
    (x) => T.permute(x[0], [2, 0, 1]),
    ([x]) => {
      const y = new Float64Array(24);
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 3; b++)
          for (let c = 0; c < 4; c++) y[(c * 2 + a) * 3 + b] = x[(a * 3 + b) * 4 + c];
      return y;
    },
    [randTensor(r, [2, 3, 4])],
  );
  gradcheck(
    (x) => T.transpose(x[0], 0, 1),
    ([x]) => {
      const y = new Float64Array(6);
      for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) y[b * 2 + a] = x[a * 3 + b];
      return y;
    },
    [randTensor(r, [2, 3])],
  );
  gradcheck(
    (x) => T.concat([x[0], x[1]], 1),
    ([a, b]) => {
      const y = new Float64Array(2 * 5 * 2);
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 5; j++)
          for (let k = 0; k < 2; k++)
            y[(i * 5 + j) * 2 + k] = j < 2 ? a[(i * 2 + j) * 2 + k] : b[(i * 3 + j - 2) * 2 + k];
      return y;
    },
    [randTensor(r, [2, 2, 2]), randTensor(r, [2, 3, 2])],
  );
  gradcheck(
    (x) => T.slice(x[0], 1, 1, 3),
    ([x]) => {
      const y = new Float64Array(2 * 2 * 3);
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++)
          for (let k = 0; k < 3; k++) y[(i * 2 + j) * 3 + k] = x[(i * 4 + j + 1) * 3 + k];
      return y;
    },
    [randTensor(r, [2, 4, 3])],
  );
  const idx = [2, 0, 2];
  gradcheck(
    (x) => T.indexSelect(x[0], 0, idx),
    ([x]) => {
      const y = new Float64Array(3 * 2);
      idx.forEach((id, i) => {
        y[i * 2] = x[id * 2];
        y[i * 2 + 1] = x[id * 2 + 1];
      });
      return y;
    },
    [randTensor(r, [3, 2])],
  );
});

function ceRef(rows: number, V: number, labels: Int32Array, reduction: "mean" | "sum") {
  return ([x]: Float64Array[]) => {
    let total = 0;
    let count = 0;
    for (let i = 0; i < rows; i++) {
      if (labels[i] === IGNORE_INDEX) continue;
      let m = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < V; c++) m = Math.max(m, x[i * V + c]);
      let s = 0;
      for (let c = 0; c < V; c++) s += Math.exp(x[i * V + c] - m);
      total += m + Math.log(s) - x[i * V + labels[i]];
      count++;
    }
    return Float64Array.of(reduction === "sum" ? total : total / Math.max(count, 1));
  };
}

testEachBackend("crossEntropy with ignore_index, mean and sum, in-place gradient", () => {
  const r = rng();
  const labels = Int32Array.from([3, IGNORE_INDEX, 0, 6, IGNORE_INDEX]);
  for (const reduction of ["mean", "sum"] as const)
    gradcheck((x) => T.crossEntropy(x[0], labels, { reduction }), ceRef(5, 7, labels, reduction), [
      randTensor(r, [5, 7], 3),
    ]);
  const allIgnored = T.crossEntropy(randTensor(r, [2, 3]), Int32Array.from([IGNORE_INDEX, IGNORE_INDEX]));
  assert.equal(allIgnored.item(), 0);
  assert.throws(() => T.crossEntropy(randTensor(r, [1, 3]), Int32Array.from([3])), /outside/);
});

testEachBackend(
  "linearCrossEntropy = crossEntropy(linear(x, W)) over several row blocks, half-stored W",
  async () => {
    const { f32ToHalf } = await import("../../src/backend/half.ts");
    const r = rng();
    const [N, H, V] = [300, 3, 5];
    const labels = Int32Array.from({ length: N }, (_, i) => (i % 7 === 0 ? IGNORE_INDEX : r.int(V)));
    const ref = ([x, w]: Float64Array[]) => {
      const logits = new Float64Array(N * V);
      for (let i = 0; i < N; i++)
        for (let v = 0; v < V; v++)
          for (let h = 0; h < H; h++) logits[i * V + v] += x[i * H + h] * w[v * H + h];
      return ceRef(N, V, labels, "mean")([logits]);
    };
    gradcheck((x) => T.linearCrossEntropy(x[0], x[1], labels), ref, [
      randTensor(r, [N, H]),
      randTensor(r, [V, H]),
    ]);
    const w = randTensor(r, [V, H], 1, false);
    const half = new T.Tensor(f32ToHalf(w.readF32(), "bf16"), w.shape, "bf16");
    const x = randTensor(r, [N, H]);
    const fused = T.linearCrossEntropy(x, half, labels).item();
    const plain = T.crossEntropy(T.linear(x, half), labels).item();
    assert.ok(Math.abs(fused - plain) < 1e-6, `${fused} vs ${plain}`);
  },
);

testEachBackend("dropout keeps the expected fraction, scales by 1/(1-p), same seed same mask", () => {
  const x = T.full([10000], 1);
  x.requiresGrad = true;
  const y = T.dropout(x, 0.25, new T.Rng(5));
  const kept = y.readF32().filter((v) => v !== 0);
  assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02);
  assert.ok(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6));
  assert.deepEqual(T.dropout(x, 0.25, new T.Rng(5)).readF32(), y.readF32());
  T.backward(T.sum(y));
  assert.deepEqual(x.grad, y.readF32());
  assert.equal(T.dropout(x, 0.25, new T.Rng(5), false), x);
});
