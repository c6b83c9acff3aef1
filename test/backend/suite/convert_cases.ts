// Dtype conversions: decoding every one of the 65536 bf16 and f16 codes, and encoding values that probe the
// rounding (ties to even, subnormals, overflow, infinities, NaN), exactly as the float64 models of the formats
// in half_reference.ts say.
import assert from "node:assert/strict";
import { bf16Nearest, bf16Value, f16Nearest, f16Value } from "./half_reference.ts";
import { assertExact, type OpCase, rand } from "./harness.ts";

const FORMATS = {
  bf16: {
    value: bf16Value,
    nearest: bf16Nearest,
    nanCode: (c: number) => (c & 0x7f80) === 0x7f80 && (c & 0x7f) !== 0,
  },
  f16: {
    value: f16Value,
    nearest: f16Nearest,
    nanCode: (c: number) => (c & 0x7c00) === 0x7c00 && (c & 0x3ff) !== 0,
  },
};

/** Values around the formats' boundaries and halfway points, and random ones of every magnitude. */
function probes(): Float32Array {
  const special = [
    0,
    -0,
    1,
    -1,
    65504,
    65519,
    65520,
    1e6,
    -1e6,
    2 ** -14,
    2 ** -24,
    2 ** -25,
    3 * 2 ** -26,
    2 ** -26,
  ];
  special.push(Infinity, -Infinity, Number.NaN, 3.4e38, -3.4e38, 1.1754943508222875e-38, 1e-45);
  // Exactly halfway between neighbouring bf16 and f16 values: ties go to the even code.
  for (const c of [0x3f80, 0x3f81, 0x4000, 0x0001, 0x7f7e])
    special.push((bf16Value(c) + bf16Value(c + 1)) / 2);
  for (const c of [0x3c00, 0x3c01, 0x0001, 0x0002, 0x03ff, 0x7bfe])
    special.push((f16Value(c) + f16Value(c + 1)) / 2);
  const random = rand(20_000, 5, -1, 1).map((v, i) => v * 2 ** ((i % 80) - 40));
  return Float32Array.from([...special, ...random]);
}

export const CONVERT_CASES: OpCase[] = [
  ...(["bf16", "f16"] as const).map(
    (dtype): OpCase => ({
      kernels: ["convertToF32", "convertFromF32"],
      name: `convert ${dtype}: every code decodes, probes encode to the nearest code`,
      run(k) {
        const f = FORMATS[dtype];
        const codes = Uint16Array.from({ length: 65536 }, (_, i) => i);
        const decoded = new Float32Array(65536);
        k.convertToF32(codes, dtype, decoded, 65536);
        for (let c = 0; c < 65536; c++) {
          const e = f.value(c);
          if (Number.isNaN(e)) assert.ok(Number.isNaN(decoded[c]), `${dtype} code ${c} decodes to NaN`);
          else assert.ok(Object.is(decoded[c], e), `${dtype} code ${c}: ${decoded[c]} vs ${e}`);
        }
        const x = probes();
        const encoded = new Uint16Array(x.length);
        k.convertFromF32(x, encoded, dtype, x.length);
        for (let i = 0; i < x.length; i++) {
          if (Number.isNaN(x[i]))
            assert.ok(f.nanCode(encoded[i]), `${dtype} NaN stays NaN, got ${encoded[i]}`);
          else assert.equal(encoded[i], f.nearest(x[i]), `${dtype} encoding of ${x[i]}`);
        }
      },
    }),
  ),
  {
    kernels: ["convertToF32", "convertFromF32"],
    name: "convert f32: a copy, either way",
    run(k) {
      const x = rand(1001, 3);
      const [a, b] = [new Float32Array(1001), new Float32Array(1001)];
      k.convertToF32(x, "f32", a, 1001);
      k.convertFromF32(x, b, "f32", 1001);
      assertExact(a, x, "to f32");
      assertExact(b, x, "from f32");
    },
  },
];
