// SGEMM against a float64 product: every transposition, padded strides, operands at an offset inside a larger
// buffer, beta 0 (C's NaNs ignored), 1 and 0.5, B stored as f32, bf16 and f16; shapes with a zero extent, of
// one element, odd, past one cache block of K (kc) and of N (nc).
import type { StorageDtype } from "../../../src/backend/dtypes.ts";
import { bf16Value, f16Value } from "./half_reference.ts";
import { assertClose, type OpCase, rand } from "./harness.ts";

type Shape = [M: number, K: number, N: number];

/** values as B's storage (half types: the top 16 bits of the f32 for bf16, a code of similar magnitude for
 * f16) and the values that storage holds. */
function stored(
  values: Float32Array,
  dtype: StorageDtype,
): { data: Float32Array | Uint16Array; vals: Float64Array } {
  if (dtype === "f32") return { data: values, vals: Float64Array.from(values) };
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const data =
    dtype === "bf16"
      ? Uint16Array.from(bits, (b) => b >>> 16)
      : Uint16Array.from(bits, (b) => ((b >>> 16) & 0x8000) | ((12 + ((b >>> 10) & 3)) << 10) | (b & 0x3ff));
  return { data, vals: Float64Array.from(data, (b) => (dtype === "bf16" ? bf16Value(b) : f16Value(b))) };
}

function gemmCase(
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
    kernels: ["sgemm"],
    name: `sgemm ${M}x${K}x${N} ${ta ? "T" : "N"}${tb ? "T" : "N"} ${dtype} pad ${pad} beta ${beta}`,
    run(k) {
      const lda = (ta ? M : K) + pad;
      const ldb = (tb ? K : N) + pad;
      const ldc = N + pad;
      const offset = 3;
      const A = rand((ta ? K : M) * lda + offset, seed).subarray(offset);
      const B = stored(rand((tb ? N : K) * ldb, seed + 1), dtype);
      const C0 = beta === 0 ? new Float32Array(M * ldc).fill(Number.NaN) : rand(M * ldc, seed + 2);
      const C = C0.slice();
      const alpha = 0.75;
      k.sgemm(ta, tb, M, N, K, alpha, A, lda, B.data, ldb, dtype, beta, C, ldc);
      const expected = Float64Array.from(C0);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let p = 0; p < K; p++)
            s += (ta ? A[p * lda + i] : A[i * lda + p]) * (tb ? B.vals[j * ldb + p] : B.vals[p * ldb + j]);
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
export const GEMM_CASES: OpCase[] = [
  ...SMALL.flatMap((s) =>
    [false, true].flatMap((ta) =>
      [false, true].flatMap((tb) => [
        gemmCase(s, ta, tb, 0, 0, "f32", seed++),
        gemmCase(s, ta, tb, 3, 1, "f32", seed++),
      ]),
    ),
  ),
  ...LARGE.flatMap((s) => [
    gemmCase(s, false, true, 0, 0, "f32", seed++),
    gemmCase(s, true, false, 2, 0.5, "f32", seed++),
  ]),
  ...(["bf16", "f16"] as const).flatMap((d) => [
    gemmCase([7, 33, 257], false, true, 2, 0.5, d, seed++),
    gemmCase([15, 300, 33], true, false, 2, 0.5, d, seed++),
    gemmCase([3, 1030, d === "bf16" ? 2100 : 40], false, true, 0, 0, d, seed++),
  ]),
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
