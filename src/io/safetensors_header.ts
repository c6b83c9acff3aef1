// Parsing and validating a safetensors header. Everything a reader later trusts (dtype, shape, byte
// range) is checked here against the file size, before any tensor-sized allocation happens.

import { type Dtype, dtypeBytes, isDtype } from "./dtype.ts";
import { topLevelKeys } from "./json_keys.ts";
import { SafetensorsError } from "./safetensors_error.ts";

/** The reference implementation's cap; a larger header is hostile or corrupt. */
const MAX_HEADER_BYTES = 100_000_000;

/** What any weights file tells about a tensor before reading it. */
export interface TensorMeta {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** The file holding the tensor. */
  file: string;
}

export interface TensorInfo extends TensorMeta {
  /** Absolute byte range [begin, end) in the file (not relative to the data section). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  metadata: Record<string, string> | null;
  /** Tensors in header order. */
  tensors: TensorInfo[];
  /** Absolute offset of the data section: 8 + header length. */
  dataStart: number;
}

/** Reads the 8-byte length prefix and checks it against the file size; returns the header length. */
export function headerLength(file: string, prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8)
    throw new SafetensorsError("too_short", file, null, `file has ${fileSize} bytes, fewer than 8`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n === 0n) throw new SafetensorsError("header_length", file, null, "header length is 0");
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError("header_length", file, null, `header length ${n} exceeds ${MAX_HEADER_BYTES}`);
  }
  if (8n + n > BigInt(fileSize)) {
    throw new SafetensorsError(
      "header_length",
      file,
      null,
      `header length ${n} runs past the end of the file (${fileSize} bytes)`,
    );
  }
  return Number(n);
}

/** Parses and validates the header bytes of `file`, whose total size is `fileSize`. */
export function parseHeader(file: string, headerBytes: Uint8Array, fileSize: number): SafetensorsHeader {
  const dataStart = 8 + headerBytes.length;
  const dataLength = fileSize - dataStart;
  let text: string;
  let json: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    throw new SafetensorsError("header_json", file, null, "header is not valid UTF-8");
  }
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(
      "header_json",
      file,
      null,
      `header is not valid JSON (${(e as Error).message})`,
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SafetensorsError("header_json", file, null, "header is not a JSON object");
  }
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key)) {
      const what = key === "__metadata__" ? null : key;
      throw new SafetensorsError("duplicate", file, what, "name appears more than once in the header");
    }
    seen.add(key);
  }

  const record = json as Record<string, unknown>;
  let metadata: Record<string, string> | null = null;
  const tensors: TensorInfo[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (name === "__metadata__") metadata = parseMetadata(file, value);
    else tensors.push(parseEntry(file, name, value, dataStart, dataLength));
  }
  checkCoverage(file, tensors, dataStart, dataLength);
  return { metadata, tensors, dataStart };
}

function parseMetadata(file: string, value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SafetensorsError("metadata", file, null, "__metadata__ is not an object");
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw new SafetensorsError("metadata", file, null, `__metadata__["${k}"] is not a string`);
    }
  }
  return { ...(value as Record<string, string>) };
}

function parseEntry(
  file: string,
  name: string,
  value: unknown,
  dataStart: number,
  dataLength: number,
): TensorInfo {
  const fail = (code: "entry" | "dtype" | "shape" | "size" | "offsets" | "truncated", detail: string) =>
    new SafetensorsError(code, file, name, detail);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw fail("entry", "entry is not an object");
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (dtype === undefined || shape === undefined || offsets === undefined) {
    const missing = ["dtype", "shape", "data_offsets"].filter((k) => !Object.hasOwn(value, k));
    throw fail("entry", `entry lacks ${missing.join(", ")}`);
  }
  if (typeof dtype !== "string") throw fail("entry", "dtype is not a string");
  if (!isDtype(dtype)) throw fail("dtype", `unknown dtype "${dtype}"`);
  if (!Array.isArray(shape)) throw fail("entry", "shape is not an array");
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw fail("entry", "data_offsets is not an array of two numbers");
  }
  let numel = 1n;
  for (const d of shape) {
    if (typeof d !== "number") throw fail("entry", `shape ${JSON.stringify(shape)} holds a non-number`);
    if (!Number.isSafeInteger(d) || d < 0) {
      throw fail("shape", `shape ${JSON.stringify(shape)} has an invalid dim ${d}`);
    }
    numel *= BigInt(d);
  }
  const [begin, end] = offsets;
  if (typeof begin !== "number" || typeof end !== "number") {
    throw fail("entry", "data_offsets is not an array of two numbers");
  }
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < 0) {
    throw fail("offsets", `data_offsets [${begin}, ${end}] are not non-negative integers`);
  }
  if (begin > end) throw fail("offsets", `data_offsets [${begin}, ${end}] are out of order`);
  const bytes = numel * BigInt(dtypeBytes(dtype));
  if (bytes !== BigInt(end - begin)) {
    throw fail(
      "size",
      `shape ${JSON.stringify(shape)} of ${dtype} needs ${bytes} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  if (end > dataLength) {
    throw fail(
      "truncated",
      `data_offsets [${begin}, ${end}] run past the data section (${dataLength} bytes): file truncated`,
    );
  }
  return { name, dtype, shape: [...shape], file, begin: dataStart + begin, end: dataStart + end };
}

/** The tensors must tile the data section exactly: no overlap, no hole, nothing after the last one. */
function checkCoverage(file: string, tensors: TensorInfo[], dataStart: number, dataLength: number): void {
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = dataStart;
  let prev: TensorInfo | null = null;
  for (const t of sorted) {
    if (t.begin < pos) {
      throw new SafetensorsError("offsets", file, t.name, `overlaps tensor "${prev?.name}"`);
    }
    if (t.begin > pos) {
      const after = prev ? `after tensor "${prev.name}"` : "at the start of the data section";
      throw new SafetensorsError("offsets", file, t.name, `leaves a hole of ${t.begin - pos} bytes ${after}`);
    }
    pos = t.end;
    prev = t;
  }
  const trailing = dataStart + dataLength - pos;
  if (trailing > 0) {
    throw new SafetensorsError(
      "offsets",
      file,
      null,
      `${trailing} bytes after the last tensor belong to none`,
    );
  }
}
