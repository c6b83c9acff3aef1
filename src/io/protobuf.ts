// A reader of protobuf's wire format (https://protobuf.dev/programming-guides/encoding/), enough to walk a
// message's fields: varints, 32- and 64-bit fixed values and length-delimited payloads. It knows no schema;
// its errors give the byte offset where the data stops making sense, and callers add the file name.

export class ProtobufError extends Error {}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export interface WireField {
  /** The field number of the schema. */
  number: number;
  wireType: number;
  /** Byte offset of the field's tag within the buffer given to `readFields`. */
  offset: number;
  /** A varint's low 32 bits read as protobuf's int32 (so -1, written as ten bytes, reads back as -1). */
  int32: number;
  /** Whether a varint is nonzero (a bool). */
  nonzero: boolean;
  /** A length-delimited field's payload, or a fixed field's 4 or 8 bytes (a view, not a copy). */
  bytes: Uint8Array;
}

const NO_BYTES = new Uint8Array(0);

/** Visits the fields of the message in `buf` in file order; unknown fields are the caller's to skip. */
export function readFields(buf: Uint8Array, visit: (field: WireField) => void): void {
  let pos = 0;
  // Reads a varint of at most ten bytes (64 bits) from `pos`: its low 32 bits, and whether any higher bit is set.
  const varint = (): { low: number; high: boolean } => {
    const start = pos;
    let low = 0;
    let high = false;
    for (let shift = 0; ; shift += 7) {
      if (pos >= buf.length) throw new ProtobufError(`truncated varint at byte ${start}`);
      if (shift >= 70) throw new ProtobufError(`varint longer than 10 bytes at byte ${start}`);
      const b = buf[pos++] & 0x7f;
      if (shift < 32) low |= b << shift;
      if (shift + 7 > 32 && b >>> Math.max(0, 32 - shift) !== 0) high = true;
      if ((buf[pos - 1] & 0x80) === 0) return { low, high };
    }
  };
  const take = (n: number, what: string, at: number): Uint8Array => {
    if (n > buf.length - pos)
      throw new ProtobufError(`${what} of ${n} bytes at byte ${at} runs past the end (${buf.length} bytes)`);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  while (pos < buf.length) {
    const offset = pos;
    const tag = varint();
    // Field numbers are at most 2^29 - 1, so a tag fits in 32 bits.
    if (tag.high) throw new ProtobufError(`tag over 32 bits at byte ${offset}`);
    const number = tag.low >>> 3;
    const wireType = tag.low & 7;
    if (number === 0) throw new ProtobufError(`field number 0 at byte ${offset}`);
    let field: WireField;
    if (wireType === WIRE_VARINT) {
      const v = varint();
      field = { number, wireType, offset, int32: v.low, nonzero: v.low !== 0 || v.high, bytes: NO_BYTES };
    } else if (wireType === WIRE_BYTES) {
      const length = varint();
      // A length needs 31 bits at most here: no buffer this reader gets is 2 GiB.
      if (length.low < 0 || length.high)
        throw new ProtobufError(`field ${number} at byte ${offset} has a length over 2 GiB`);
      const bytes = take(length.low, `field ${number}`, offset);
      field = { number, wireType, offset, int32: 0, nonzero: false, bytes };
    } else if (wireType === WIRE_FIXED32 || wireType === WIRE_FIXED64) {
      const bytes = take(wireType === WIRE_FIXED32 ? 4 : 8, `field ${number}`, offset);
      field = { number, wireType, offset, int32: 0, nonzero: false, bytes };
    } else {
      // 3 and 4 are the deprecated groups, which no current schema writes; 6 and 7 do not exist.
      throw new ProtobufError(
        `field ${number} at byte ${offset} has wire type ${wireType}, which is not supported`,
      );
    }
    visit(field);
  }
}

const scratch = new DataView(new ArrayBuffer(4));

/** A fixed32 field's float (IEEE 754 single precision, little-endian). */
export function fieldFloat(field: WireField): number {
  const b = field.bytes;
  scratch.setUint32(0, b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24), true);
  return scratch.getFloat32(0, true);
}

// ignoreBOM keeps a leading U+FEFF: it is a piece of its own in LLaMA's vocabulary.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A length-delimited field's payload as strict UTF-8. */
export function fieldString(field: WireField, what: string): string {
  try {
    return utf8.decode(field.bytes);
  } catch {
    throw new ProtobufError(`${what} (field ${field.number} at byte ${field.offset}) is not valid UTF-8`);
  }
}
