// The block-quantised dtypes (int8, nf4): encoding (each block's own absmax, and quantizeRows' one absmax per
// row) byte for byte as the formats' independent model in quant_reference.ts encodes, decoding value for value
// as it decodes, on random blocks of every magnitude, ties, zero blocks, NaN and infinities; hand-computed
// blocks; and gathering rows of a quantised table.
import assert from "node:assert/strict";
import { allocStorage } from "../../../src/backend/dtypes.ts";
import { assertExact, type OpCase, rand } from "./harness.ts";
import { BLOCK, decodeRef, encodeRef, type QuantFormat } from "./quant_reference.ts";

const FORMATS: QuantFormat[] = ["int8", "nf4"];

/** 40 blocks of 64 random values at magnitudes 2^-20 … 2^20, then blocks holding specials. */
function probes(): Float32Array {
  const x = rand(64 * 40, 17).map((v, i) => v * 2 ** ((Math.floor(i / 64) % 41) - 20));
  const ties = Float32Array.from({ length: 64 }, (_, i) => (i === 0 ? 127 : (i % 20) - 9.5));
  const special = new Float32Array(64 * 4);
  special[64 + 3] = Number.NaN;
  special[64 + 4] = 1.5;
  special[128 + 1] = Number.POSITIVE_INFINITY;
  special[128 + 2] = 3;
  special[192 + 5] = -0;
  return Float32Array.from([...x, ...ties, ...special]);
}

const sameValues = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) =>
  assertExact(Float32Array.from(a), Float32Array.from(b), what);

export const QUANT_CASES: OpCase[] = [
  ...FORMATS.map(
    (d): OpCase => ({
      kernels: ["convertFromF32", "convertToF32"],
      name: `convert ${d}: blocks encode as the format's model, byte for byte, and decode to its values`,
      run(k) {
        const x = probes();
        const codes = allocStorage(d, x.length) as Uint8Array;
        k.convertFromF32(x, codes, d, x.length);
        assert.deepEqual(codes, encodeRef(d, x));
        const back = new Float32Array(x.length);
        k.convertToF32(codes, d, back, x.length);
        sameValues(back, decodeRef(d, codes), `${this.name} (decoding)`);
      },
    }),
  ),
  ...FORMATS.map(
    (d): OpCase => ({
      kernels: ["quantizeRows"],
      name: `quantizeRows ${d}: one absmax per row, shared by the row's blocks`,
      run(k) {
        const [rows, cols] = [5, 4 * BLOCK[d].size];
        const x = rand(rows * cols, 3).map((v, i) => v * (1 + Math.floor(i / cols)));
        const codes = allocStorage(d, x.length) as Uint8Array;
        k.quantizeRows(x, codes, d, rows, cols);
        const row = (r: number) => x.subarray(r * cols, (r + 1) * cols);
        const max = (r: number) => Math.fround(Math.max(...row(r).map(Math.abs)));
        const expected = Uint8Array.from(
          Array.from({ length: rows }, (_, r) => [...encodeRef(d, row(r), max(r))]).flat(),
        );
        assert.deepEqual(codes, expected);
        assert.throws(() => k.quantizeRows(x, codes, d, 1, cols - 1), /cols \(\d+\) must be a multiple/);
        assert.throws(
          () => k.quantizeRows(x, new Uint16Array(x.length), "bf16", rows, cols),
          /not a block-quantised/,
        );
      },
    }),
  ),
  {
    kernels: ["convertFromF32", "convertToF32"],
    name: "int8 and nf4 hand-computed: int8 scale 1 rounds half to even, nf4 codes its levels and a midpoint down",
    run(k) {
      // int8: absmax 127 gives scale 1; 0.5 → 0, 1.5 → 2, −2.5 → −2, 63.5 → 64, 3.4 → 3.
      const x = new Float32Array(32);
      x.set([127, 0.5, 1.5, -2.5, 63.5, -127, 3.4]);
      const q = new Uint8Array(36);
      k.convertFromF32(x, q, "int8", 32);
      assert.deepEqual(new Float32Array(q.buffer, 0, 1)[0], 1);
      assert.deepEqual(Array.from(new Int8Array(q.buffer, 4, 7)), [127, 0, 2, -2, 64, -127, 3]);
      // nf4: absmax 2; level i times 2 codes as i; halfway between levels 7 (0) and 8 goes to 7.
      const levels = [-1, -0.6961928009986877, 0, 0.07958029955625534, 1].map((v) => 2 * v);
      const y = new Float32Array(64);
      y.set([...levels, 0.07958029955625534]);
      const n = new Uint8Array(36);
      k.convertFromF32(y, n, "nf4", 64);
      assert.equal(new Float32Array(n.buffer, 0, 1)[0], 2);
      assert.deepEqual(Array.from(n.subarray(4, 7)), [0x01, 0x78, 0xf7]);
      const back = new Float32Array(64);
      k.convertToF32(n, "nf4", back, 64);
      sameValues(back.subarray(0, 5), levels, "nf4 levels decode");
    },
  },
  ...FORMATS.map(
    (d): OpCase => ({
      kernels: ["indexSelect"],
      name: `indexSelect gathers rows of a ${d} table (2 blocks a row)`,
      run(k) {
        const [n, inner] = [6, 2 * BLOCK[d].size];
        const x = rand(n * inner, 8);
        const codes = encodeRef(d, x);
        const vals = decodeRef(d, codes);
        const idx = Int32Array.of(5, 0, 5, 2);
        const out = new Float32Array(idx.length * inner);
        assert.equal(k.indexSelect(codes, d, idx, out, 1, n, inner, idx.length), -1);
        const want = Array.from(idx).flatMap((i) => Array.from(vals.subarray(i * inner, (i + 1) * inner)));
        sameValues(out, want, this.name);
        assert.throws(
          () => k.indexSelect(codes, d, idx, out, 1, n * 4, inner / 4, idx.length),
          /inner \(\d+\) must be a multiple/,
        );
      },
    }),
  ),
];
