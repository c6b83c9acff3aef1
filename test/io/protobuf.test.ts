import assert from "node:assert/strict";
import { test } from "node:test";
import { fieldFloat, fieldString, readFields, type WireField } from "../../src/io/protobuf.ts";
import { bytesField, concat, floatField, varint, varintField } from "./protobuf_writer.ts";

const fields = (bytes: Uint8Array) => {
  const out: WireField[] = [];
  readFields(bytes, (f) => out.push(f));
  return out;
};

test("protobuf reader: varints as int32 (-1 from its ten-byte form), bools, floats, strings with a BOM kept", () => {
  assert.equal(varint(-1).length, 10);
  const bytes = concat(
    varintField(43, -1),
    varintField(4, 32000),
    varintField(3, 0),
    varintField(35, 2 ** 32), // a bool whose low 32 bits are zero is still true
    floatField(2, -1e9),
    bytesField(1, "\ufeff"),
  );
  const [pad, size, zero, big, score, piece] = fields(bytes);
  assert.deepEqual([pad.number, pad.int32, pad.nonzero], [43, -1, true]);
  assert.deepEqual([size.number, size.int32], [4, 32000]);
  assert.deepEqual([zero.int32, zero.nonzero], [0, false]);
  assert.deepEqual([big.int32, big.nonzero], [0, true]);
  assert.equal(fieldFloat(score), -1e9);
  assert.equal(fieldString(piece, "piece"), "\ufeff");
});

test("protobuf reader: fixed64 and unknown fields are stepped over, offsets point at each tag", () => {
  const fixed64 = Uint8Array.from([(9 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8]);
  const got = fields(concat(fixed64, varintField(5, 7)));
  assert.deepEqual(
    got.map((f) => [f.number, f.wireType, f.offset]),
    [
      [9, 1, 0],
      [5, 0, 9],
    ],
  );
});

test("protobuf reader: malformed bytes are refused with the byte offset", () => {
  const refuse = (bytes: number[], message: RegExp) =>
    assert.throws(() => fields(Uint8Array.from(bytes)), message);
  refuse([0x08, 0x80], /truncated varint at byte 1/);
  refuse([0x08, ...new Array(10).fill(0xff), 0x01], /varint longer than 10 bytes at byte 1/);
  refuse([0x0a, 0x05, 0x61], /field 1 of 5 bytes at byte 0 runs past the end \(3 bytes\)/);
  refuse([0x0a, 0x80, 0x80, 0x80, 0x80, 0x10], /field 1 at byte 0 has a length over 2 GiB/);
  refuse([0x0b], /field 1 at byte 0 has wire type 3, which is not supported/);
  refuse([0x0e], /wire type 6/);
  refuse([0x00, 0x00], /field number 0 at byte 0/);
  refuse([0x15, 0x00, 0x00], /field 2 of 4 bytes at byte 0 runs past the end/);
  const badUtf8 = fields(bytesField(1, Uint8Array.from([0x61, 0xff])));
  assert.throws(
    () => fieldString(badUtf8[0], "pieces[0].piece"),
    /pieces\[0\]\.piece \(field 1 at byte 0\) is not valid UTF-8/,
  );
});
