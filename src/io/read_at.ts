// Positional reads that fill a whole buffer: readSync moves at most 2 GiB per call and may return less.

import { readSync } from "node:fs";

const READ_CHUNK = 1 << 30;

/** Reads into all of `target` from `position` on; returns how many bytes arrived (fewer only when the
 * file ends first). */
export function readAt(fd: number, target: Uint8Array, position: number): number {
  let done = 0;
  while (done < target.length) {
    const n = readSync(fd, target, done, Math.min(READ_CHUNK, target.length - done), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
