// Writing safetensors files. Layout: u64 LE header length, the header JSON padded with spaces to a
// multiple of 8 (so the data section is 8-byte aligned), then the tensors back to back in sorted
// name order. The file appears atomically (see atomic_write.ts). A streamed write takes each tensor's data
// only when it is written, so converting a large checkpoint holds one tensor at a time.

import { endianness } from "node:os";
import { withAtomicFile, writeAll } from "./atomic_write.ts";
import { type Dtype, dtypeBytes, holdsDtype, isDtype, type Tensor } from "./dtype.ts";
import { SafetensorsError } from "./safetensors_error.ts";

/** A tensor's header entry, known before its data is read. */
export interface TensorEntry {
  name: string;
  dtype: Dtype;
  shape: number[];
}

function checkEntry(path: string, { name, dtype, shape }: TensorEntry): void {
  const fail = (detail: string) => new SafetensorsError("write", path, name, detail);
  if (name === "__metadata__" || name === "") throw fail("reserved or empty tensor name");
  if (!isDtype(dtype)) throw fail(`unknown dtype "${dtype}"`);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw fail(`invalid shape ${JSON.stringify(shape)}`);
}

function check(path: string, name: string, t: Tensor): void {
  const fail = (detail: string) => new SafetensorsError("write", path, name, detail);
  checkEntry(path, { name, dtype: t.dtype, shape: t.shape });
  if (!holdsDtype(t.dtype, t.data)) throw fail(`${t.data.constructor.name} cannot hold ${t.dtype}`);
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== numel) {
    throw fail(`shape ${JSON.stringify(t.shape)} has ${numel} elements but data has ${t.data.length}`);
  }
}

/** The header bytes, already padded, for tensors in the given order. */
function encodeHeader(entries: TensorEntry[], metadata: Record<string, string> | undefined): Uint8Array {
  // Built by hand: a JS object would move integer-like names ("0", "12") to the front.
  const parts: string[] = [];
  if (metadata) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  let offset = 0;
  for (const { name, dtype, shape } of entries) {
    const end = offset + shape.reduce((a, b) => a * b, 1) * dtypeBytes(dtype);
    const entry = { dtype, shape, data_offsets: [offset, end] };
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
  for (const [name, t] of Object.entries(tensors)) check(path, name, t);
  const entries = Object.entries(tensors).map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape }));
  writeSafetensorsStreamed(path, entries, (name) => tensors[name], metadata);
}

/** Writes the tensors of `entries`, asking `read` for each one's data only when its turn comes (in sorted
 * name order), so that no more than one of them need be in memory. */
export function writeSafetensorsStreamed(
  path: string,
  entries: TensorEntry[],
  read: (name: string) => Tensor,
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
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [i, e] of sorted.entries()) {
    checkEntry(path, e);
    if (i > 0 && sorted[i - 1].name === e.name)
      throw new SafetensorsError("write", path, e.name, "tensor name given twice");
  }
  const header = encodeHeader(sorted, metadata);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
  withAtomicFile(path, (fd) => {
    writeAll(fd, prefix);
    writeAll(fd, header);
    for (const e of sorted) {
      const t = read(e.name);
      check(path, e.name, t);
      if (t.dtype !== e.dtype || t.shape.join() !== e.shape.join())
        throw new SafetensorsError(
          "write",
          path,
          e.name,
          `data is ${t.dtype} [${t.shape}] but its header entry says ${e.dtype} [${e.shape}]`,
        );
      writeAll(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
  });
}
