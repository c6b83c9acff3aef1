// Writing safetensors files. Layout: u64 LE header length, the header JSON padded with spaces to a
// multiple of 8 (so the data section is 8-byte aligned), then the tensors back to back in sorted
// name order. The file appears atomically (see atomic_write.ts).

import { endianness } from "node:os";
import { withAtomicFile, writeAll } from "./atomic_write.ts";
import { dtypeBytes, holdsDtype, isDtype, type Tensor } from "./dtype.ts";
import { SafetensorsError } from "./safetensors_error.ts";

function check(path: string, name: string, t: Tensor): void {
  const fail = (detail: string) => new SafetensorsError("write", path, name, detail);
  if (name === "__metadata__" || name === "") throw fail("reserved or empty tensor name");
  if (!isDtype(t.dtype)) throw fail(`unknown dtype "${t.dtype}"`);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`invalid shape ${JSON.stringify(t.shape)}`);
  }
  if (!holdsDtype(t.dtype, t.data)) throw fail(`${t.data.constructor.name} cannot hold ${t.dtype}`);
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== numel) {
    throw fail(`shape ${JSON.stringify(t.shape)} has ${numel} elements but data has ${t.data.length}`);
  }
}

/** The header bytes, already padded, for tensors in the given order. */
function encodeHeader(
  tensors: Array<[string, Tensor]>,
  metadata: Record<string, string> | undefined,
): Uint8Array {
  // Built by hand: a JS object would move integer-like names ("0", "12") to the front.
  const parts: string[] = [];
  if (metadata) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const [name, t] of tensors) {
    const end = offset + t.data.length * dtypeBytes(t.dtype);
    const entry = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  return padded;
}

export function writeSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata?: Record<string, string>,
): void {
  if (endianness() !== "LE") throw new Error(`${path}: writing safetensors needs a little-endian host`);
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") {
        throw new SafetensorsError("metadata", path, null, `__metadata__["${k}"] is not a string`);
      }
    }
  }
  const sorted = Object.entries(tensors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, t] of sorted) check(path, name, t);
  const header = encodeHeader(sorted, metadata);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
  withAtomicFile(path, (fd) => {
    writeAll(fd, prefix);
    writeAll(fd, header);
    for (const [, t] of sorted)
      writeAll(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  });
}
