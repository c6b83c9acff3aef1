// SGEMM against a float64 product: every transposition, padded strides, operands at an offset inside a larger
// buffer, beta 0 (C's NaNs ignored), 1 and 0.5, B stored as f32, bf16 and f16; shapes with a zero extent, of
// one element, odd, past one cache block of K (kc) and of N (nc). The bf16 GEMM likewise, against the float64
// product of both operands rounded to bf16 by the format's model (ties to even), with odd K (a half pair) and
// K past its block of 2048 values. Products with at most 4 rows and a transposed B (a decoding step's, which
// the addon computes without packing) against the same reference, and bit for bit equal to the same rows of a
// product with many rows. B stored quantised (int8, nf4) likewise, against its values as the formats' model
// decodes them.
import type { StorageDtype } from "../../../src/backend/dtypes.ts";
import type { Kernels } from "../../../src/backend/kernels.ts";
import { bf16Nearest, bf16Value, f16Value } from "./half_reference.ts";
import { assertClose, assertExact, type OpCase, rand } from "./harness.ts";
import { BLOCK, decodeRef, encodeRef } from "./quant_reference.ts";

type Gemm = "sgemm" | "gemmBf16";
/** The value a GEMM multiplies for an operand value: itself, or rounded to bf16. */
const OPERAND: Record<Gemm, (x: number) => number> = {
  sgemm: (x) => x,
  gemmBf16: (x) => bf16Value(bf16Nearest(x)),
};

type Shape = [M: number, K: number, N: number];

/** values as B's storage (half types: the top 16 bits of the f32 for bf16, a code of similar magnitude for
 * f16; quantised ones as the formats' model encodes them) and the values that storage holds. */
function stored(
  values: Float32Array,
  dtype: StorageDtype,
): { data: Float32Array | Uint16Array | Uint8Array; vals: Float64Array } {
  if (dtype === "f32") return { data: values, vals: Float64Array.from(values) };
  if (dtype === "int8" || dtype === "nf4") {
    const data = encodeRef(dtype, values);
    return { data, vals: decodeRef(dtype, data) };
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const data =
    dtype === "bf16"
      ? Uint16Array.from(bits, (b) => b >>> 16)
      : Uint16Array.from(bits, (b) => ((b >>> 16) & 0x8000) | ((12 + ((b >>> 10) & 3)) << 10) | (b & 0x3ff));
  return { data, vals: Float64Array.from(data, (b) => (dtype === "bf16" ? bf16Value(b) : f16Value(b))) };
}

function gemmCase(
  gemm: Gemm,
  shape: Shape,
  ta: boolean,
  tb: boolean,
  pad: number,
  beta: number,
  dtype: StorageDtype,
  seed: number,
): OpCase {
  const [M, K, N] = shape;
  return {
    kernels: [gemm],
    name: `${gemm} ${M}x${K}x${N} ${ta ? "T" : "N"}${tb ? "T" : "N"} ${dtype} pad ${pad} beta ${beta}`,
    run(k) {
      const lda = (ta ? M : K) + pad;
      // A quantised B's rows start at a block.
      const block = dtype === "int8" || dtype === "nf4" ? BLOCK[dtype].size : 1;
      const ldb = Math.ceil(((tb ? K : N) + pad) / block) * block;
      const ldc = N + pad;
      const offset = 3;
      const A = rand((ta ? K : M) * lda + offset, seed).subarray(offset);
      const B = stored(rand((tb ? N : K) * ldb, seed + 1), dtype);
      const C0 = beta === 0 ? new Float32Array(M * ldc).fill(Number.NaN) : rand(M * ldc, seed + 2);
      const C = C0.slice();
      const alpha = 0.75;
      k[gemm](ta, tb, M, N, K, alpha, A, lda, B.data, ldb, dtype, beta, C, ldc);
      const q = OPERAND[gemm];
      const a = Float64Array.from(A, q);
      const b = B.vals.map(q);
      const expected = Float64Array.from(C0);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let p = 0; p < K; p++)
            s += (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
          expected[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * C0[i * ldc + j]);
        }
      // Padding between rows is never written.
      for (let i = 0; i < M; i++) for (let j = N; j < ldc; j++) expected[i * ldc + j] = C0[i * ldc + j];
      assertClose(C, expected, 2e-6 * (K + 1), 1e-5, this.name);
    },
  };
}

const SMALL: Shape[] = [
  [0, 5, 3],
  [5, 0, 3],
  [1, 1, 1],
  [7, 33, 257],
  [257, 7, 33],
  [33, 257, 7],
  [15, 300, 33],
];
// Past one K block (kc ≤ 1024) and one N block (nc = 2048), so blocks accumulate into C.
const LARGE: Shape[] = [
  [300, 520, 130],
  [3, 1030, 2100],
];

let seed = 1;
const SGEMM_CASES: OpCase[] = [
  ...SMALL.flatMap((s) =>
    [false, true].flatMap((ta) =>
      [false, true].flatMap((tb) => [
        gemmCase("sgemm", s, ta, tb, 0, 0, "f32", seed++),
        gemmCase("sgemm", s, ta, tb, 3, 1, "f32", seed++),
      ]),
    ),
  ),
  ...LARGE.flatMap((s) => [
    gemmCase("sgemm", s, false, true, 0, 0, "f32", seed++),
    gemmCase("sgemm", s, true, false, 2, 0.5, "f32", seed++),
  ]),
  ...(["bf16", "f16"] as const).flatMap((d) => [
    gemmCase("sgemm", [7, 33, 257], false, true, 2, 0.5, d, seed++),
    gemmCase("sgemm", [15, 300, 33], true, false, 2, 0.5, d, seed++),
    gemmCase("sgemm", [3, 1030, d === "bf16" ? 2100 : 40], false, true, 0, 0, d, seed++),
  ]),
];

// Every layout and storage dtype on odd shapes; past the A block (84 rows) with K odd and past one K block;
// past one N block.
const BF16_CASES: OpCase[] = [
  ...(["f32", "bf16", "f16"] as const).flatMap((d) =>
    [false, true].flatMap((ta) =>
      [false, true].flatMap((tb) => [
        gemmCase("gemmBf16", [7, 33, 257], ta, tb, 3, 0.5, d, seed++),
        gemmCase("gemmBf16", [33, 1, 7], ta, tb, 0, 0, d, seed++),
        gemmCase("gemmBf16", [0, 5, 3], ta, tb, 0, 1, d, seed++),
        gemmCase("gemmBf16", [5, 0, 3], ta, tb, 0, 0.5, d, seed++),
      ]),
    ),
  ),
  ...(["f32", "bf16"] as const).flatMap((d) => [
    gemmCase("gemmBf16", [100, 2101, 40], false, true, 1, 0, d, seed++),
    gemmCase("gemmBf16", [100, 2101, 40], false, false, 0, 1, d, seed++),
    gemmCase("gemmBf16", [3, 520, 2100], false, true, 0, 0, d, seed++),
  ]),
  {
    kernels: ["gemmBf16"],
    name: "gemmBf16 rounds both operands to the nearest bf16, ties to even",
    run(k) {
      // Halfway between neighbouring bf16 values (ties to the even code, up and down), just past halfway, and
      // values bf16 holds exactly; each times 1 (K = 1, so C holds the rounded operand itself).
      const ulp = 2 ** -7;
      const x = Float32Array.of(
        1 + ulp / 2,
        1 + 1.5 * ulp,
        -(1 + 1.5 * ulp),
        1 + ulp / 2 + 2 ** -20,
        3,
        -0.5,
      );
      const expected = Array.from(x, (v) => bf16Value(bf16Nearest(v)));
      const byA = new Float32Array(x.length);
      k.gemmBf16(false, false, x.length, 1, 1, 1, x, 1, Float32Array.of(1), 1, "f32", 0, byA, 1);
      assertExact(byA, expected, `${this.name} (A)`);
      const byB = new Float32Array(x.length);
      k.gemmBf16(false, true, 1, x.length, 1, 1, Float32Array.of(1), 1, x, 1, "f32", 0, byB, x.length);
      assertExact(byB, expected, `${this.name} (B)`);
    },
  },
];

// Past one K block of both GEMMs (1024 and 2048 values), N with a tail, odd K; A transposed too.
const FEW_ROWS: Array<[Shape, boolean]> = [
  [[1, 2101, 70], false],
  [[2, 33, 17], false],
  [[3, 1030, 40], true],
  [[4, 5, 3], false],
];
const FEW_ROW_CASES: OpCase[] = (["sgemm", "gemmBf16"] as const).flatMap((gemm) =>
  (["f32", "bf16", "f16"] as const).flatMap((d) => [
    ...FEW_ROWS.map(([s, ta]) => gemmCase(gemm, s, ta, true, 1, s[0] % 2 ? 1 : 0, d, seed++)),
    fewRowsExact(gemm, d, seed++),
  ]),
);

function fewRowsExact(gemm: Gemm, d: StorageDtype, seed: number): OpCase {
  return {
    kernels: [gemm],
    name: `${gemm} with 1 to 4 rows of A equals those rows of a 40-row product bit for bit, B ${d}`,
    run(k: Kernels) {
      const K = d === "int8" || d === "nf4" ? 2112 : 2101;
      const [M, N] = [40, 37];
      const A = rand(M * K, seed);
      const B = stored(rand(N * K, seed + 1), d).data;
      const C0 = rand(M * N, seed + 2);
      for (const beta of [0, 1]) {
        const all = C0.slice();
        k[gemm](false, true, M, N, K, 0.5, A, K, B, K, d, beta, all, N);
        for (let m = 1; m <= 4; m++) {
          const few = C0.slice(0, m * N);
          k[gemm](false, true, m, N, K, 0.5, A, K, B, K, d, beta, few, N);
          assertExact(few, all.subarray(0, m * N), `${this.name}, ${m} rows, beta ${beta}`);
        }
      }
    },
  };
}

// With f32 compute a quantised B's GEMV sums each block's codes before scaling them (gemv_quant.h), so it meets
// the blocked GEMM to rounding only; rows are still summed alone, so any 1 to 4 rows give the same bits. A
// transposed A and a K that ends inside a block (its padding codes must not count) included.
function fewRowsQuantised(d: "int8" | "nf4", seed: number): OpCase {
  return {
    kernels: ["sgemm"],
    name: `sgemm with 1 to 4 rows of A: the same bits for any row count and the 40-row product to rounding, B ${d}`,
    run(k: Kernels) {
      for (const [K, ta] of [
        [2112, false],
        [2101, true],
      ] as const) {
        const [M, N] = [40, 37];
        const ldb = Math.ceil(K / BLOCK[d].size) * BLOCK[d].size;
        const A = rand(M * K, seed);
        const B = stored(rand(N * ldb, seed + 1), d).data;
        const lda = ta ? M : K;
        const At = ta
          ? Float32Array.from({ length: K * M }, (_, i) => A[(i % M) * K + Math.floor(i / M)])
          : A;
        const C0 = rand(M * N, seed + 2);
        for (const beta of [0, 1]) {
          const all = C0.slice();
          k.sgemm(false, true, M, N, K, 0.5, A, K, B, ldb, d, beta, all, N);
          const four = C0.slice(0, 4 * N);
          // A transposed: the first 4 rows of A are the first 4 columns of At with leading dimension M.
          k.sgemm(ta, true, 4, N, K, 0.5, At, lda, B, ldb, d, beta, four, N);
          assertClose(four, all.subarray(0, 4 * N), 1e-5 * K, 1e-5, `${this.name}, K ${K}, beta ${beta}`);
          for (let m = 1; m <= 3; m++) {
            const few = C0.slice(0, m * N);
            k.sgemm(ta, true, m, N, K, 0.5, At, lda, B, ldb, d, beta, few, N);
            assertExact(few, four.subarray(0, m * N), `${this.name}, K ${K}, ${m} rows, beta ${beta}`);
          }
        }
      }
    },
  };
}

// Quantised B (int8, nf4), dequantised in the packing: both GEMMs, every layout, K past a block and odd, N past a
// thread's share, few rows (the GEMV) exact against many.
const QUANT_GEMM_CASES: OpCase[] = (["sgemm", "gemmBf16"] as const).flatMap((gemm) =>
  (["int8", "nf4"] as const).flatMap((d) => [
    ...[false, true].flatMap((ta) =>
      [false, true].map((tb) => gemmCase(gemm, [19, 130, 77], ta, tb, 1, ta ? 0.5 : 0, d, seed++)),
    ),
    gemmCase(gemm, [2, 2113, 70], false, true, 0, 1, d, seed++),
    gemmCase(gemm, [30, 1100, 2100], false, false, 0, 0, d, seed++),
    gemm === "gemmBf16" ? fewRowsExact(gemm, d, seed++) : fewRowsQuantised(d, seed++),
  ]),
);

export const GEMM_CASES: OpCase[] = [
  ...SGEMM_CASES,
  ...BF16_CASES,
  ...FEW_ROW_CASES,
  ...QUANT_GEMM_CASES,
  {
    kernels: ["sgemm"],
    name: "sgemm: NaN and Inf in the inputs propagate",
    run(k) {
      const C = new Float32Array(4);
      k.sgemm(
        false,
        false,
        2,
        2,
        2,
        1,
        Float32Array.of(Number.NaN, 1, 1, 1),
        2,
        Float32Array.of(1, 1, Infinity, 1),
        2,
        "f32",
        0,
        C,
        2,
      );
      assertClose(
        [Number.isNaN(C[0]) ? 1 : 0, Number.isNaN(C[1]) ? 1 : 0, C[2], C[3]],
        [1, 1, Infinity, 2],
        0,
        0,
        this.name,
      );
    },
  },
];
