// Hostile and damaged files: each must fail with the right category, naming the file and the tensor.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { openSafetensors, type SafetensorsError, writeSafetensors } from "../../src/io/safetensors.ts";
import { rawSafetensors, scratchDir, writeRaw } from "./helpers.ts";

const dir = scratchDir();
let counter = 0;

function expectError(bytes: Uint8Array, code: string, tensor: string | null, detail: RegExp): void {
  const path = writeRaw(dir, `bad-${counter++}.safetensors`, bytes);
  assert.throws(
    () => openSafetensors(path),
    (e: SafetensorsError) => {
      assert.equal(e.name, "SafetensorsError", e.message);
      assert.equal(e.code, code, e.message);
      assert.equal(e.file, path);
      assert.equal(e.tensor, tensor);
      assert.ok(e.message.startsWith(`${path}: `), e.message);
      if (tensor !== null) assert.ok(e.message.includes(`tensor "${tensor}"`), e.message);
      assert.match(e.message, detail);
      return true;
    },
  );
}

const f32 = (shape: number[], offsets: [number, number]) => ({ dtype: "F32", shape, data_offsets: offsets });

test("files too short for the length prefix", () => {
  expectError(new Uint8Array(0), "too_short", null, /0 bytes, fewer than 8/);
  expectError(new Uint8Array(7), "too_short", null, /7 bytes/);
});

test("header lengths that are zero, huge or past the end", () => {
  expectError(rawSafetensors("{}", undefined, 0n), "header_length", null, /header length is 0/);
  expectError(rawSafetensors("{}", undefined, 2n ** 60n), "header_length", null, /exceeds 100000000/);
  expectError(rawSafetensors("{}", undefined, 2n ** 64n - 1n), "header_length", null, /exceeds/);
  expectError(rawSafetensors("{}", undefined, 100_000_001n), "header_length", null, /exceeds/);
  expectError(
    rawSafetensors("{}", undefined, 3n),
    "header_length",
    null,
    /past the end of the file \(10 bytes\)/,
  );
});

test("headers that are not UTF-8 JSON objects", () => {
  const bad = rawSafetensors("{}  ");
  bad.set([0x7b, 0xff, 0xfe, 0x7d], 8);
  expectError(bad, "header_json", null, /not valid UTF-8/);
  expectError(rawSafetensors('{"a":'), "header_json", null, /not valid JSON/);
  expectError(rawSafetensors("[]"), "header_json", null, /not a JSON object/);
  expectError(rawSafetensors("null"), "header_json", null, /not a JSON object/);
  expectError(rawSafetensors('"x"'), "header_json", null, /not a JSON object/);
});

test("duplicate tensor names, even though JSON.parse would keep the last", () => {
  const entry = JSON.stringify(f32([1], [0, 4]));
  const header = `{"w":${entry}, "v":{"dtype":"U8","shape":[0],"data_offsets":[4,4]},\n "w" :${entry}}`;
  expectError(rawSafetensors(header, new Uint8Array(4)), "duplicate", "w", /more than once/);
  expectError(rawSafetensors('{"__metadata__":{},"__metadata__":{}}'), "duplicate", null, /more than once/);
});

test("__metadata__ must map strings to strings", () => {
  expectError(
    rawSafetensors({ __metadata__: { format: 1 } }),
    "metadata",
    null,
    /"format"\] is not a string/,
  );
  expectError(rawSafetensors({ __metadata__: ["pt"] }), "metadata", null, /not an object/);
  expectError(rawSafetensors({ __metadata__: "pt" }), "metadata", null, /not an object/);
});

test("entries missing fields or with wrong types", () => {
  const data = new Uint8Array(4);
  expectError(rawSafetensors({ w: 5 }), "entry", "w", /not an object/);
  expectError(rawSafetensors({ w: { shape: [1] } }, data), "entry", "w", /lacks dtype, data_offsets/);
  expectError(
    rawSafetensors({ w: { ...f32([1], [0, 4]), dtype: 3 } }, data),
    "entry",
    "w",
    /dtype is not a string/,
  );
  expectError(
    rawSafetensors({ w: { ...f32([1], [0, 4]), shape: 1 } }, data),
    "entry",
    "w",
    /shape is not an array/,
  );
  expectError(rawSafetensors({ w: f32(["1" as never], [0, 4]) }, data), "entry", "w", /non-number/);
  expectError(
    rawSafetensors({ w: { ...f32([1], [0, 4]), data_offsets: [0] } }, data),
    "entry",
    "w",
    /data_offsets is not an array of two numbers/,
  );
  expectError(
    rawSafetensors({ w: { ...f32([1], [0, 4]), data_offsets: ["0", 4] } }, data),
    "entry",
    "w",
    /data_offsets/,
  );
});

test("unknown dtypes", () => {
  expectError(
    rawSafetensors({ w: { ...f32([1], [0, 1]), dtype: "F8_E4M3" } }, new Uint8Array(1)),
    "dtype",
    "w",
    /"F8_E4M3"/,
  );
  expectError(
    rawSafetensors({ w: { ...f32([1], [0, 4]), dtype: "f32" } }, new Uint8Array(4)),
    "dtype",
    "w",
    /"f32"/,
  );
});

test("invalid dims", () => {
  expectError(rawSafetensors({ w: f32([-1], [0, 4]) }), "shape", "w", /invalid dim -1/);
  expectError(rawSafetensors({ w: f32([1.5], [0, 4]) }), "shape", "w", /invalid dim 1.5/);
  expectError(rawSafetensors({ w: f32([2 ** 60], [0, 4]) }), "shape", "w", /invalid dim/);
});

test("a hostile header claiming 2^60 elements fails before any allocation", () => {
  // Each dim is a safe integer; only the product is absurd.
  expectError(
    rawSafetensors({ w: f32([2 ** 30, 2 ** 30], [0, 4]) }, new Uint8Array(4)),
    "size",
    "w",
    /needs 4611686018427387904 bytes/,
  );
  expectError(
    rawSafetensors({ w: f32([2, 3], [0, 20]) }, new Uint8Array(20)),
    "size",
    "w",
    /needs 24 bytes .* span 20/,
  );
});

test("offsets out of order, overlapping, with holes or trailing bytes", () => {
  const d = (n: number) => new Uint8Array(n);
  expectError(rawSafetensors({ w: f32([0], [4, 0]) }, d(4)), "offsets", "w", /out of order/);
  expectError(rawSafetensors({ w: f32([0], [-4, -4]) }, d(4)), "offsets", "w", /non-negative/);
  expectError(
    rawSafetensors({ a: f32([2], [0, 8]), b: f32([1], [4, 8]) }, d(8)),
    "offsets",
    "b",
    /overlaps tensor "a"/,
  );
  expectError(
    rawSafetensors({ a: f32([1], [0, 4]), b: f32([1], [8, 12]) }, d(12)),
    "offsets",
    "b",
    /hole of 4 bytes after tensor "a"/,
  );
  expectError(rawSafetensors({ a: f32([1], [4, 8]) }, d(8)), "offsets", "a", /hole of 4 bytes at the start/);
  expectError(
    rawSafetensors({ a: f32([1], [0, 4]) }, d(6)),
    "offsets",
    null,
    /2 bytes after the last tensor/,
  );
});

test("a truncated download is reported as truncated, naming the tensor that runs off the end", () => {
  const path = join(dir, "whole.safetensors");
  writeSafetensors(path, {
    a: { dtype: "F32", shape: [4], data: new Float32Array(4) },
    b: { dtype: "F32", shape: [4], data: new Float32Array(4) },
  });
  const whole = readFileSync(path);
  expectError(whole.subarray(0, whole.length - 3), "truncated", "b", /file truncated/);
  // Cut inside the header: the length prefix now points past the end.
  expectError(whole.subarray(0, 20), "header_length", null, /past the end/);
  writeFileSync(path, whole);
  const f = openSafetensors(path);
  assert.deepEqual([...f.read("b").data], [0, 0, 0, 0]);
  f.close();
});
