// Test helpers for the PyTorch checkpoint reader: the torch.save fixtures and their expected values
// (test/fixtures/torch, made by tools/make_torch_fixtures.py with torch 1.13), and hand-built archives and
// pickles for what torch.save would never write.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { Tensor } from "../../src/io/dtype.ts";

export const TORCH_FIXTURES = join(import.meta.dirname, "..", "fixtures", "torch");

export interface ExpectedTensor {
  dtype: string;
  shape: number[];
  /** torch's tensor.contiguous() as little-endian bytes in hex. */
  hex: string;
}

/** expected.json: file → tensor name → what torch 1.13 saved. */
export const EXPECTED: Record<string, Record<string, ExpectedTensor>> = JSON.parse(
  readFileSync(join(TORCH_FIXTURES, "expected.json"), "utf8"),
);

export const hexOf = (t: Tensor) =>
  Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString("hex");

// --- hand-built pickles ------------------------------------------------------------------------------

const ascii = (s: string) => [...new TextEncoder().encode(s)];
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

/** Pickle opcodes as byte lists (protocol 2, as torch.save writes them). */
export const op = {
  proto: [0x80, 2],
  stop: [0x2e],
  mark: [0x28],
  tuple: [0x74],
  emptyTuple: [0x29],
  emptyDict: [0x7d],
  emptyList: [0x5d],
  setitem: [0x73],
  reduce: [0x52],
  build: [0x62],
  binpersid: [0x51],
  newfalse: [0x89],
  none: [0x4e],
  global: (module: string, name: string) => [0x63, ...ascii(`${module}\n${name}\n`)],
  stackGlobal: [0x93],
  str: (s: string) => [0x58, ...u32(new TextEncoder().encode(s).length), ...ascii(s)],
  int: (n: number) => [0x4a, ...u32(n)],
};

export const pickle = (...parts: number[][]) => Uint8Array.from(parts.flat());

/** The pickle of _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()), the size as
 * torch.Size(size) when `torchSize`. */
export function tensorOps(
  storageClass: string,
  key: string,
  numel: number,
  offset: number,
  size: number[],
  stride: number[],
  torchSize = false,
): number[][] {
  const ints = (xs: number[]) => [op.mark, ...xs.map(op.int), op.tuple];
  const sizeOps = torchSize
    ? [op.global("torch", "Size"), op.mark, ...ints(size), op.tuple, op.reduce]
    : ints(size);
  return [
    op.global("torch._utils", "_rebuild_tensor_v2"),
    op.mark,
    op.mark,
    op.str("storage"),
    op.global("torch", storageClass),
    op.str(key),
    op.str("cpu"),
    op.int(numel),
    op.tuple,
    op.binpersid,
    op.int(offset),
    ...sizeOps,
    ...ints(stride),
    op.newfalse,
    op.global("collections", "OrderedDict"),
    op.emptyTuple,
    op.reduce,
    op.tuple,
    op.reduce,
  ];
}

/** {name: tensor, …} as a pickle, each tensor given as tensorOps. */
export function stateDictPickle(items: Array<[string, number[][]]>): Uint8Array {
  return pickle(
    op.proto,
    op.emptyDict,
    ...items.flatMap(([name, value]) => [op.str(name), ...value, op.setitem]),
    op.stop,
  );
}

// --- hand-built zip archives -------------------------------------------------------------------------

export interface ZipOptions {
  /** Write every size and offset as 0xFFFFFFFF with the real values in ZIP64 extra fields. */
  zip64?: boolean;
  /** Compression method recorded for every entry (the data stays as given). */
  method?: number;
  /** General-purpose flags of every entry (bit 0: encrypted). */
  flags?: number;
}

/** A zip archive of stored entries, written independently of the reader under test. */
export function zipArchive(entries: Array<[string, Uint8Array]>, opts: ZipOptions = {}): Uint8Array {
  const parts: number[][] = [];
  const central: number[][] = [];
  let offset = 0;
  const u16 = (n: number) => [n & 0xff, n >>> 8];
  const u64 = (n: number) => [...u32(n % 2 ** 32), ...u32(Math.floor(n / 2 ** 32))];
  const big = opts.zip64 ? 0xffffffff : undefined;
  for (const [name, data] of entries) {
    const n = ascii(name);
    const crc = crc32(data);
    const common = [
      ...u16(45),
      ...u16(opts.flags ?? 0),
      ...u16(opts.method ?? 0),
      ...u16(0),
      ...u16(0),
      ...u32(crc),
      ...u32(big ?? data.length),
      ...u32(big ?? data.length),
      ...u16(n.length),
    ];
    const localExtra = opts.zip64 ? [...u16(1), ...u16(16), ...u64(data.length), ...u64(data.length)] : [];
    const local = [...u32(0x04034b50), ...common, ...u16(localExtra.length), ...n, ...localExtra];
    const centralExtra = opts.zip64
      ? [...u16(1), ...u16(24), ...u64(data.length), ...u64(data.length), ...u64(offset)]
      : [];
    central.push([
      ...u32(0x02014b50),
      ...u16(45),
      ...common,
      ...u16(centralExtra.length),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(big ?? offset),
      ...n,
      ...centralExtra,
    ]);
    parts.push(local, [...data]);
    offset += local.length + data.length;
  }
  const dir = central.flat();
  const tail: number[] = [];
  if (opts.zip64) {
    tail.push(
      ...u32(0x06064b50),
      ...u64(44),
      ...u16(45),
      ...u16(45),
      ...u32(0),
      ...u32(0),
      ...u64(entries.length),
      ...u64(entries.length),
      ...u64(dir.length),
      ...u64(offset),
    );
    tail.push(...u32(0x07064b50), ...u32(0), ...u64(offset + dir.length), ...u32(1));
  }
  const count = opts.zip64 ? 0xffff : entries.length;
  tail.push(
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(count),
    ...u16(count),
    ...u32(big ?? dir.length),
    ...u32(big ?? offset),
    ...u16(0),
  );
  return Uint8Array.from([...parts.flat(), ...dir, ...tail]);
}

/** A torch.save-like archive "archive/…" holding `pkl` and the storages by key. */
export function torchArchive(
  pkl: Uint8Array,
  storages: Record<string, Uint8Array> = {},
  opts: ZipOptions = {},
): Uint8Array {
  const entries: Array<[string, Uint8Array]> = [
    ["archive/data.pkl", pkl],
    ...Object.entries(storages).map(([k, v]): [string, Uint8Array] => [`archive/data/${k}`, v]),
    ["archive/version", new TextEncoder().encode("3\n")],
  ];
  return zipArchive(entries, opts);
}

export const f32Bytes = (...xs: number[]) => new Uint8Array(Float32Array.from(xs).buffer);
