// Reading safetensors files: the header is parsed and validated once at open; each tensor is then
// read on demand with positional reads into a freshly allocated (hence aligned) buffer, so a
// many-gigabyte checkpoint is never held in memory as a whole.

import { closeSync, fstatSync, openSync } from "node:fs";
import { endianness } from "node:os";
import { type Tensor, viewAs } from "./dtype.ts";
import { readAt } from "./read_at.ts";
import { SafetensorsError } from "./safetensors_error.ts";
import { headerLength, parseHeader, type TensorInfo, type TensorMeta } from "./safetensors_header.ts";

export type { Dtype, Tensor, TensorData } from "./dtype.ts";
export { SafetensorsError } from "./safetensors_error.ts";
export type { TensorInfo, TensorMeta } from "./safetensors_header.ts";
export { writeSafetensors } from "./safetensors_write.ts";
export { toFloat32 } from "./to_float32.ts";

/** Named tensors, from one file or a whole checkpoint. */
export interface TensorSource {
  /** Tensor names, sorted. */
  names(): string[];
  has(name: string): boolean;
  /** Throws a "not_found" SafetensorsError for an unknown name. */
  info(name: string): TensorMeta;
  /** Reads the tensor into new memory; every call reads again. */
  read(name: string): Tensor;
  close(): void;
}

export interface SafetensorsFile extends TensorSource {
  readonly path: string;
  readonly metadata: Record<string, string> | null;
  /** Tensors in header order. */
  readonly tensors: readonly TensorInfo[];
  info(name: string): TensorInfo;
}

function readExactly(
  fd: number,
  file: string,
  tensor: string | null,
  target: Uint8Array,
  position: number,
): void {
  if (readAt(fd, target, position) < target.length) {
    throw new SafetensorsError("truncated", file, tensor, "file ended early (changed since it was opened?)");
  }
}

export function openSafetensors(path: string): SafetensorsFile {
  // Typed arrays use the host byte order; safetensors is little-endian.
  if (endianness() !== "LE") throw new Error(`${path}: reading safetensors needs a little-endian host`);
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const prefix = new Uint8Array(8);
    if (size >= 8) readExactly(fd, path, null, prefix, 0);
    const n = headerLength(path, prefix, size);
    const headerBytes = new Uint8Array(n);
    readExactly(fd, path, null, headerBytes, 8);
    const header = parseHeader(path, headerBytes, size);
    return makeFile(path, fd, header.metadata, header.tensors);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function makeFile(
  path: string,
  fd: number,
  metadata: Record<string, string> | null,
  tensors: TensorInfo[],
): SafetensorsFile {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  let open = true;
  const info = (name: string): TensorInfo => {
    const t = byName.get(name);
    if (!t) throw new SafetensorsError("not_found", path, name, "no such tensor");
    return t;
  };
  return {
    path,
    metadata,
    tensors,
    names: () => [...byName.keys()].sort(),
    has: (name) => byName.has(name),
    info,
    read(name) {
      const t = info(name);
      if (!open) throw new Error(`${path}: tensor "${name}": file already closed`);
      const buffer = new ArrayBuffer(t.end - t.begin);
      readExactly(fd, path, name, new Uint8Array(buffer), t.begin);
      const numel = t.shape.reduce((a, b) => a * b, 1);
      return { dtype: t.dtype, shape: [...t.shape], data: viewAs(t.dtype, buffer, numel) };
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
