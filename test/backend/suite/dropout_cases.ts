// Dropout against xoshiro128** written out here from its reference C code (Blackman & Vigna,
// prng.di.unimi.it/xoshiro128starstar.c): the mask, the scaled values and the advanced state are exact; the
// backward is checked against finite differences.
import assert from "node:assert/strict";
import { assertElementwiseGradient, assertExact, type OpCase, rand } from "./harness.ts";

function xoshiro128ss(s: Uint32Array): number {
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
  const t = (s[1] << 9) >>> 0;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

const dropoutCase = (n: number, p: number): OpCase => ({
  kernels: ["dropoutForward", "dropoutBackward"],
  name: `dropout n ${n} p ${p}`,
  run(k) {
    const x = rand(n, n + 3, -2, 2);
    const state = Uint32Array.of(0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321);
    const expectedState = state.slice();
    const keep = Math.fround(1 / (1 - p));
    const expectedMask = Uint8Array.from({ length: n }, () =>
      (xoshiro128ss(expectedState) >>> 8) / 2 ** 24 >= p ? 1 : 0,
    );
    const [y, mask] = [new Float32Array(n), new Uint8Array(n)];
    k.dropoutForward(x, y, mask, n, p, state);
    assertExact(mask, expectedMask, `${this.name} mask`);
    assertExact(state, expectedState, `${this.name} state after ${n} draws`);
    assertExact(
      y,
      x.map((v, i) => v * (expectedMask[i] ? keep : 0)),
      `${this.name} y`,
    );
    const dy = rand(n, 5);
    const dx = new Float32Array(n);
    k.dropoutBackward(dy, mask, dx, n, p);
    assertElementwiseGradient(dx, (v, i) => v * (mask[i] ? keep : 0), dy, x, `${this.name} dx`, 1e-6, 1e-6);
    k.dropoutBackward(dy, mask, dy, n, p);
    assertExact(dy, dx, `${this.name} dx in place`);
  },
});

export const DROPOUT_CASES: OpCase[] = [
  dropoutCase(0, 0.5),
  dropoutCase(1, 0.5),
  dropoutCase(17, 0),
  dropoutCase(100_001, 0.05),
  dropoutCase(1000, 0.999),
  {
    kernels: ["dropoutForward"],
    name: "dropout keeps about 1 − p of the elements",
    run(k) {
      const n = 200_000;
      const mask = new Uint8Array(n);
      k.dropoutForward(new Float32Array(n), new Float32Array(n), mask, n, 0.25, Uint32Array.of(1, 2, 3, 4));
      const kept = mask.reduce((s, m) => s + m, 0) / n;
      assert.ok(Math.abs(kept - 0.75) < 0.005, `kept ${kept}`);
    },
  },
];
