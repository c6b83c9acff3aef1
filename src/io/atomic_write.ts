// Atomic file replacement: content goes to a temporary file beside the target, is flushed to disk,
// then renamed over the target. Readers see either the old file or the complete new one, never a
// half-written file, even if the process dies mid-write.

import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** writeSync moves at most 2 GiB per call. */
const WRITE_CHUNK = 1 << 30;

/** Writes all of `bytes` at the current position of `fd`. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, Math.min(WRITE_CHUNK, bytes.length - done));
  }
}

/** Calls `fill(fd)` on a fresh temporary file, then atomically moves it to `path`. On any failure
 * the temporary file is removed and `path` is left untouched. */
export function withAtomicFile(path: string, fill: (fd: number) => void): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  const fd = openSync(tmp, "wx");
  let closed = false;
  try {
    fill(fd);
    fsyncSync(fd);
    closeSync(fd);
    closed = true;
    renameSync(tmp, path);
  } catch (e) {
    if (!closed) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDirectory(dirname(path));
}

/** Makes the rename itself durable. Some platforms cannot fsync a directory; the data is safe anyway. */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Best effort only (e.g. Windows, some network file systems).
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  withAtomicFile(path, (fd) => writeAll(fd, bytes));
}
