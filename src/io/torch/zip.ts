// A minimal zip reader for torch.save archives: the central directory (ZIP64 included, since a 7B shard
// exceeds 4 GB) gives each entry's place; entries are read on demand with positional reads. torch.save stores
// entries uncompressed; a deflated entry (an archive re-zipped by another tool) is inflated with node:zlib.

import { inflateRawSync } from "node:zlib";
import { readAt } from "../read_at.ts";
import { TorchFileError } from "./torch_error.ts";

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** End-of-central-directory record without its comment, and the longest comment it may carry. */
const EOCD_BYTES = 22;
const MAX_COMMENT = 0xffff;
/** A central directory, pickle or deflated entry (each read whole into memory) larger than this is corrupt
 * or hostile. */
const MAX_WHOLE_READ_BYTES = 1 << 30;

export interface ZipEntry {
  name: string;
  crc: number;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

export interface ZipArchive {
  entries: Map<string, ZipEntry>;
  /** The entry's whole (uncompressed) content, in new memory, checked against its CRC-32. */
  read(entry: ZipEntry): Uint8Array;
  /** Bytes [start, start + target.length) of the entry's content, read straight into `target` (not
   * checked: the CRC covers a whole entry, and tensor data would have to be read twice). */
  readInto(entry: ZipEntry, start: number, target: Uint8Array): void;
}

/** Reads the central directory of the zip archive open as `fd` (`size` bytes long). */
export function readZip(file: string, fd: number, size: number): ZipArchive {
  const fail = (detail: string) => new TorchFileError("zip", file, null, detail);
  const truncated = (detail: string) => new TorchFileError("truncated", file, null, detail);
  const bytesAt = (position: number, length: number): DataView => {
    const b = new Uint8Array(length);
    if (position + length > size || readAt(fd, b, position) < length)
      throw truncated(`file ended at byte ${size}, inside the zip structure at ${position}`);
    return new DataView(b.buffer);
  };
  const { count, dirOffset, dirSize } = findDirectory(file, fd, size, bytesAt);
  if (dirSize > MAX_WHOLE_READ_BYTES) throw fail(`central directory of ${dirSize} bytes`);
  if (dirOffset + dirSize > size)
    throw truncated(
      `central directory [${dirOffset}, ${dirOffset + dirSize}) runs past the end (${size} bytes)`,
    );
  const dir = bytesAt(dirOffset, dirSize);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dirSize || dir.getUint32(p, true) !== CENTRAL)
      throw fail(`central directory entry ${i} of ${count} is missing or corrupt`);
    const nameLength = dir.getUint16(p + 28, true);
    const extraLength = dir.getUint16(p + 30, true);
    const commentLength = dir.getUint16(p + 32, true);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > dirSize) throw fail(`central directory entry ${i} runs past the directory`);
    const name = new TextDecoder().decode(new Uint8Array(dir.buffer, p + 46, nameLength));
    const entry: ZipEntry = {
      name,
      crc: dir.getUint32(p + 16, true),
      flags: dir.getUint16(p + 8, true),
      method: dir.getUint16(p + 10, true),
      compressedSize: dir.getUint32(p + 20, true),
      size: dir.getUint32(p + 24, true),
      headerOffset: dir.getUint32(p + 42, true),
    };
    readZip64Extra(entry, new DataView(dir.buffer, p + 46 + nameLength, extraLength), fail);
    if (entries.has(name)) throw fail(`entry "${name}" appears twice`);
    entries.set(name, entry);
    p = end;
  }

  const dataOffsets = new Map<ZipEntry, number>();
  /** Where the entry's data starts: after its local header, whose extra field (torch pads it to align the
   * data) may differ from the central directory's. */
  const dataOffset = (e: ZipEntry): number => {
    let offset = dataOffsets.get(e);
    if (offset !== undefined) return offset;
    const where = `entry "${e.name}"`;
    if (e.flags & 1) throw fail(`${where} is encrypted`);
    if (e.method !== STORED && e.method !== DEFLATED)
      throw fail(`${where} uses compression method ${e.method}; only stored and deflated entries are read`);
    if (e.method === STORED && e.compressedSize !== e.size)
      throw fail(`${where} is stored but its sizes differ (${e.compressedSize} and ${e.size})`);
    const local = bytesAt(e.headerOffset, 30);
    if (local.getUint32(0, true) !== LOCAL) throw fail(`${where}: no local header at byte ${e.headerOffset}`);
    offset = e.headerOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    if (offset + e.compressedSize > size)
      throw truncated(`${where} [${offset}, ${offset + e.compressedSize}) runs past the end (${size} bytes)`);
    dataOffsets.set(e, offset);
    return offset;
  };
  const inflated = (e: ZipEntry): Uint8Array => {
    if (e.compressedSize > MAX_WHOLE_READ_BYTES || e.size > MAX_WHOLE_READ_BYTES)
      throw fail(`deflated entry "${e.name}" is too large to inflate in memory; store it uncompressed`);
    const raw = bytesAt(dataOffset(e), e.compressedSize);
    let out: Buffer;
    try {
      out = inflateRawSync(new Uint8Array(raw.buffer), { maxOutputLength: Math.max(1, e.size) });
    } catch (err) {
      throw fail(`entry "${e.name}" does not inflate (${(err as Error).message})`);
    }
    if (out.length !== e.size)
      throw fail(`entry "${e.name}" inflates to ${out.length} bytes, not the ${e.size} its header gives`);
    return out;
  };
  const readInto = (e: ZipEntry, start: number, target: Uint8Array): void => {
    if (start < 0 || start + target.length > e.size)
      throw fail(
        `bytes [${start}, ${start + target.length}) lie outside entry "${e.name}" (${e.size} bytes)`,
      );
    const offset = dataOffset(e);
    if (e.method === DEFLATED) target.set(inflated(e).subarray(start, start + target.length));
    else if (readAt(fd, target, offset + start) < target.length)
      throw truncated(`entry "${e.name}": file ended early (changed since it was opened?)`);
  };
  return {
    entries,
    read(e) {
      if (e.size > MAX_WHOLE_READ_BYTES) throw fail(`entry "${e.name}" of ${e.size} bytes is too large`);
      const out = new Uint8Array(e.size);
      readInto(e, 0, out);
      if (crc32(out) !== e.crc)
        throw fail(`entry "${e.name}" does not match its CRC-32: the file is corrupt`);
      return out;
    },
    readInto,
  };
}

/** Finds the end-of-central-directory record (and its ZIP64 form when a field overflowed). */
function findDirectory(
  file: string,
  fd: number,
  size: number,
  bytesAt: (position: number, length: number) => DataView,
): { count: number; dirOffset: number; dirSize: number } {
  const tailLength = Math.min(size, EOCD_BYTES + MAX_COMMENT);
  const tail = bytesAt(size - tailLength, tailLength);
  let at = -1;
  for (let p = tailLength - EOCD_BYTES; p >= 0; p--) {
    if (tail.getUint32(p, true) === EOCD && p + EOCD_BYTES + tail.getUint16(p + 20, true) <= tailLength) {
      at = p;
      break;
    }
  }
  if (at < 0) {
    const head = new Uint8Array(4);
    const isZip = readAt(fd, head, 0) === 4 && new DataView(head.buffer).getUint32(0, true) === LOCAL;
    if (isZip)
      throw new TorchFileError(
        "truncated",
        file,
        null,
        "a zip archive without its end-of-central-directory record: the file is truncated",
      );
    throw new TorchFileError("not_zip", file, null, "not a zip archive (nor a torch.save file)");
  }
  let count = tail.getUint16(at + 10, true);
  let dirSize = tail.getUint32(at + 12, true);
  let dirOffset = tail.getUint32(at + 16, true);
  const eocdPosition = size - tailLength + at;
  // A ZIP64 locator sits right before the record; torch writes one always, other tools only on overflow.
  if (eocdPosition >= 20) {
    const locator = bytesAt(eocdPosition - 20, 20);
    if (locator.getUint32(0, true) === ZIP64_LOCATOR) {
      const recordOffset = u64(locator, 8, file);
      const record = bytesAt(recordOffset, 56);
      if (record.getUint32(0, true) !== ZIP64_EOCD)
        throw new TorchFileError(
          "zip",
          file,
          null,
          `no ZIP64 end-of-central-directory record at ${recordOffset}`,
        );
      count = u64(record, 32, file);
      dirSize = u64(record, 40, file);
      dirOffset = u64(record, 48, file);
    }
  }
  return { count, dirOffset, dirSize };
}

function u64(view: DataView, offset: number, file: string): number {
  const v = view.getBigUint64(offset, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new TorchFileError("zip", file, null, `a ZIP64 field holds ${v}, beyond any file size`);
  return Number(v);
}

/** The ZIP64 extra field (id 1) holds, in this order, those of the sizes and offset that read 0xFFFFFFFF. */
function readZip64Extra(e: ZipEntry, extra: DataView, fail: (detail: string) => Error): void {
  const fields = (["size", "compressedSize", "headerOffset"] as const).filter((k) => e[k] === 0xffffffff);
  if (fields.length === 0) return;
  for (let p = 0; p + 4 <= extra.byteLength; ) {
    const id = extra.getUint16(p, true);
    const length = extra.getUint16(p + 2, true);
    if (id === 1) {
      if (length < 8 * fields.length || p + 4 + length > extra.byteLength)
        throw fail(`entry "${e.name}": ZIP64 extra field too short`);
      for (const [i, k] of fields.entries()) {
        const v = extra.getBigUint64(p + 4 + 8 * i, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER))
          throw fail(`entry "${e.name}": ZIP64 ${k} ${v} is too large`);
        e[k] = Number(v);
      }
      return;
    }
    p += 4 + length;
  }
  throw fail(`entry "${e.name}" has 4 GB markers but no ZIP64 extra field`);
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** The zip format's CRC-32 (IEEE 802.3, reflected). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
