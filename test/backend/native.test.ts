// The native kernels must agree with the TypeScript reference on awkward shapes, every GEMM layout and
// storage type, one and several threads. This file fails (never skips) when the addon cannot load.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { f32ToHalf } from "../../src/backend/half.ts";
import type { AttentionShape, GeluKind, Kernels } from "../../src/backend/kernels.ts";
import { loadNativeKernels, nativeIsa } from "../../src/backend/native.ts";
import { tsKernels as ref } from "../../src/backend/ts/index.ts";

let cached: Kernels | undefined;
function native(): Kernels {
  cached ??= loadNativeKernels();
  return cached;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rand(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** Asserts |a − e| <= atol + rtol·|e| elementwise; NaN and ±Inf must match exactly. */
function close(actual: Float32Array, expected: Float32Array, what: string, rtol = 1e-5, atol = 1e-6): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      assert.ok(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `${what}[${i}]: ${a} vs ${e}`);
      continue;
    }
    const err = Math.abs(a - e);
    if (!(err <= atol + rtol * Math.abs(e)))
      assert.fail(`${what}[${i}]: native ${a} vs reference ${e} (err ${err})`);
  }
}

function withThreads(n: number, fn: () => void): void {
  const k = native();
  const before = k.threads();
  k.setThreads(n);
  try {
    fn();
  } finally {
    k.setThreads(before);
  }
}

const THREADS = [1, 2];

test("the addon loads and reports its threads", () => {
  const k = native();
  assert.equal(k.name, "native");
  assert.ok(k.threads() >= 1);
  withThreads(3, () => assert.equal(k.threads(), 3));
});

type GemmCase = [M: number, K: number, N: number];
const GEMM_SHAPES: GemmCase[] = [
  [1, 1, 1],
  [7, 33, 257],
  [257, 7, 33],
  [33, 257, 7],
  [15, 300, 33],
  [5, 0, 3],
  [600, 100, 50],
  [300, 520, 130],
  // K beyond one cache block (kc) and N beyond one column block (nc), so blocks accumulate into C.
  [3, 1030, 2100],
];

function gemmCase(
  [M, K, N]: GemmCase,
  ta: boolean,
  tb: boolean,
  opts: { pad: number; beta: number; dtype: "f32" | "bf16" | "f16"; offset: number; seed: number },
): void {
  const { pad, beta, dtype, offset, seed } = opts;
  const lda = (ta ? M : K) + pad;
  const ldb = (tb ? K : N) + pad;
  const ldc = N + pad;
  const aRows = ta ? K : M;
  const bRows = tb ? N : K;
  // A lives at an offset inside a bigger buffer, so byteOffset != 0 is exercised.
  const A = rand(aRows * lda + offset, seed).subarray(offset);
  const b32 = rand(bRows * ldb, seed + 1);
  const B = dtype === "f32" ? b32 : f32ToHalf(b32, dtype);
  const C0 = beta === 0 ? new Float32Array(M * ldc).fill(Number.NaN) : rand(M * ldc, seed + 2);
  const cn = C0.slice();
  const cr = C0.slice();
  native().sgemm(ta, tb, M, N, K, 0.75, A, lda, B, ldb, dtype, beta, cn, ldc);
  ref.sgemm(ta, tb, M, N, K, 0.75, A, lda, B, ldb, dtype, beta, cr, ldc);
  const name = `sgemm ${M}x${K}x${N} ${ta ? "T" : "N"}${tb ? "T" : "N"} ${dtype} pad=${pad} beta=${beta}`;
  close(cn, cr, name, 1e-5, 2e-6 * (K + 1));
}

for (const threads of THREADS) {
  test(`sgemm: every shape and transposition, beta 0 and 1, threads=${threads}`, () => {
    withThreads(threads, () => {
      let seed = 1;
      for (const shape of GEMM_SHAPES)
        for (const ta of [false, true])
          for (const tb of [false, true])
            for (const [pad, beta] of [
              [0, 0],
              [3, 1],
            ])
              gemmCase(shape, ta, tb, { pad, beta, dtype: "f32", offset: 5, seed: seed++ });
    });
  });

  test(`sgemm: bf16 and f16 B, threads=${threads}`, () => {
    withThreads(threads, () => {
      let seed = 100;
      for (const dtype of ["bf16", "f16"] as const)
        for (const shape of [GEMM_SHAPES[1], GEMM_SHAPES[4], GEMM_SHAPES[7], GEMM_SHAPES[8]])
          for (const tb of [false, true])
            gemmCase(shape, seed % 2 === 0, tb, { pad: 2, beta: 0.5, dtype, offset: 3, seed: seed++ });
    });
  });
}

test("sgemm: beta 0 ignores NaN in C, non-unit beta scales it", () => {
  const C = new Float32Array(4).fill(Number.NaN);
  native().sgemm(
    false,
    false,
    2,
    2,
    1,
    1,
    new Float32Array([1, 2]),
    1,
    new Float32Array([3, 4]),
    2,
    "f32",
    0,
    C,
    2,
  );
  assert.deepEqual([...C], [3, 4, 6, 8]);
  native().sgemm(false, false, 2, 2, 0, 1, new Float32Array(0), 0, new Float32Array(0), 2, "f32", 2, C, 2);
  assert.deepEqual([...C], [6, 8, 12, 16]);
});

test("sgemm: NaN and Inf in the inputs propagate", () => {
  const A = new Float32Array([Number.NaN, 1, 1, 1]);
  const B = new Float32Array([1, 1, Number.POSITIVE_INFINITY, 1]);
  const C = new Float32Array(4);
  native().sgemm(false, false, 2, 2, 2, 1, A, 2, B, 2, "f32", 0, C, 2);
  assert.ok(Number.isNaN(C[0]) && Number.isNaN(C[1]));
  assert.equal(C[2], Number.POSITIVE_INFINITY);
  assert.equal(C[3], 2);
});

test("wrong buffer sizes and types throw instead of touching memory", () => {
  const k = native();
  const a = new Float32Array(6);
  assert.throws(
    () => k.sgemm(false, false, 2, 3, 4, 1, a, 4, new Float32Array(12), 3, "f32", 0, a, 3),
    /A has 6/,
  );
  assert.throws(() => k.sgemm(false, false, 2, 3, 3, 1, a, 2, a, 3, "f32", 0, a, 3), /stride/);
  assert.throws(
    () => k.sgemm(false, false, 1, 1, 1, 1, a, 1, new Uint16Array(1), 1, "f32", 0, a, 1),
    /Float32Array/,
  );
  assert.throws(() => k.softmaxForward(a, new Float32Array(5), 2, 3), /y has 5/);
  assert.throws(() => k.rmsNormForward(a, a, a, new Float32Array(1), 2, 3, 1e-5), /rstd/);
  const labels = new Int32Array([0, 3]);
  assert.throws(() => k.crossEntropyForward(a, labels, a, a, 2, 3, -100), /label 3 of row 1/);
});

for (const threads of THREADS) {
  test(`rmsNorm and layerNorm forward/backward, threads=${threads}`, () => {
    withThreads(threads, () => {
      for (const [rows, cols] of [
        [1, 1],
        [7, 257],
        [64, 520],
      ]) {
        const n = rows * cols;
        const x = rand(n, rows, -2, 2);
        const w = rand(cols, 2);
        const b = rand(cols, 3);
        const dy = rand(n, 4);
        const out = () => ({
          y: new Float32Array(n),
          s1: new Float32Array(rows),
          s2: new Float32Array(rows),
        });
        const [nn, rr] = [out(), out()];
        native().rmsNormForward(x, w, nn.y, nn.s1, rows, cols, 1e-6);
        ref.rmsNormForward(x, w, rr.y, rr.s1, rows, cols, 1e-6);
        close(nn.y, rr.y, "rms y", 1e-5, 1e-6);
        close(nn.s1, rr.s1, "rms rstd", 1e-5);
        const grads = () => ({ dx: new Float32Array(n), dw: rand(cols, 5), db: rand(cols, 6) });
        const [gn, gr] = [grads(), grads()];
        native().rmsNormBackward(dy, x, w, rr.s1, gn.dx, gn.dw, rows, cols);
        ref.rmsNormBackward(dy, x, w, rr.s1, gr.dx, gr.dw, rows, cols);
        close(gn.dx, gr.dx, "rms dx", 1e-4, 1e-5);
        close(gn.dw, gr.dw, "rms dw", 1e-4, 1e-5);
        native().rmsNormBackward(dy, x, w, rr.s1, gn.dx, null, rows, cols);
        close(gn.dx, gr.dx, "rms dx (no dw)", 1e-4, 1e-5);

        native().layerNormForward(x, w, b, nn.y, nn.s1, nn.s2, rows, cols, 1e-5);
        ref.layerNormForward(x, w, b, rr.y, rr.s1, rr.s2, rows, cols, 1e-5);
        close(nn.y, rr.y, "ln y", 1e-4, 1e-5);
        close(nn.s1, rr.s1, "ln mean", 1e-4, 1e-6);
        close(nn.s2, rr.s2, "ln rstd", 1e-4);
        const [hn, hr] = [grads(), grads()];
        native().layerNormBackward(dy, x, w, rr.s1, rr.s2, hn.dx, hn.dw, hn.db, rows, cols);
        ref.layerNormBackward(dy, x, w, rr.s1, rr.s2, hr.dx, hr.dw, hr.db, rows, cols);
        close(hn.dx, hr.dx, "ln dx", 1e-4, 1e-5);
        close(hn.dw, hr.dw, "ln dw", 1e-4, 1e-5);
        close(hn.db, hr.db, "ln db", 1e-4, 1e-5);
        native().layerNormBackward(dy, x, w, rr.s1, rr.s2, hn.dx, null, hn.db, rows, cols);
        close(hn.dx, hr.dx, "ln dx (no dw)", 1e-4, 1e-5);
      }
    });
  });
}

test("weight gradients are bitwise deterministic for a fixed thread count", () => {
  const [rows, cols] = [96, 300];
  const x = rand(rows * cols, 1);
  const dy = rand(rows * cols, 2);
  const w = rand(cols, 3);
  const rstd = new Float32Array(rows).fill(1.3);
  const run = () => {
    const dw = new Float32Array(cols);
    native().rmsNormBackward(dy, x, w, rstd, new Float32Array(rows * cols), dw, rows, cols);
    return dw;
  };
  assert.deepEqual(run(), run());
});

for (const threads of THREADS) {
  test(`softmax forward/backward, threads=${threads}`, () => {
    withThreads(threads, () => {
      for (const [rows, cols] of [
        [1, 1],
        [33, 257],
        [40, 1000],
      ]) {
        const n = rows * cols;
        const x = rand(n, cols, -8, 8);
        x[0] = Number.NEGATIVE_INFINITY;
        const [yn, yr] = [new Float32Array(n), new Float32Array(n)];
        native().softmaxForward(x, yn, rows, cols);
        ref.softmaxForward(x, yr, rows, cols);
        close(yn, yr, "softmax y", 1e-5, 1e-7);
        const dy = rand(n, 9);
        const [dn, dr] = [new Float32Array(n), new Float32Array(n)];
        native().softmaxBackward(dy, yr, dn, rows, cols);
        ref.softmaxBackward(dy, yr, dr, rows, cols);
        close(dn, dr, "softmax dx", 1e-4, 1e-6);
      }
    });
  });
}

function attentionCase(s: AttentionShape, seed: number): void {
  const qLen = s.B * s.Tq * s.Hq * s.D;
  const kvLen = s.B * s.Tk * s.Hkv * s.D;
  const q = rand(qLen, seed, -2, 2);
  const k = rand(kvLen, seed + 1, -2, 2);
  const v = rand(kvLen, seed + 2);
  const dO = rand(qLen, seed + 3);
  const run = (kern: Kernels) => {
    const o = new Float32Array(qLen).fill(Number.NaN);
    const lse = new Float32Array(s.B * s.Hq * s.Tq).fill(Number.NaN);
    kern.attentionForward(q, k, v, o, lse, s);
    const dq = new Float32Array(qLen).fill(Number.NaN);
    const dk = new Float32Array(kvLen).fill(Number.NaN);
    const dv = new Float32Array(kvLen).fill(Number.NaN);
    kern.attentionBackward(q, k, v, o, lse, dO, dq, dk, dv, s);
    return { o, lse, dq, dk, dv };
  };
  const a = run(native());
  const e = run(ref);
  const name = `attention B${s.B} Tq${s.Tq} Tk${s.Tk} Hq${s.Hq}/${s.Hkv} D${s.D} causal=${s.causal}@${s.qOffset}`;
  for (const key of ["o", "lse", "dq", "dk", "dv"] as const)
    close(a[key], e[key], `${name} ${key}`, 1e-4, 2e-5);
}

function paddingMask(B: number, Tk: number, padded: number[]): Uint8Array {
  const m = new Uint8Array(B * Tk).fill(1);
  for (let b = 0; b < B; b++) m.fill(0, b * Tk, b * Tk + padded[b]);
  return m;
}

for (const threads of THREADS) {
  test(`attention forward/backward: GQA, causal with qOffset, padding, threads=${threads}`, () => {
    withThreads(threads, () => {
      const base = { scale: 0.3, qOffset: 0, keyMask: null };
      attentionCase({ ...base, B: 2, Tq: 70, Tk: 70, Hq: 4, Hkv: 2, D: 16, causal: true }, 1);
      attentionCase({ ...base, B: 1, Tq: 1, Tk: 1, Hq: 1, Hkv: 1, D: 1, causal: false }, 2);
      attentionCase({ ...base, B: 2, Tq: 5, Tk: 33, Hq: 4, Hkv: 1, D: 8, causal: true, qOffset: 28 }, 3);
      attentionCase(
        {
          ...base,
          B: 2,
          Tq: 7,
          Tk: 33,
          Hq: 6,
          Hkv: 3,
          D: 8,
          causal: true,
          qOffset: 26,
          keyMask: paddingMask(2, 33, [4, 0]),
        },
        4,
      );
      attentionCase(
        {
          ...base,
          B: 2,
          Tq: 130,
          Tk: 65,
          Hq: 3,
          Hkv: 3,
          D: 24,
          causal: false,
          keyMask: paddingMask(2, 65, [0, 9]),
        },
        5,
      );
      // Rows that see no key at all (negative offset, or only padding): o = 0, lse = −Inf, zero gradients.
      attentionCase({ ...base, B: 1, Tq: 7, Tk: 7, Hq: 2, Hkv: 2, D: 4, causal: true, qOffset: -2 }, 6);
      attentionCase(
        {
          ...base,
          B: 2,
          Tq: 3,
          Tk: 5,
          Hq: 2,
          Hkv: 1,
          D: 4,
          causal: false,
          keyMask: paddingMask(2, 5, [5, 2]),
        },
        7,
      );
    });
  });
}

test("attention: fully masked rows give o = 0 and lse = -Infinity", () => {
  const s: AttentionShape = {
    B: 1,
    Tq: 2,
    Tk: 2,
    Hq: 1,
    Hkv: 1,
    D: 2,
    scale: 1,
    causal: true,
    qOffset: -1,
    keyMask: null,
  };
  const o = new Float32Array(4).fill(Number.NaN);
  const lse = new Float32Array(2);
  native().attentionForward(rand(4, 1), rand(4, 2), rand(4, 3), o, lse, s);
  assert.deepEqual([...o.subarray(0, 2)], [0, 0]);
  assert.equal(lse[0], Number.NEGATIVE_INFINITY);
  assert.ok(Number.isFinite(lse[1]));
});

test("rope forward and inverse", () => {
  for (const [N, H, D] of [
    [1, 1, 2],
    [7, 3, 10],
    [33, 4, 64],
  ]) {
    const x = rand(N * H * D, D);
    const cos = rand((N * D) / 2, 1);
    const sin = rand((N * D) / 2, 2);
    for (const inverse of [false, true]) {
      const [xn, xr] = [x.slice(), x.slice()];
      native().rope(xn, cos, sin, N, H, D, inverse);
      ref.rope(xr, cos, sin, N, H, D, inverse);
      close(xn, xr, `rope ${N}x${H}x${D} inverse=${inverse}`, 1e-6, 1e-7);
    }
  }
});

test("swiglu and the GELU family, forward and backward", () => {
  for (const n of [1, 33, 100_001]) {
    const x = rand(n, n, -12, 12);
    x[0] = n > 1 ? -100 : 0.5;
    const up = rand(n, 2);
    const dy = rand(n, 3);
    const [on, or] = [new Float32Array(n), new Float32Array(n)];
    native().swigluForward(x, up, on, n);
    ref.swigluForward(x, up, or, n);
    close(on, or, `swiglu ${n}`, 1e-5, 1e-7);
    const [gn, gr, un, ur] = [1, 2, 3, 4].map(() => new Float32Array(n));
    native().swigluBackward(x, up, dy, gn, un, n);
    ref.swigluBackward(x, up, dy, gr, ur, n);
    close(gn, gr, `swiglu dgate ${n}`, 1e-5, 1e-7);
    close(un, ur, `swiglu dup ${n}`, 1e-5, 1e-7);
    for (const kind of ["erf", "tanh", "quick"] as GeluKind[]) {
      native().geluForward(x, on, n, kind);
      ref.geluForward(x, or, n, kind);
      close(on, or, `gelu ${kind} ${n}`, 1e-5, 1e-6);
      native().geluBackward(x, dy, gn, n, kind);
      ref.geluBackward(x, dy, gr, n, kind);
      close(gn, gr, `gelu ${kind} dx ${n}`, 1e-5, 1e-6);
    }
  }
});

for (const threads of THREADS) {
  test(`cross-entropy forward/backward with ignore_index, in place, threads=${threads}`, () => {
    withThreads(threads, () => {
      for (const [rows, V] of [
        [1, 1],
        [9, 1001],
        [64, 3000],
      ]) {
        const logits = rand(rows * V, V, -10, 10);
        const r = rng(V);
        const labels = Int32Array.from({ length: rows }, (_, i) =>
          i % 4 === 3 ? -100 : Math.floor(r() * V),
        );
        const fwd = (k: Kernels) => {
          const loss = new Float32Array(rows);
          const lse = new Float32Array(rows);
          k.crossEntropyForward(logits, labels, loss, lse, rows, V, -100);
          return { loss, lse };
        };
        const fn = fwd(native());
        const fr = fwd(ref);
        close(fn.loss, fr.loss, "ce loss", 1e-5, 1e-5);
        close(fn.lse, fr.lse, "ce lse", 1e-5, 1e-5);
        const [dn, dr] = [new Float32Array(rows * V), new Float32Array(rows * V)];
        native().crossEntropyBackward(logits, labels, fr.lse, dn, 1 / 7, rows, V, -100);
        ref.crossEntropyBackward(logits, labels, fr.lse, dr, 1 / 7, rows, V, -100);
        close(dn, dr, "ce dlogits", 1e-5, 1e-8);
        const inPlace = logits.slice();
        native().crossEntropyBackward(inPlace, labels, fr.lse, inPlace, 1 / 7, rows, V, -100);
        close(inPlace, dr, "ce dlogits in place", 1e-5, 1e-8);
      }
    });
  });
}

test("adamw matches the reference over a few steps", () => {
  const n = 1001;
  const state = () => ({ p: rand(n, 1), m: new Float32Array(n), v: new Float32Array(n) });
  const [a, b] = [state(), state()];
  for (let step = 1; step <= 3; step++) {
    const g = rand(n, 10 + step);
    native().adamw(a.p, g, a.m, a.v, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, step);
    ref.adamw(b.p, g, b.m, b.v, n, 1e-3, 0.9, 0.999, 1e-8, 0.01, step);
  }
  close(a.p, b.p, "adamw param", 1e-6, 1e-7);
  close(a.m, b.m, "adamw m", 1e-5, 1e-8);
  close(a.v, b.v, "adamw v", 1e-5, 1e-9);
});

// The addon picks the widest ISA once per process; LNTUNE_ISA caps it, so the narrower kernels (their own
// packing, microkernels and row primitives) are checked by rerunning this file in a child process.
const NARROWER: Record<string, string[]> = { avx512: ["avx2", "scalar"], avx2: ["scalar"] };
if (process.env.LNTUNE_ISA === undefined) {
  for (const isa of NARROWER[nativeIsa()] ?? []) {
    test(`the ${isa} kernels pass this file too`, () => {
      const file = fileURLToPath(import.meta.url);
      const run = spawnSync(process.execPath, ["--import", "tsx", "--test", file], {
        env: { ...process.env, LNTUNE_ISA: isa },
        encoding: "utf8",
      });
      assert.equal(run.status, 0, run.stdout + run.stderr);
    });
  }
}
