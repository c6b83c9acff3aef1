import assert from "node:assert/strict";
import { test } from "node:test";
import { toFloat32 } from "../../src/io/safetensors.ts";

test("f16 widening covers normals, subnormals, zeros, infinities and NaN", () => {
  const bits = [
    0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x03ff, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555,
  ];
  const out = toFloat32({ dtype: "F16", shape: [bits.length], data: new Uint16Array(bits) });
  assert.deepEqual(
    [...out],
    [
      1,
      -2,
      65504,
      2 ** -14,
      2 ** -24,
      1023 * 2 ** -24,
      0,
      -0,
      Infinity,
      -Infinity,
      Number.NaN,
      0.333251953125,
    ],
  );
  assert.ok(Object.is(out[7], -0));
});

test("bf16 widening is the top half of float32; F32 is returned as is; F64 is rounded", () => {
  const bf = toFloat32({
    dtype: "BF16",
    shape: [5],
    data: new Uint16Array([0x3f80, 0xc049, 0x7f80, 0x0001, 0x8000]),
  });
  assert.deepEqual([...bf], [1, -3.140625, Infinity, 2 ** -133, -0]);
  const f = new Float32Array([1, 2]);
  assert.equal(toFloat32({ dtype: "F32", shape: [2], data: f }), f);
  const d = toFloat32({ dtype: "F64", shape: [2], data: new Float64Array([0.1, 1e300]) });
  assert.deepEqual([...d], [Math.fround(0.1), Infinity]);
  assert.throws(
    () => toFloat32({ dtype: "I8", shape: [1], data: new Int8Array(1) }),
    /I8 tensor .* not a float dtype/,
  );
});
