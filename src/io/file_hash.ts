// SHA-256 of a file's content, read in chunks so a large data file never sits in memory whole.
import { createHash } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { readAt } from "./read_at.ts";

const CHUNK = 16 << 20;

export function sha256File(path: string): string {
  const hash = createHash("sha256");
  const buf = new Uint8Array(CHUNK);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  try {
    for (let pos = 0; ; ) {
      const n = readAt(fd, buf, pos);
      hash.update(buf.subarray(0, n));
      pos += n;
      if (n < CHUNK) break;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}
