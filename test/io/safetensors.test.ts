import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openSafetensors, type Tensor, toFloat32, writeSafetensors } from "../../src/io/safetensors.ts";
import { scratchDir } from "./helpers.ts";

const dir = scratchDir();

const samples: Record<string, Tensor> = {
  f64: { dtype: "F64", shape: [2, 2], data: new Float64Array([1.5, -2, 1e300, Number.NaN]) },
  f32: { dtype: "F32", shape: [3], data: new Float32Array([0.25, -1, 3.5]) },
  f16: { dtype: "F16", shape: [2], data: new Uint16Array([0x3c00, 0xc000]) },
  bf16: { dtype: "BF16", shape: [1, 2], data: new Uint16Array([0x3f80, 0x4049]) },
  i64: { dtype: "I64", shape: [2], data: new BigInt64Array([-(2n ** 62n), 7n]) },
  i32: { dtype: "I32", shape: [2], data: new Int32Array([-5, 2 ** 31 - 1]) },
  i16: { dtype: "I16", shape: [3], data: new Int16Array([-32768, 0, 32767]) },
  i8: { dtype: "I8", shape: [2], data: new Int8Array([-128, 127]) },
  u8: { dtype: "U8", shape: [4], data: new Uint8Array([0, 1, 254, 255]) },
  bool: { dtype: "BOOL", shape: [2], data: new Uint8Array([1, 0]) },
  scalar: { dtype: "F32", shape: [], data: new Float32Array([42]) },
  empty: { dtype: "F32", shape: [0, 5], data: new Float32Array(0) },
};

test("every dtype round-trips with its typed array, shape and metadata", () => {
  const path = join(dir, "all.safetensors");
  writeSafetensors(path, samples, { format: "pt", note: "x" });
  const f = openSafetensors(path);
  try {
    assert.deepEqual(f.metadata, { format: "pt", note: "x" });
    assert.deepEqual(f.names(), Object.keys(samples).sort());
    for (const [name, t] of Object.entries(samples)) {
      const r = f.read(name);
      assert.equal(r.dtype, t.dtype, name);
      assert.deepEqual(r.shape, t.shape, name);
      assert.equal(r.data.constructor, t.data.constructor, name);
      assert.deepEqual(r.data, t.data, name);
    }
    assert.deepEqual(toFloat32(f.read("bf16")), new Float32Array([1, 3.140625]));
    assert.deepEqual(toFloat32(f.read("f16")), new Float32Array([1, -2]));
    assert.deepEqual(
      toFloat32(f.read("f64")),
      new Float32Array([1.5, -2, Number.POSITIVE_INFINITY, Number.NaN]),
    );
    assert.throws(() => toFloat32(f.read("i32")), /not a float dtype/);
  } finally {
    f.close();
  }
});

test("reads a fresh, aligned copy each time, even when tensors sit at odd offsets", () => {
  const path = join(dir, "odd.safetensors");
  writeSafetensors(path, {
    a: { dtype: "U8", shape: [3], data: new Uint8Array([1, 2, 3]) },
    b: { dtype: "F64", shape: [1], data: new Float64Array([Math.PI]) },
  });
  const f = openSafetensors(path);
  const info = f.info("b");
  assert.equal((info.begin - 8) % 8, 3, "b starts 3 bytes into an 8-aligned data section");
  const r1 = f.read("b");
  const r2 = f.read("b");
  assert.notEqual(r1.data, r2.data);
  assert.equal(r1.data.byteOffset, 0);
  assert.equal((r1.data as Float64Array)[0], Math.PI);
  f.close();
  assert.throws(() => f.read("b"), /closed/);
});

test("header is byte-exact: sorted names, padding to 8 with spaces, data in name order", () => {
  const path = join(dir, "exact.safetensors");
  writeSafetensors(
    path,
    {
      b: { dtype: "F32", shape: [2], data: new Float32Array([1, -2]) },
      "10": { dtype: "U8", shape: [1], data: new Uint8Array([9]) },
      a: { dtype: "U8", shape: [3], data: new Uint8Array([7, 8, 9]) },
    },
    { format: "pt" },
  );
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const json =
    '{"__metadata__":{"format":"pt"},' +
    '"10":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},' +
    '"a":{"dtype":"U8","shape":[3],"data_offsets":[1,4]},' +
    '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
  assert.equal(n % 8, 0);
  assert.equal(n, Math.ceil(json.length / 8) * 8);
  assert.equal(bytes.subarray(8, 8 + n).toString("latin1"), json.padEnd(n, " "));
  const data = bytes.subarray(8 + n);
  assert.deepEqual([...data], [9, 7, 8, 9, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  assert.equal(bytes.length, 8 + n + 12);
});

test("a file with no tensors and no metadata is a padded empty object", () => {
  const path = join(dir, "none.safetensors");
  writeSafetensors(path, {});
  const bytes = readFileSync(path);
  assert.equal(bytes.length, 16);
  assert.equal(bytes.readBigUInt64LE(0), 8n);
  assert.equal(bytes.subarray(8).toString("latin1"), "{}      ");
  const f = openSafetensors(path);
  assert.deepEqual(f.names(), []);
  assert.equal(f.metadata, null);
  f.close();
});

test("the writer rejects inconsistent tensors and leaves no file behind", () => {
  const path = join(dir, "bad-write.safetensors");
  const cases: Array<[Record<string, Tensor>, RegExp]> = [
    [{ x: { dtype: "F32", shape: [3], data: new Float32Array(2) } }, /"x".*3 elements but data has 2/],
    [{ x: { dtype: "BF16", shape: [2], data: new Float32Array(2) } }, /"x".*Float32Array cannot hold BF16/],
    [{ x: { dtype: "F32", shape: [-1], data: new Float32Array(0) } }, /"x".*invalid shape/],
    [{ __metadata__: { dtype: "U8", shape: [0], data: new Uint8Array(0) } }, /reserved/],
  ];
  for (const [tensors, re] of cases) {
    assert.throws(
      () => writeSafetensors(path, tensors),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "write");
        assert.match(e.message, re);
        assert.ok(e.message.startsWith(path));
        return true;
      },
    );
  }
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith("bad-write")),
    [],
  );
});

test("unknown tensor names are reported with the file", () => {
  const path = join(dir, "all.safetensors");
  const f = openSafetensors(path);
  assert.throws(() => f.read("nope"), {
    code: "not_found",
    message: `${path}: tensor "nope": no such tensor`,
  });
  f.close();
});
