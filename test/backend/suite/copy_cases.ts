// Strided copies, gathers and scatter-adds: exact (they only move values, or add them in index order), and each
// adjoint is checked as a gradient against finite differences of the forward.
import assert from "node:assert/strict";
import type { StorageDtype } from "../../../src/backend/dtypes.ts";
import { bf16Value, f16Value } from "./half_reference.ts";
import { assertExact, assertGradient, type OpCase, rand, weighted } from "./harness.ts";

interface CopyLayout {
  name: string;
  shape: number[];
  src: [strides: number[], size: number];
  dst: [strides: number[], size: number];
}

const LAYOUTS: CopyLayout[] = [
  { name: "transpose 5x7", shape: [7, 5], src: [[1, 7], 35], dst: [[5, 1], 35] },
  {
    name: "permute [2,3,4,5] to [2,4,3,5]",
    shape: [2, 4, 3, 5],
    src: [[60, 5, 20, 1], 120],
    dst: [[60, 15, 5, 1], 120],
  },
  { name: "a row repeated 9 times", shape: [9, 33], src: [[0, 1], 33], dst: [[33, 1], 297] },
  { name: "rows into every other row", shape: [4, 17], src: [[17, 1], 68], dst: [[34, 1], 136] },
  { name: "rank 0", shape: [], src: [[], 1], dst: [[], 1] },
  { name: "zero extent", shape: [3, 0], src: [[1, 1], 0], dst: [[1, 1], 0] },
  { name: "long rows", shape: [3, 40_000], src: [[40_000, 1], 120_000], dst: [[40_000, 1], 120_000] },
];

function positions(shape: number[], strides: number[]): number[] {
  const n = shape.reduce((p, d) => p * d, 1);
  return Array.from({ length: n }, (_, k) => {
    let rem = k;
    let at = 0;
    for (let i = shape.length - 1; i >= 0; i--) {
      at += (rem % shape[i]) * strides[i];
      rem = Math.floor(rem / shape[i]);
    }
    return at;
  });
}

const copyCase = (l: CopyLayout): OpCase => ({
  kernels: ["copyStrided"],
  name: `copyStrided ${l.name}`,
  run(k) {
    const src = rand(l.src[1], 3);
    const dst = new Float32Array(l.dst[1]).fill(-7);
    const [ps, pd] = [positions(l.shape, l.src[0]), positions(l.shape, l.dst[0])];
    const dims = (s: number[]) => Int32Array.from(s);
    k.copyStrided(src, dims(l.src[0]), dst, dims(l.dst[0]), dims(l.shape));
    const expected = new Float32Array(l.dst[1]).fill(-7);
    ps.forEach((p, i) => {
      expected[pd[i]] = src[p];
    });
    assertExact(dst, expected, this.name);
    // The adjoint (destination back to source) is the gradient; repeated sources sum up.
    if (new Set(ps).size !== ps.length) return;
    const w = rand(l.dst[1], 5);
    const g = new Float32Array(l.src[1]);
    k.copyStrided(w, dims(l.dst[0]), g, dims(l.src[0]), dims(l.shape));
    const forward = (x: ArrayLike<number>) => {
      const y = new Float64Array(l.dst[1]);
      ps.forEach((p, i) => {
        y[pd[i]] = x[p];
      });
      return y;
    };
    assertGradient(g, (x) => weighted(w, forward(x)), src, `${this.name} adjoint`, 1e-6, 1e-6);
  },
});

/** x [outer, n, inner] stored as dtype (half types: codes of small magnitude), and the values it holds. */
function table(
  dtype: StorageDtype,
  size: number,
  seed: number,
): { data: Float32Array | Uint16Array; vals: Float64Array } {
  const f = rand(size, seed, -2, 2);
  if (dtype === "f32") return { data: f, vals: Float64Array.from(f) };
  const bits = new Uint32Array(f.buffer);
  const data = Uint16Array.from(bits, (b) =>
    dtype === "bf16" ? b >>> 16 : ((b >>> 16) & 0x8000) | (14 << 10) | (b & 0x3ff),
  );
  return { data, vals: Float64Array.from(data, dtype === "bf16" ? bf16Value : f16Value) };
}

const indexCase = (dtype: StorageDtype, [outer, n, inner]: number[], indices: number[]): OpCase => ({
  kernels: ["indexSelect", "indexAdd"],
  name: `indexSelect/indexAdd ${dtype} ${outer}x${n}x${inner}, ${indices.length} indices`,
  run(k) {
    const m = indices.length;
    const idx = Int32Array.from(indices);
    const x = table(dtype, outer * n * inner, n + m);
    const out = new Float32Array(outer * m * inner);
    assert.equal(k.indexSelect(x.data, dtype, idx, out, outer, n, inner, m), -1);
    const gather = (vals: ArrayLike<number>) => {
      const y = new Float64Array(outer * m * inner);
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < m; i++)
          for (let c = 0; c < inner; c++) y[(o * m + i) * inner + c] = vals[(o * n + idx[i]) * inner + c];
      return y;
    };
    assertExact(out, Float32Array.from(gather(x.vals)), `${this.name}: gather`);
    const g = rand(outer * m * inner, 9);
    const gx0 = rand(outer * n * inner, 11);
    const gx = gx0.slice();
    assert.equal(k.indexAdd(g, idx, gx, outer, n, inner, m), -1);
    // Repeated indices add up in index order, each addition rounded to f32.
    const expected = gx0.slice();
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < m; i++)
        for (let c = 0; c < inner; c++) expected[(o * n + idx[i]) * inner + c] += g[(o * m + i) * inner + c];
    assertExact(gx, expected, `${this.name}: scatter-add`);
    if (dtype === "f32")
      assertGradient(
        gx.map((v, i) => v - gx0[i]),
        (v) => weighted(g, gather(v)),
        x.vals,
        `${this.name}: adjoint`,
        1e-6,
        1e-5,
      );
  },
});

export const COPY_CASES: OpCase[] = [
  ...LAYOUTS.map(copyCase),
  indexCase("f32", [1, 5, 3], [3, 0, 3, 4, 3]),
  indexCase("f32", [3, 4, 2], [2, 0, 2]),
  indexCase(
    "f32",
    [1, 1000, 517],
    Array.from({ length: 300 }, (_, i) => (i * 37) % 1000),
  ),
  indexCase("f32", [2, 3, 4], []),
  indexCase("bf16", [1, 50, 33], [49, 0, 7, 7]),
  indexCase("f16", [2, 6, 17], [5, 1, 1]),
  {
    kernels: ["indexSelect", "indexAdd"],
    name: "indexSelect/indexAdd report the first index outside [0, n) and compute nothing",
    run(k) {
      const out = new Float32Array(9).fill(4);
      assert.equal(k.indexSelect(rand(12, 1), "f32", Int32Array.of(0, 4, -1), out, 1, 4, 3, 3), 1);
      assert.deepEqual([...out], new Array(9).fill(4));
      const gx = new Float32Array(12).fill(4);
      assert.equal(k.indexAdd(rand(9, 2), Int32Array.of(0, 1, -1), gx, 1, 4, 3, 3), 2);
      assert.deepEqual([...gx], new Array(12).fill(4));
    },
  },
];
