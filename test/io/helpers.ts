// Shared test helpers: scratch directories and hand-built safetensors files.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

/** A fresh directory, removed when the test file finishes. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lntune-io-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Bytes of a safetensors file with an arbitrary header (object → JSON, string → as is) and data. The
 * length prefix is the header's byte length unless `length` overrides it. */
export function rawSafetensors(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  length?: bigint,
): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

export function writeRaw(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
