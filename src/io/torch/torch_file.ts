// Reading PyTorch checkpoints (.bin, .pt, .pth) in the zip format torch.save writes since 1.6:
// <prefix>/data.pkl (the pickled state dict), <prefix>/data/<key> (one entry per storage, raw little-endian
// elements), <prefix>/byteorder and <prefix>/version. The pickle is read at open, under the rules of
// state_dict.ts; each tensor is then read on demand, a contiguous one straight from the file into its own
// buffer, a strided view (a transposed weight saved as is) gathered from the span of storage it covers.
// Tensors sharing a storage (tied weights) each get their own copy, as safetensors readers give them.

import { closeSync, fstatSync, openSync } from "node:fs";
import { endianness } from "node:os";
import { dtypeBytes, viewAs } from "../dtype.ts";
import { readAt } from "../read_at.ts";
import { SafetensorsError } from "../safetensors_error.ts";
import type { WeightsFile } from "../weights_file.ts";
import { readStateDict, type TensorRef } from "./state_dict.ts";
import { TorchFileError } from "./torch_error.ts";
import { readZip, type ZipArchive, type ZipEntry } from "./zip.ts";

/** What the legacy (pre-1.6) format starts with: the pickled magic number 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

export function openTorchFile(path: string): WeightsFile {
  // Typed arrays use the host byte order; the storages are little-endian.
  if (endianness() !== "LE") throw new Error(`${path}: reading torch files needs a little-endian host`);
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    refuseNonZip(path, fd, size);
    const zip = readZip(path, fd, size);
    const prefix = archivePrefix(path, zip);
    checkByteorder(path, zip, prefix);
    const tensors = readStateDict(zip.read(zip.entries.get(`${prefix}data.pkl`)!), path);
    const entries = storageEntries(path, zip, prefix, tensors);
    return makeFile(path, fd, zip, tensors, entries);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function refuseNonZip(path: string, fd: number, size: number): void {
  if (size === 0) throw new TorchFileError("not_zip", path, null, "the file is empty");
  const head = new Uint8Array(Math.min(size, 512));
  readAt(fd, head, 0);
  const isTar = new TextDecoder().decode(head.subarray(257, 262)) === "ustar";
  if (LEGACY_MAGIC.every((b, i) => head[i] === b) || isTar)
    throw new TorchFileError(
      "legacy",
      path,
      null,
      "saved in PyTorch's legacy format (torch < 1.6, or _use_new_zipfile_serialization=False), which is " +
        "read only by unpickling arbitrary objects: load it with torch and save it again with torch >= 1.6 " +
        "(torch.save(torch.load(f), f))",
    );
  if (head[0] === 0x80)
    throw new TorchFileError("not_zip", path, null, "a bare pickle, not a torch.save zip archive");
}

/** The folder holding data.pkl (torch names it after the file); refuses TorchScript archives. */
function archivePrefix(path: string, zip: ZipArchive): string {
  const pickles = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pickles.length !== 1)
    throw new TorchFileError(
      "archive",
      path,
      null,
      pickles.length === 0
        ? "a zip archive without <name>/data.pkl: not written by torch.save"
        : `several data.pkl entries (${pickles.join(", ")})`,
    );
  const prefix = pickles[0].slice(0, -"data.pkl".length);
  if (zip.entries.has(`${prefix}constants.pkl`))
    throw new TorchFileError(
      "archive",
      path,
      null,
      "a TorchScript archive (torch.jit.save), not a state dict: save the module's state_dict() with torch.save",
    );
  return prefix;
}

/** Files without a byteorder record predate it and are little-endian. */
function checkByteorder(path: string, zip: ZipArchive, prefix: string): void {
  const entry = zip.entries.get(`${prefix}byteorder`);
  if (!entry) return;
  const order = new TextDecoder().decode(zip.read(entry)).trim();
  if (order === "little") return;
  if (order === "big")
    throw new TorchFileError(
      "byteorder",
      path,
      null,
      "tensors stored big-endian (saved on a big-endian machine): load and save it again on a little-endian one",
    );
  throw new TorchFileError(
    "byteorder",
    path,
    null,
    `byteorder record ${JSON.stringify(order)} is neither little nor big`,
  );
}

/** The zip entry of every storage the tensors use, checked to hold exactly its elements. */
function storageEntries(
  path: string,
  zip: ZipArchive,
  prefix: string,
  tensors: Map<string, TensorRef>,
): Map<string, ZipEntry> {
  const entries = new Map<string, ZipEntry>();
  for (const [name, t] of tensors) {
    const { key, dtype, numel } = t.storage;
    if (entries.has(key)) continue;
    const entry = zip.entries.get(`${prefix}data/${key}`);
    if (!entry)
      throw new TorchFileError(
        "archive",
        path,
        name,
        `its storage "${prefix}data/${key}" is not in the archive`,
      );
    const bytes = numel * dtypeBytes(dtype);
    if (entry.size !== bytes)
      throw new TorchFileError(
        "tensor",
        path,
        name,
        `storage "${key}" holds ${entry.size} bytes but its ${numel} ${dtype} elements take ${bytes}`,
      );
    entries.set(key, entry);
  }
  return entries;
}

/** Row-major with no gaps (strides of size-1 dimensions do not matter, as in torch's is_contiguous). */
function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Copies the strided view out of `span` (its storage from the view's offset on) into dense `out`. */
function gather(span: ArrayBuffer, out: ArrayBuffer, elementBytes: number, t: TensorRef): void {
  const unit = Math.min(elementBytes, 4);
  const words = elementBytes / unit;
  const Words = unit === 1 ? Uint8Array : unit === 2 ? Uint16Array : Uint32Array;
  const from = new Words(span);
  const to = new Words(out);
  const { shape, stride } = t;
  const index = new Array<number>(shape.length).fill(0);
  const numel = to.length / words;
  let s = 0;
  for (let i = 0; i < numel; i++) {
    for (let w = 0; w < words; w++) to[i * words + w] = from[s * words + w];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) {
        s += stride[d];
        break;
      }
      s -= (shape[d] - 1) * stride[d];
      index[d] = 0;
    }
  }
}

function makeFile(
  path: string,
  fd: number,
  zip: ZipArchive,
  tensors: Map<string, TensorRef>,
  entries: Map<string, ZipEntry>,
): WeightsFile {
  let open = true;
  const ref = (name: string): TensorRef => {
    const t = tensors.get(name);
    if (!t) throw new SafetensorsError("not_found", path, name, "no such tensor");
    return t;
  };
  return {
    path,
    metadata: null,
    names: () => [...tensors.keys()].sort(),
    has: (name) => tensors.has(name),
    info(name) {
      const t = ref(name);
      return { name, dtype: t.storage.dtype, shape: [...t.shape], file: path };
    },
    read(name) {
      const t = ref(name);
      if (!open) throw new Error(`${path}: tensor "${name}": file already closed`);
      const { dtype } = t.storage;
      const bytes = dtypeBytes(dtype);
      const numel = t.shape.reduce((a, b) => a * b, 1);
      const buffer = new ArrayBuffer(numel * bytes);
      const entry = entries.get(t.storage.key)!;
      if (numel > 0 && isContiguous(t.shape, t.stride)) {
        zip.readInto(entry, t.offset * bytes, new Uint8Array(buffer));
      } else if (numel > 0) {
        const last = t.shape.reduce((sum, d, i) => sum + (d - 1) * t.stride[i], 0);
        const span = new Uint8Array((last + 1) * bytes);
        zip.readInto(entry, t.offset * bytes, span);
        gather(span.buffer, buffer, bytes, t);
      }
      return { dtype, shape: [...t.shape], data: viewAs(dtype, buffer, numel) };
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
