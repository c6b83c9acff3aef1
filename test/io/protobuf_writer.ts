// Protobuf wire-format encoding for tests (https://protobuf.dev/programming-guides/encoding/): builds
// SentencePiece model variants and malformed files byte by byte.

/** A varint; negative numbers as int32 writes them, sign-extended to ten bytes. */
export function varint(value: number): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

const tag = (field: number, wireType: number) => varint(field * 8 + wireType);

export const varintField = (field: number, value: number) =>
  Uint8Array.from([...tag(field, 0), ...varint(value)]);

export function bytesField(field: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  return Uint8Array.from([...tag(field, 2), ...varint(bytes.length), ...bytes]);
}

export function floatField(field: number, value: number): Uint8Array {
  const out = new Uint8Array(tag(field, 5).length + 4);
  out.set(tag(field, 5));
  new DataView(out.buffer).setFloat32(out.length - 4, value, true);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

/** A ModelProto.SentencePiece entry (field 1 of the model). */
export const pieceField = (piece: string | Uint8Array, score: number, type: number) =>
  bytesField(1, concat(bytesField(1, piece), floatField(2, score), varintField(3, type)));

/** A trainer_spec (field 2) or normalizer_spec (field 3) holding the given fields; appended to a model,
 * protobuf merges it into the existing one. */
export const specField = (field: 2 | 3, ...fields: Uint8Array[]) => bytesField(field, concat(...fields));
