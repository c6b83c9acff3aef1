// Atomic file replacement: content goes to a temporary file beside the target, is flushed to disk,
// then renamed over the target. Readers see either the old file or the complete new one, never a
// half-written file, even if the process dies mid-write.

import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { failpoint } from "./failpoint.ts";

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
  let fd: number;
  try {
    fd = openSync(tmp, "wx");
  } catch (e) {
    throw new Error(`${path}: cannot write (${(e as Error).message})`);
  }
  let closed = false;
  try {
    fill(fd);
    failpoint("atomic-write");
    fsyncSync(fd);
    closeSync(fd);
    closed = true;
    renameSync(tmp, path);
  } catch (e) {
    if (!closed) closeSync(fd);
    rmSync(tmp, { force: true });
    // A full disk or a read-only file system: say which file could not be written.
    const message = (e as Error).message;
    throw message.startsWith(path) ? e : new Error(`${path}: cannot write (${message})`);
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

/** Removes what writers killed mid-write left under `dir` (recursively): temporary files of withAtomicFile
 * whose process is gone. */
export function removeStaleTemporaries(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removeStaleTemporaries(path);
    const m = /\.tmp-(\d+)-[0-9a-f]{12}$/.exec(entry.name);
    if (m && entry.isFile() && !processAlive(Number(m[1]))) rmSync(path, { force: true });
  }
}

/** Whether a process with this id runs (one owned by another user counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
